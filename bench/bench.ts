// npm run bench: performance of the matcher and the service at 1k, 10k and 100k entries, with the SQLite FTS5
// trigram peer on the same queries. Prints one table. BENCH_SIZES=1000,10000 limits the sizes.
import { cpus, totalmem, platform, release } from 'node:os'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import autocannon from 'autocannon'
import { loadConfig } from '../src/config.ts'
import { openDatabase } from '../src/db/client.ts'
import { migrateDatabase } from '../src/db/migrate.ts'
import { createServices } from '../src/services.ts'
import { buildLibrary } from './data.ts'
import { createFts5Peer } from './fts5.ts'
import { loadLibrary } from './load.ts'
import { mb, percentile, timeEach, timeEachAsync } from './stats.ts'
import { buildServer, rssOf, startServer } from './server.ts'
import { benchPostgres } from './postgres.ts'

const SIZES = (process.env.BENCH_SIZES ?? '1000,10000,100000').split(',').map(Number)
const DURATION = Number(process.env.BENCH_HTTP_SECONDS ?? 10)
const WARMUP = Number(process.env.BENCH_WARMUP_SECONDS ?? 3)
const ADMIN = 'bench-admin-token-0123456789'
const silentLog = { level: 'silent', info() {}, warn() {}, error() {}, debug() {}, trace() {}, fatal() {}, child() { return silentLog } } as never

interface Row { [k: string]: string | number }

/** 16 connections for `duration` s, spread over `url` (several replicas: as many connections to each, summed). */
async function load(url: string | string[], path: string, body: (i: number) => unknown | undefined, onSample?: () => void, duration = DURATION) {
  const urls = [url].flat()
  if (urls.length > 1) {
    const parts = await Promise.all(urls.map((u, k) => loadOne(u, path, (i) => body(i * urls.length + k), Math.max(1, Math.round(16 / urls.length)), duration)))
    return { rps: parts.reduce((s, p) => s + p.rps, 0), p99: Math.max(...parts.map((p) => p.p99)), errors: parts.reduce((s, p) => s + p.errors, 0) }
  }
  const sampler = onSample ? setInterval(onSample, 200) : undefined
  try {
    return await loadOne(urls[0], path, body, 16, duration)
  } finally {
    if (sampler) clearInterval(sampler)
  }
}

async function loadOne(url: string, path: string, body: (i: number) => unknown | undefined, connections: number, duration: number) {
  let i = 0
  const result = await autocannon({
    url: url + path,
    connections,
    duration,
    headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
    requests: [{
      method: body(0) === undefined ? 'GET' : 'POST',
      setupRequest: (req: Record<string, unknown>) => {
        const b = body(i++)
        return b === undefined ? req : { ...req, body: JSON.stringify(b) }
      },
    }],
  })
  return { rps: result.requests.average, p99: result.latency.p99, errors: result.errors + result.non2xx }
}

