// The service when PostgreSQL itself goes away (#17), each test on a cluster of its own:
//  - a PostgreSQL restart: /health/ready answers 503 while the database is down and 200 once it is back;
//    writes work again, a replica leads the background work again, and the index follower resumes;
//  - a failover: a primary with a synchronous standby, the primary killed and the standby promoted.
//    Clients retry with their Idempotency-Key; every consultation answered 201 is on the new primary,
//    and no key creates two. Prints how long writes were refused.
// Skipped where PostgreSQL is not installed.
import postgres from 'postgres'
import { afterAll, describe, expect, it } from 'vitest'
import { pgAvailable, pgSuiteName } from './pg.testkit.ts'
import { startPgCluster, startPgPair, type PgCluster, type PgPair } from './pg-cluster.ts'
import { startServerProcess, stopServerProcess, type ServerProcess } from './server-process.ts'

const ADMIN = 'failover-test-admin-token-0123456789'
const LEADER_LOCK = 4_212_346

const api = (base: string, path: string, init: RequestInit = {}) =>
  fetch(`${base}/api/v1${path}`, { ...init, headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json', ...init.headers }, signal: AbortSignal.timeout(10_000) })

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

async function until<T>(what: string, f: () => Promise<T | undefined | false>, ms = 30_000): Promise<T> {
  const end = Date.now() + ms
  for (;;) {
    const v = await f().catch(() => undefined)
    if (v) return v
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await sleep(100)
  }
}

const readyStatus = async (base: string) => { try { return (await fetch(`${base}/health/ready`, { signal: AbortSignal.timeout(5000) })).status } catch { return 0 } }

describe.skipIf(!pgAvailable)(pgSuiteName('PostgreSQL going away under the service'), () => {
  const servers: ServerProcess[] = []
  const clusters: { stop(): Promise<void> }[] = []
  afterAll(async () => {
    for (const s of servers) if (s.child.exitCode === null && s.child.signalCode === null) s.child.kill('SIGKILL')
    for (const c of clusters) await c.stop()
  })

  it('restart: /health/ready answers 503 while the database is down and 200 once it is back; writes, the leader and the index follower resume', async () => {
    // Commits reach the WAL before they return: an immediate stop is a crash, and must lose nothing acknowledged.
    const cluster: PgCluster = await startPgCluster({ settings: { synchronous_commit: 'on' } })
    clusters.push(cluster)
    const [a, b] = await Promise.all(['r1', 'r2'].map((n) => startServerProcess(`${cluster.url}?application_name=${n}`, ADMIN)))
    servers.push(a, b)
    expect((await api(a.base, '/units', { method: 'POST', body: JSON.stringify({ code: 'zwb', name: '区政府办公室' }) })).status).toBe(201)

    const restarted = cluster.restart({ downMs: 1500 })
    // pg_ctl returns when the server is down and again when it is up: look while it is down.
    const seen = new Set<number>()
    const watching = (async () => { for (let i = 0; i < 40 && !seen.has(503); i++) { seen.add(await readyStatus(a.base)); await sleep(50) } })()
    await restarted
    await watching
    expect(seen).toContain(503)
    await until('/health/ready 200 on both', async () => (await readyStatus(a.base)) === 200 && (await readyStatus(b.base)) === 200)

    // Writes work again on both, and a replica holds the leader lock again (its session died with the server).
    for (const [i, r] of [a, b].entries()) {
      const res = await until(`a write on r${i + 1}`, async () => {
        const x = await api(r.base, '/consultations', { method: 'POST', headers: { 'idempotency-key': `restart-${i}` }, body: JSON.stringify({ channel: 'hotline', question: `重启测试：路灯不亮找哪个部门？（${i}）`, openTicket: true }) })
        return x.status === 201 ? x : undefined
      })
      expect(res.status).toBe(201)
    }
    const sql = postgres(cluster.url, { max: 1, onnotice: () => {} })
    try {
      await until('a leader again', async () => (await sql`select 1 from pg_locks where locktype = 'advisory' and granted and objid = ${LEADER_LOCK}`).length === 1)
    } finally {
      await sql.end()
    }
    // The index follower resumes where it was: an entry published through r1 is matched by r2, at lag 0.
    const bulk = await api(a.base, '/entries/bulk', { method: 'POST', body: JSON.stringify({ entries: [{ unitCode: 'zwb', question: '重启测试：老年助餐补贴怎么申请？', answer: '向社区养老服务驿站申请。', status: 'published' }] }) })
    expect(bulk.status).toBe(201)
    const entryId = ((await bulk.json()) as { entryIds: number[] }).entryIds[0]
    await until('the entry on r2', async () => ((await (await api(b.base, '/match', { method: 'POST', body: JSON.stringify({ question: '重启测试：老年助餐补贴怎么申请' }) })).json()) as { candidates: { entryId: number }[] }).candidates[0]?.entryId === entryId)
    const ready = await (await fetch(`${b.base}/health/ready`)).json() as { index: { lag: number; appliedVersion: number; latestVersion: number } }
    expect(ready.index).toMatchObject({ lag: 0 })
    expect(ready.index.appliedVersion).toBe(ready.index.latestVersion)
    for (const r of [a, b]) expect(await stopServerProcess(r)).toBe(0)
  }, 120_000)

  it('failover to a synchronous standby: every consultation answered 201 is on the new primary, and retried keys create nothing twice', async () => {
    const pair: PgPair = await startPgPair()
    clusters.push(pair.standby, pair.primary)
    const server = await startServerProcess(pair.url, ADMIN)
    servers.push(server)
    expect((await api(server.base, '/units', { method: 'POST', body: JSON.stringify({ code: 'zwb', name: '区政府办公室' }) })).status).toBe(201)

    const question = (key: string) => `切换测试：老旧小区加装电梯有补贴吗？（${key}）`
    const acknowledged = new Map<string, number>()
    let killedAt = 0
    let refusedFrom = 0, refusedUntil = 0
    const refusals: string[] = []
    const CLIENTS = 4, PER_CLIENT = 25, KILL_AFTER = 30
    const client = async (c: number) => {
      for (let i = 0; i < PER_CLIENT; i++) {
        const key = `fo-${c}-${i}`
        // Retried with its key until it is answered: 201 for a new one, or the original replayed.
        for (const giveUpAt = Date.now() + 20_000; ;) {
          if (Date.now() > giveUpAt) throw new Error(`${key} not answered within 20 s: ${refusals.slice(-5).join(', ')}\n${server.stderr().slice(-3000)}`)
          try {
            const res = await api(server.base, '/consultations', { method: 'POST', headers: { 'idempotency-key': key }, body: JSON.stringify({ channel: 'hotline', question: question(key), openTicket: true }) })
            if (res.status === 201) {
              acknowledged.set(key, ((await res.json()) as { consultation: { id: number } }).consultation.id)
              if (refusedFrom && !refusedUntil) refusedUntil = Date.now()
              break
            }
            if (!killedAt) throw new Error(`unexpected ${res.status} before the failover: ${await res.text()}`)
            refusals.push(`${res.status} ${((await res.json()) as { code: string }).code}`)
          } catch (e) {
            if (!killedAt) throw e
            refusals.push(`no answer: ${(e as Error).message}`)
            refusedFrom ||= Date.now()
            await sleep(100)
            continue
          }
          refusedFrom ||= Date.now()
          await sleep(100)
        }
        if (acknowledged.size >= KILL_AFTER && !killedAt) {
          killedAt = Date.now()
          pair.primary.kill() // as a crash: other clients have requests in flight
          setTimeout(() => pair.standby.promote(), 500)
        }
      }
    }
    await Promise.all(Array.from({ length: CLIENTS }, (_v, c) => client(c)))

    // On the new primary, read directly: every key once, with the id its 201 named.
    const sql = postgres(`postgres://postgres@127.0.0.1:${pair.standby.port}/test`, { max: 1, onnotice: () => {} })
    try {
      const rows = await sql<{ id: number; question: string }[]>`select id, question from consultations`
      expect(rows).toHaveLength(CLIENTS * PER_CLIENT)
      const idOf = new Map(rows.map((r) => [r.question, r.id]))
      expect([...acknowledged].filter(([key, id]) => idOf.get(question(key)) !== id)).toEqual([])
      const [{ n: audited }] = await sql<{ n: number }[]>`select count(*)::int as n from audit_log where action = 'createConsultation'`
      expect(audited).toBe(rows.length)
    } finally {
      await sql.end()
    }
    // While the database was away, a write was refused as worth a retry (503), never as a server fault. (Often
    // none is: postgres.js finds the promoted standby before the next query.)
    expect(refusals.filter((r) => r !== '503 DATABASE_UNAVAILABLE'), `the server's log:\n${server.stderr().slice(-4000)}`).toEqual([])
    console.info(`failover: primary killed after ${KILL_AFTER} writes, standby promoted 0.5 s later; ${refusals.length} writes refused${refusedFrom ? ` over ${refusedUntil - refusedFrom} ms` : ''}; ${acknowledged.size} consultations, each once`)
    expect(await stopServerProcess(server)).toBe(0)
  }, 120_000)
})
