// npx tsx bench/portal.ts: the public pages at 10,000 entries (BENCH_PORTAL_SIZE), against /health/live on
// the same server in the same run: req/s and p99 of the search page and of entry pages at 16 connections,
// time to first byte of single requests, and the weight of a page with its CSS and JavaScript.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir, cpus } from 'node:os'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import autocannon from 'autocannon'
import { sql } from 'drizzle-orm'
import { openDatabase } from '../src/db/client.ts'
import { migrateDatabase } from '../src/db/migrate.ts'
import { buildLibrary } from './data.ts'
import { loadLibrary } from './load.ts'
import { percentile } from './stats.ts'
import { buildServer, startServer } from './server.ts'

const SIZE = Number(process.env.BENCH_PORTAL_SIZE ?? 10_000)
const DURATION = Number(process.env.BENCH_HTTP_SECONDS ?? 10)
const ADMIN = 'bench-admin-token-0123456789'
const HTML = { accept: 'text/html' }

async function load(url: string, paths: string[], duration = DURATION) {
  let i = 0
  const result = await autocannon({
    url, connections: 16, duration, headers: HTML,
    requests: [{ method: 'GET', setupRequest: (req: Record<string, unknown>) => ({ ...req, path: paths[i++ % paths.length] }) }],
  })
  return { rps: Math.round(result.requests.average), p99: result.latency.p99, errors: result.errors + result.non2xx }
}

async function ttfb(url: string, n = 50) {
  const times: number[] = []
  for (let i = 0; i < n; i++) {
    const t0 = performance.now()
    const res = await fetch(url, { headers: HTML })
    const reader = res.body!.getReader()
    await reader.read()
    times.push(performance.now() - t0)
    await reader.cancel()
  }
  return percentile(times, 50).toFixed(1)
}

const { entries, queries } = buildLibrary(SIZE)
const dir = mkdtempSync(join(tmpdir(), 'qa-portal-bench-'))
const dbPath = join(dir, 'bench.sqlite')
try {
  const db = openDatabase(dbPath)
  await migrateDatabase(db)
  await loadLibrary(db, entries)
  const ids = (await db.all<{ id: number }>(sql`select id from entries where status = 'published' order by id limit 500`)).map((r) => r.id)
  // #17: SQLite-only, closing the connections (the database has no close of its own).
  db.$client.close()
  buildServer()
  const server = await startServer(dbPath, ADMIN, null, { PORTAL_READ_LIMIT: '1000000', PORTAL_ASK_LIMIT: '1000000' })
  try {
    const searchPaths = queries.slice(0, 500).map((q) => `/search?q=${encodeURIComponent(q.query)}`)
    const entryPaths = ids.map((id) => `/qa/${id}`)
    await load(server.url, searchPaths, 3)
    await load(server.url, entryPaths, 2)
    const search = await load(server.url, searchPaths)
    const entry = await load(server.url, entryPaths)
    const home = await load(server.url, ['/'])
    const live = await load(server.url, ['/health/live'])

    const page = await (await fetch(`${server.url}${entryPaths[0]}`, { headers: HTML })).text()
    const css = await (await fetch(`${server.url}${/href="(\/assets\/portal\.css[^"]*)"/.exec(page)![1]}`)).text()
    const js = await (await fetch(`${server.url}${/src="(\/assets\/portal\.js[^"]*)"/.exec(page)![1]}`)).text()
    const kb = (s: string) => (Buffer.byteLength(s) / 1024).toFixed(1)
    const gz = (s: string) => (gzipSync(s).length / 1024).toFixed(1)

    console.log(`public pages at ${SIZE} entries; ${cpus().length} × ${cpus()[0]?.model}; Node ${process.version}; autocannon 16 connections × ${DURATION} s on the same machine`)
    console.table({
      'GET /search?q= (500 questions)': { 'req/s': search.rps, 'p99 ms': search.p99, 'vs live': (search.rps / live.rps).toFixed(2), errors: search.errors },
      'GET /qa/:id (500 entries)': { 'req/s': entry.rps, 'p99 ms': entry.p99, 'vs live': (entry.rps / live.rps).toFixed(2), errors: entry.errors },
      'GET / (home)': { 'req/s': home.rps, 'p99 ms': home.p99, 'vs live': (home.rps / live.rps).toFixed(2), errors: home.errors },
      'GET /health/live': { 'req/s': live.rps, 'p99 ms': live.p99, 'vs live': '1.00', errors: live.errors },
    })
    console.log(`time to first byte, median of 50 (ms): search ${await ttfb(server.url + searchPaths[7])}, entry ${await ttfb(server.url + entryPaths[7])}, home ${await ttfb(server.url + '/')}`)
    console.log(`page weight (KB, raw / gzip): entry HTML ${kb(page)} / ${gz(page)}, CSS ${kb(css)} / ${gz(css)}, JS ${kb(js)} / ${gz(js)}`)
  } finally {
    await server.stop()
  }
} finally {
  rmSync(dir, { recursive: true, force: true })
}
