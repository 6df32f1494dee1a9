// Several replicas of the real server (the bundle `npm start` runs) on one PostgreSQL database, as a
// city runs them behind a load balancer (#17):
//  - a start-up race: three replicas start at once on an empty database; one migrates, seeds the demo
//    data and makes the first administrator, the others wait and find it done;
//  - convergence: an entry published through one replica is matched by the other two within 2 s; a
//    synonym and a calendar year reach them too, and all three compute the same deadline;
//  - a replica killed mid-stream: 8 clients spread consultations with Idempotency-Key over the three,
//    one is killed with SIGKILL, requests in flight are retried on the others; each key gives exactly
//    one consultation with its audit row, ticket numbers per day have no gap and no duplicate, and an
//    integration polling its events meanwhile sees every event once, in order;
//  - the leader killed during a webhook delivery: another replica takes over; every event is delivered,
//    in order, and only the one in flight is sent twice, with the same id, once its lease has run out.
// Skipped where PostgreSQL is not installed.
import postgres from 'postgres'
import { afterAll, describe, expect, it, onTestFinished } from 'vitest'
import { createTestPgDatabase, pgAvailable, pgSuiteName } from './pg.testkit.ts'
import { listAll as listAllAs, startServerProcess, stopServerProcess, type ServerProcess } from './server-process.ts'
import { startReceiver } from '../src/integrations/integrations.testkit.ts'

const ADMIN = 'replica-test-admin-token-0123456789'
/** The leader lock's key (src/db/leader.ts). */
const LEADER_LOCK = 4_212_346

const api = (base: string, path: string, init: RequestInit & { token?: string } = {}) =>
  fetch(`${base}/api/v1${path}`, { ...init, headers: { authorization: `Bearer ${init.token ?? ADMIN}`, 'content-type': 'application/json', ...init.headers } })

const listAll = <T>(base: string, path: string) => listAllAs<T>(base, ADMIN, path)

/** Replicas named r1, r2 … on one database; each names its connections after itself. */
const startReplicas = (url: string, names: string[], env: Record<string, string> = {}) =>
  Promise.all(names.map((name) => startServerProcess(`${url}?application_name=${name}`, ADMIN, env).then((p) => ({ name, ...p }))))

type Replica = ServerProcess & { name: string }

/** The replica holding the leader lock, by the application name of the session that holds it. */
async function leaderOf(sql: postgres.Sql): Promise<string | undefined> {
  const [row] = await sql<{ name: string }[]>`select a.application_name as name from pg_locks l join pg_stat_activity a on a.pid = l.pid
    where l.locktype = 'advisory' and l.granted and l.objid = ${LEADER_LOCK}`
  return row?.name
}

