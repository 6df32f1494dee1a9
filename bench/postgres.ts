// The PostgreSQL column of `npm run bench` (#17): the same library and the same HTTP load as the SQLite
// row, on a throwaway PostgreSQL cluster (durable settings: fsync and synchronous_commit on), with one
// replica and with three behind a client that spreads its connections over them; and the failover
// time: how long writes are refused while a synchronous standby is promoted. Skipped, with the
// reason, where PostgreSQL is not installed.
import { closeDatabase } from '../src/db/client.ts'
import { migrateDatabase } from '../src/db/migrate.ts'
import { openPostgres } from '../src/db/postgres.ts'
import { pgAvailability, startPgCluster, startPgPair } from '../test/pg-cluster.ts'
import type { LibraryEntry } from './data.ts'
import { loadLibrary } from './load.ts'
import { startServer, type RunningServer } from './server.ts'

type Load = (urls: string[], path: string, body: (i: number) => unknown | undefined, duration?: number) => Promise<{ rps: number; p99: number; errors: number }>

/** A row per setting: /match and consultation writes, one replica and three. */
export async function benchPostgres(entries: LibraryEntry[], queries: { query: string }[], load: Load, { adminToken, warmupSeconds }: { adminToken: string; warmupSeconds: number }) {
  const pg = pgAvailability()
  if (!pg.available) return { skipped: pg.reason }
  const cluster = await startPgCluster({ database: 'bench', settings: { fsync: 'on', synchronous_commit: 'on', full_page_writes: 'on', max_connections: '200' } })
  const rows: Record<string, string | number>[] = []
  try {
    const db = openPostgres(cluster.url)
    await migrateDatabase(db)
    await loadLibrary(db, entries)
    await closeDatabase(db)
    const match = (i: number) => ({ question: queries[i % queries.length].query })
    const write = (i: number) => ({ channel: 'hotline', question: `${queries[i % queries.length].query}（第${i}次来电）`, openTicket: true, asker: { name: '测试', phone: '13800000000' } })
    for (const n of [1, 3]) {
      const servers: RunningServer[] = []
      try {
        // One after another: the first migrates nothing and builds its index; the others do the same.
        for (let k = 0; k < n; k++) servers.push(await startServer('', adminToken, queries[0].query, { DATABASE_URL: cluster.url, DATABASE_POOL_SIZE: '10' }))
        const urls = servers.map((s) => s.url)
        await load(urls, '/api/v1/match', match, warmupSeconds)
        const m = await load(urls, '/api/v1/match', match)
        const w = await load(urls, '/api/v1/consultations', write)
        rows.push({
          engine: 'PostgreSQL', replicas: n, entries: entries.length, 'cold start s': (servers[0].coldStartMs / 1000).toFixed(2),
          'match req/s': Math.round(m.rps), 'match p99 ms': m.p99, 'consult req/s': Math.round(w.rps), 'consult p99 ms': w.p99, errors: m.errors + w.errors,
        })
      } finally {
        for (const s of servers) await s.stop()
      }
    }
  } finally {
    await cluster.stop()
  }
  return { rows, failover: await failoverTime(adminToken) }
}

/**
 * Writes through one replica on a primary with a synchronous standby; the primary is killed as a
 * crash and the standby promoted at once (`pg_ctl promote -w`). The time from the kill to the first
 * write answered 201 on the new primary, over three rounds: what an operator's promotion costs, plus
 * the service finding the new primary.
 */
async function failoverTime(adminToken: string): Promise<{ refusedMs: number[] }> {
  const refusedMs: number[] = []
  for (let round = 0; round < 3; round++) {
    const pair = await startPgPair({ database: 'bench' })
    let server: RunningServer | undefined
    try {
      server = await startServer('', adminToken, null, { DATABASE_URL: pair.url })
      const post = (key: string) => fetch(`${server!.url}/api/v1/consultations`, {
        method: 'POST', signal: AbortSignal.timeout(10_000),
        headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json', 'idempotency-key': key },
        body: JSON.stringify({ channel: 'hotline', question: `切换计时：路灯不亮找哪个部门？（${key}）`, openTicket: true }),
      }).then((r) => r.status, () => 0)
      await fetch(`${server.url}/api/v1/units`, { method: 'POST', headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' }, body: JSON.stringify({ code: 'zwb', name: '区政府办公室' }) })
      for (let i = 0; i < 20; i++) await post(`warm-${i}`)
      // A writer keeps writing; the time counts from the kill to the first write started after it that is answered 201.
      const killedAt = performance.now()
      pair.primary.kill()
      pair.standby.promote()
      let back = 0
      for (let i = 0; !back; i++) {
        const started = performance.now()
        if (await post(`after-${round}-${i}`) === 201 && started >= killedAt) back = performance.now()
        else await new Promise((r) => setTimeout(r, 20))
        if (performance.now() - killedAt > 60_000) throw new Error('writes did not come back within 60 s of the failover')
      }
      refusedMs.push(Math.round(back - killedAt))
    } finally {
      await server?.stop()
      await pair.standby.stop()
      await pair.primary.stop()
    }
  }
  return { refusedMs }
}