async function benchSize(size: number): Promise<Row> {
  const { entries, queries } = buildLibrary(size)
  const dir = mkdtempSync(join(tmpdir(), 'qa-bench-'))
  const dbPath = join(dir, 'bench.sqlite')
  const row: Row = { entries: size }
  try {
    const db = openDatabase(dbPath)
    await migrateDatabase(db)
    await loadLibrary(db, entries)

    // In process: index build, memory and match latency.
    const config = loadConfig({ DATABASE_PATH: dbPath, SEED_DEMO: '0', LOG_LEVEL: 'silent', WEBHOOK_POLL_INTERVAL_MS: '0' })
    const services = await createServices({ config, db, log: silentLog })
    global.gc?.()
    const t0 = performance.now()
    await services.ready()
    row['build s'] = ((performance.now() - t0) / 1000).toFixed(2)
    global.gc?.()
    const mem = process.memoryUsage()
    row['RSS MB'] = mb(mem.rss)
    row['heap MB'] = mb(mem.heapUsed)

    // Warm-up (JIT, first use of jieba, pinyin and OpenCC) on variants of 200 queries, which the memo
    // of prepared queries does not hold for the measured pass.
    for (const q of queries.slice(0, 200)) await services.search.match({ question: q.query + '？', limit: 10 })
    let hits = 0
    const ids = new Map<number, string>()
    const lat = await timeEachAsync(queries, async (q) => {
      const r = await services.search.match({ question: q.query, limit: 10 })
      const top = r.candidates[0]
      if (top && top.externalId === q.gold) hits++
      if (top) ids.set(top.entryId, top.externalId ?? '')
    })
    row['R@1'] = (hits / queries.length).toFixed(3)
    row['p50 ms'] = percentile(lat, 50).toFixed(2)
    row['p99 ms'] = percentile(lat, 99).toFixed(2)

    const peer = createFts5Peer(entries)
    let peerHits = 0
    const peerLat = timeEach(queries, (q) => { if (peer.query(q.query, 10)[0] === q.gold) peerHits++ })
    peer.close()
    row['FTS5 R@1'] = (peerHits / queries.length).toFixed(3)
    row['FTS5 p50'] = percentile(peerLat, 50).toFixed(2)
    row['FTS5 p99'] = percentile(peerLat, 99).toFixed(2)
    await services.stop()
    // #17: SQLite-only, closing the connections (the database has no close of its own).
    db.$client.close()

    // Over HTTP: the real server in a child process.
    const server = await startServer(dbPath, ADMIN, queries[0].query)
    row['cold start s'] = (server.coldStartMs / 1000).toFixed(2)
    try {
      let peakRss = 0
      // Not measured: the server's JIT warms up and the queries are prepared once (as on a server
      // that has been answering for a while); the measured run follows at once.
      await load(server.url, '/api/v1/match', (i) => ({ question: queries[i % queries.length].query }), undefined, WARMUP)
      const match = await load(server.url, '/api/v1/match', (i) => ({ question: queries[i % queries.length].query }), () => { peakRss = Math.max(peakRss, rssOf(server.pid)) })
      const trivial = await load(server.url, '/health/live', () => undefined)
      row['match req/s'] = Math.round(match.rps)
      row['match p99 ms'] = match.p99
      row['trivial req/s'] = Math.round(trivial.rps)
      row['ratio'] = (match.rps / trivial.rps).toFixed(2)
      row['RSS load MB'] = mb(peakRss)
      const writes = await load(server.url, '/api/v1/consultations', (i) => ({
        channel: 'hotline', question: `${queries[i % queries.length].query}（第${i}次来电）`, openTicket: true,
        asker: { name: '测试', phone: '13800000000' },
      }))
      row['consult req/s'] = Math.round(writes.rps)
      row['errors'] = match.errors + trivial.errors + writes.errors
    } finally {
      await server.stop()
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
  return row
}

const rows: Row[] = []
buildServer()
for (const size of SIZES) {
  process.stderr.write(`benchmarking ${size} entries…\n`)
  rows.push(await benchSize(size))
}
// PostgreSQL (#17): one size (BENCH_PG_SIZE, 10,000 by default; 0 skips), the same queries and load.
const PG_SIZE = Number(process.env.BENCH_PG_SIZE ?? 10_000)
const pgResult = PG_SIZE > 0 ? await (async () => {
  process.stderr.write(`benchmarking PostgreSQL at ${PG_SIZE} entries…\n`)
  const { entries, queries } = buildLibrary(PG_SIZE)
  return benchPostgres(entries, queries, (urls, path, body, duration) => load(urls, path, body, undefined, duration), { adminToken: ADMIN, warmupSeconds: WARMUP })
})() : { skipped: 'BENCH_PG_SIZE=0' }
const cpu = cpus()
console.log(`machine: ${cpu[0]?.model ?? 'unknown CPU'} × ${cpu.length} cores, ${mb(totalmem())} MB RAM, ${platform()} ${release()}, Node ${process.version}`)
console.log(`HTTP: autocannon, 16 connections, ${DURATION} s per route after ${WARMUP} s of warm-up on /match; latency in process over the LCQMC queries`)
console.table(rows)
if ('skipped' in pgResult) console.log(`PostgreSQL: skipped (${pgResult.skipped})`)
else {
  const sqlite = rows.find((r) => r.entries === PG_SIZE)
  console.log(`PostgreSQL ${PG_SIZE} entries, durable settings (fsync, synchronous_commit on), pool 10 per replica; replicas share the machine's ${cpus().length} cores with PostgreSQL and the load generator${sqlite ? `; SQLite in this run: match ${sqlite['match req/s']} req/s, consult ${sqlite['consult req/s']} req/s` : ''}`)
  console.table(pgResult.rows)
  console.log(`failover (primary killed, synchronous standby promoted at once, one replica writing): writes refused for ${pgResult.failover.refusedMs.join(' / ')} ms`)
}