async function until<T>(what: string, f: () => Promise<T | undefined | false>, ms = 15_000): Promise<T> {
  const end = Date.now() + ms
  for (;;) {
    const v = await f()
    if (v) return v
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

describe.skipIf(!pgAvailable)(pgSuiteName('replicas on one PostgreSQL database'), () => {
  const started: Replica[] = []
  const sessions: postgres.Sql[] = []
  afterAll(async () => {
    for (const r of started) if (r.child.exitCode === null && r.child.signalCode === null) r.child.kill('SIGKILL')
    await Promise.all(sessions.map((s) => s.end({ timeout: 1 })))
  })

  it('start at once on an empty database: one migrates, seeds and makes the first administrator; a replica killed mid-stream loses and duplicates nothing', async () => {
    const url = await createTestPgDatabase()
    const sql = postgres(url, { max: 1, onnotice: () => {} })
    sessions.push(sql)
    const t0 = Date.now()
    const replicas = await startReplicas(url, ['r1', 'r2', 'r3'], { SEED_DEMO: '1' })
    started.push(...replicas)
    onTestFinished(() => { for (const r of replicas) if (r.child.exitCode === null && r.child.signalCode === null) r.child.kill('SIGKILL') })
    const t1 = Date.now()

    // Each migration once, the demo library once, one first administrator and one bootstrap token.
    const [{ n: migrations }] = await sql<{ n: number }[]>`select count(*)::int as n from drizzle.__drizzle_migrations`
    const [{ n: distinctMigrations }] = await sql<{ n: number }[]>`select count(distinct hash)::int as n from drizzle.__drizzle_migrations`
    expect(migrations).toBe(distinctMigrations)
    const [{ n: admins }] = await sql<{ n: number }[]>`select count(*)::int as n from accounts where username = 'admin'`
    expect(admins).toBe(1)
    const [{ n: bootstrap }] = await sql<{ n: number }[]>`select count(*)::int as n from api_tokens where account_id is null and role = 'admin'`
    expect(bootstrap).toBe(1)
    const entries = await sql<{ question: string; n: number }[]>`select v.question, count(*)::int as n from entries e join entry_versions v on v.id = e.published_version_id group by v.question having count(*) > 1`
    expect(entries).toEqual([])
    const [{ n: published }] = await sql<{ n: number }[]>`select count(*)::int as n from entries where published_version_id is not null`
    expect(published).toBeGreaterThan(0)
    // Exactly one of them printed the first administrator's password (its log is stdout, not checked here).

    // Convergence: an entry published through r1 is matched by r2 and r3 within 2 s; a synonym added and a
    // calendar year loaded through r1 reach them too, and all three compute the same deadline.
    const [r1x, r2x, r3x] = replicas
    const converged = async (what: string, check: (r: Replica) => Promise<boolean>) => {
      const t = Date.now()
      for (const r of [r2x, r3x]) await until(`${what} on ${r.name}`, () => check(r), 10_000)
      return Date.now() - t
    }
    const topOf = async (r: Replica, question: string) => ((await (await api(r.base, '/match', { method: 'POST', body: JSON.stringify({ question }) })).json()) as { candidates: { entryId: number }[] }).candidates[0]?.entryId
    expect((await api(r1x.base, '/units', { method: 'POST', body: JSON.stringify({ code: 'ybj2', name: '区医保局（测试）' }) })).status).toBe(201)
    const bulk = await api(r1x.base, '/entries/bulk', { method: 'POST', body: JSON.stringify({ entries: [{ unitCode: 'ybj2', question: '多副本测试：生育津贴怎么申领？', answer: '由用人单位向医保经办机构申领生育津贴。', status: 'published' }] }) })
    expect(bulk.status).toBe(201)
    const entryId = ((await bulk.json()) as { entryIds: number[] }).entryIds[0]
    const entryMs = await converged('the new entry', async (r) => (await topOf(r, '多副本测试：生育津贴怎么申领')) === entryId)
    expect((await api(r1x.base, '/synonyms', { method: 'POST', body: JSON.stringify({ term: '娃娃补贴钱', canonical: '生育津贴' }) })).status).toBe(201)
    const synonymMs = await converged('the synonym', async (r) => (await topOf(r, '多副本测试：娃娃补贴钱怎么申领')) === entryId)
    // Unpublished, 31 December + 1 working day is 4 January (元旦 by law, then the weekend); this notice also
    // gives 4 January off, so the deadline moves to the 5th once a replica has it.
    const dueOf = async (r: Replica) => ((await (await api(r.base, `/calendar/due?from=${encodeURIComponent('2026-12-31T10:00:00+08:00')}&days=1`)).json()) as { dueAt: string }).dueAt
    expect(await dueOf(r2x)).toBe('2027-01-04T15:59:59.000Z')
    const put = await api(r1x.base, '/calendar/2027', { method: 'PUT', body: JSON.stringify({ sourceUrl: 'https://www.gov.cn/zhengce/content/2026-11/01/content_0000000.htm', holidays: [{ date: '2027-01-01', name: '元旦' }, { date: '2027-01-02', name: '元旦' }, { date: '2027-01-03', name: '元旦' }, { date: '2027-01-04', name: '元旦' }], workdays: [] }) })
    expect(put.status).toBe(200)
    const calendarMs = await converged('the calendar', async (r) => (await dueOf(r)) === '2027-01-05T15:59:59.000Z')
    expect(await dueOf(r1x)).toBe('2027-01-05T15:59:59.000Z')
    // The entry within 2 s; the synonym and the calendar reach them too (a synonym rebuilds each index).
    expect(entryMs).toBeLessThan(2000)
    for (const r of replicas) {
      const ready = await (await fetch(`${r.base}/health/ready`)).json() as { index: { lag: number }; role: string }
      expect(ready.index.lag).toBe(0)
    }

    // The website mailbox, polling its events while letters arrive.
    const reg = await (await api(replicas[0].base, '/integrations', { method: 'POST', body: JSON.stringify({ name: '区政府网站公开信箱' }) })).json() as { credentials: { token: string } }
    const mailbox = reg.credentials.token
    const polled: { cursor: string; id: string; type: string }[] = []
    let polling = true
    const poller = (async () => {
      let after = '0'
      let i = 0
      while (polling) {
        const r = replicas[i++ % 3]
        if (r.child.exitCode !== null || r.child.signalCode !== null) continue
        try {
          const page = await (await api(r.base, `/events?after=${after}&limit=50`, { token: mailbox })).json() as { items: { cursor: string; id: string; type: string }[]; nextCursor: string }
          polled.push(...page.items)
          after = page.nextCursor
        } catch { /* that replica just died: the next one answers */ }
        await new Promise((res) => setTimeout(res, 20))
      }
    })()

    const CLIENTS = 8, PER_CLIENT = 20, KILL_AFTER = 60
    const question = (key: string) => `多副本测试来信：小区门前路灯长期不亮，请问由哪个部门负责维修？（${key}）`
    const submit = (base: string, key: string) => api(base, '/consultations', {
      method: 'POST', token: mailbox, headers: { 'idempotency-key': key },
      body: JSON.stringify({ channel: 'mailbox', question: question(key), externalId: key, openTicket: true }),
    })
    const acknowledged = new Map<string, number>()
    let retried = 0
    let killedAt = 0
    const victim = replicas[1]
    const alive = () => replicas.filter((r) => r.child.exitCode === null && r.child.signalCode === null)
    const client = async (c: number) => {
      for (let i = 0; i < PER_CLIENT; i++) {
        const key = `r-${c}-${i}`
        // Spread over the replicas; a request that fails (its replica died) is retried on another with its key.
        for (let attempt = 0; ; attempt++) {
          const targets = alive()
          const r = targets[(c + i + attempt) % targets.length]
          try {
            const res = await submit(r.base, key)
            if (res.status !== 201) throw new Error(`unexpected ${res.status}: ${await res.text()}`)
            acknowledged.set(key, ((await res.json()) as { consultation: { id: number } }).consultation.id)
            if (attempt > 0) retried++
            break
          } catch (e) {
            if (r !== victim || attempt > 3) throw e
          }
        }
        if (acknowledged.size >= KILL_AFTER && !killedAt) {
          killedAt = acknowledged.size
          victim.child.kill('SIGKILL') // other clients have requests in flight on it
        }
      }
    }
    await Promise.all(Array.from({ length: CLIENTS }, (_v, c) => client(c))).catch((e: unknown) => { polling = false; throw e })
    expect(victim.child.signalCode).toBe('SIGKILL')
    const t2 = Date.now()

    const [r1, , r3] = replicas
    const consultations = await listAll<{ id: number; question: string }>(r1.base, '/consultations?channel=mailbox')
    const sent = [...acknowledged.keys()]
    expect(sent).toHaveLength(CLIENTS * PER_CLIENT)
    // Each key exactly once, with the id its 201 named.
    const idsOf = (key: string) => consultations.filter((c) => c.question === question(key)).map((c) => c.id)
    expect(sent.filter((key) => JSON.stringify(idsOf(key)) !== JSON.stringify([acknowledged.get(key)]))).toEqual([])
    expect(consultations).toHaveLength(sent.length)
    // A retry of an answered request, on a surviving replica, replays the original.
    for (const key of sent.slice(0, 5)) {
      const res = await submit(r3.base, key)
      expect(res.headers.get('idempotent-replayed')).toBe('true')
      expect(((await res.json()) as { consultation: { id: number } }).consultation.id).toBe(acknowledged.get(key))
    }
    // Each consultation has its audit row, and no audit row lacks its consultation.
    const audited = await listAll<{ targetIds: number[] }>(r1.base, '/audit?action=createConsultation')
    expect(audited.map((a) => a.targetIds[0]).sort((a, b) => a - b)).toEqual(consultations.map((c) => c.id).sort((a, b) => a - b))
    // Ticket numbers per day: 1 … n, no gap, no duplicate.
    const numbers = (await sql<{ number: string }[]>`select number from tickets`).map((t) => t.number)
    expect(numbers).toHaveLength(sent.length)
    const byDay = new Map<string, number[]>()
    for (const n of numbers) {
      const [, day, seq] = /^ZX(\d{8})-(\d+)$/.exec(n)!
      byDay.set(day, [...(byDay.get(day) ?? []), Number(seq)])
    }
    for (const seqs of byDay.values()) expect(seqs.sort((a, b) => a - b)).toEqual(seqs.map((_s, i) => i + 1))

    // The poller, once caught up, has seen every event once, in cursor order.
    const [{ n: events }] = await sql<{ n: number }[]>`select count(*)::int as n from outbox_events`
    try {
      await until('the poller to catch up', async () => polled.length >= events)
    } finally {
      polling = false // stops even when the test fails: later files run in this worker
      await poller
    }
    expect(new Set(polled.map((e) => e.id)).size).toBe(polled.length)
    expect(polled.map((e) => Number(e.cursor))).toEqual(polled.map((e) => Number(e.cursor)).sort((a, b) => a - b))
    expect(polled.filter((e) => e.type === 'ticket.created')).toHaveLength(sent.length)

    console.info(`replicas: an entry, a synonym and a calendar year reached the other two in ${entryMs} / ${synonymMs} / ${calendarMs} ms; three started at once in ${t1 - t0} ms; ${sent.length} letters over 3 replicas, r2 killed after ${killedAt}, ${retried} retried elsewhere, in ${t2 - t1} ms; ${polled.length} events polled`)
    for (const r of [r1, r3]) expect(await stopServerProcess(r)).toBe(0)
  }, 180_000)

  it('the leader killed during a webhook delivery: another replica takes over once the lease runs out; every event arrives, the others in order, only the one in flight twice', async () => {
    const url = await createTestPgDatabase()
    const sql = postgres(url, { max: 1, onnotice: () => {} })
    sessions.push(sql)
    // The first POST is held open: the leader is killed while it waits for the answer.
    const arrivedAt: number[] = []
    const receiver = await startReceiver((n) => { arrivedAt[n - 1] = Date.now(); return n === 1 ? 'hang' : 200 })
    try {
      const env = { WEBHOOK_POLL_INTERVAL_MS: '100', WEBHOOK_TIMEOUT_MS: '1000', WEBHOOK_LEASE_MS: '3000', WEBHOOK_ALLOWED_HOSTS: '127.0.0.1' }
      const replicas = await startReplicas(url, ['r1', 'r2', 'r3'], env)
      started.push(...replicas)
      const leaderName = await until('a leader', () => leaderOf(sql))
      const leader = replicas.find((r) => r.name === leaderName)!
      const others = replicas.filter((r) => r !== leader)

      // The office that receives tickets no unit can be inferred for.
      expect((await api(others[1].base, '/units', { method: 'POST', body: JSON.stringify({ code: 'zwb', name: '区政府办公室' }) })).status).toBe(201)
      const reg = await (await api(others[0].base, '/integrations', { method: 'POST', body: JSON.stringify({ name: '区政府网站公开信箱', webhookUrl: receiver.url }) })).json() as { credentials: { token: string } }
      const letter = (i: number) => api(others[i % 2].base, '/consultations', {
        method: 'POST', token: reg.credentials.token, headers: { 'idempotency-key': `hook-${i}` },
        body: JSON.stringify({ channel: 'mailbox', question: `多副本推送测试：老旧小区加装电梯有补贴吗？（第 ${i} 封）`, externalId: `hook-${i}`, openTicket: true }),
      })
      for (let i = 0; i < 5; i++) expect((await letter(i)).status).toBe(201)
      await receiver.waitFor(1)
      const killedAt = Date.now()
      leader.child.kill('SIGKILL')
      for (let i = 5; i < 8; i++) expect((await letter(i)).status).toBe(201)

      const newLeader = await until('another leader', async () => { const n = await leaderOf(sql); return n && n !== leaderName ? n : undefined })
      const [{ n: events }] = await sql<{ n: number }[]>`select count(*)::int as n from outbox_events`
      expect(events).toBe(8)
      // The hung first POST plus every event once.
      await until('every event delivered', async () => receiver.received.length >= events + 1, 30_000)
      const tookOverMs = Date.now() - killedAt
      const ids = receiver.received.map((r) => r.json.id)
      // The event in flight when the leader died is the only one sent twice, with the same id. The others
      // arrive in order; the repeat comes when its lease has run out, possibly after later ones (the
      // documented contract: receivers dedupe by id and act on the ticket's status, not arrival order).
      const inFlight = ids[0]
      expect(ids.filter((id) => id === inFlight)).toHaveLength(2)
      expect(new Set(ids).size).toBe(events)
      const order = (await sql<{ id: string }[]>`select id from outbox_events order by seq`).map((e) => e.id)
      expect(order[0]).toBe(inFlight)
      expect(ids.slice(1).filter((id) => id !== inFlight)).toEqual(order.slice(1))
      // Not before its lease (3 s from the claim, just before the first POST) has run out: the old leader
      // might still have been posting it.
      expect(arrivedAt[ids.lastIndexOf(inFlight)] - arrivedAt[0]).toBeGreaterThanOrEqual(2500)
      // The replica marks an event delivered once the receiver's 200 is back, a moment after the receiver has it.
      await until('every event marked delivered', async () => {
        const [{ n: pending }] = await sql<{ n: number }[]>`select count(*)::int as n from outbox_events where state <> 'delivered'`
        return pending === 0 ? true : undefined
      }, 10_000)
      console.info(`replicas: leader ${leaderName} killed mid-delivery, ${newLeader} took over; all ${events} events delivered ${tookOverMs} ms after the kill (lease 3 s)`)
      for (const r of others) expect(await stopServerProcess(r)).toBe(0)
    } finally {
      receiver.release?.()
      await receiver.close()
    }
  }, 120_000)
})
