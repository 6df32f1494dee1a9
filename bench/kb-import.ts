// Bulk import benchmark: `npx tsx bench/kb-import.ts [total=100000] [batch=5000]`.
// Imports a library built from the public benchmark data (../shared/benchmarks) through
// POST /api/v1/entries/bulk into a SQLite file with the production pragmas (WAL, synchronous=FULL),
// and prints the time per batch. Nothing here is asserted; figures only.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { buildLibrary } from './data.ts'
import { buildApp } from '../src/app.ts'
import { loadConfig } from '../src/config.ts'
import { openDatabase } from '../src/db/client.ts'
import { migrateDatabase } from '../src/db/migrate.ts'

const total = Number(process.argv[2] ?? 100_000)
const batch = Number(process.argv[3] ?? 5000)
const token = 'bench-admin-token-0123456789'

const dir = mkdtempSync(join(tmpdir(), 'kb-bench-'))
const config = loadConfig({ DATABASE_PATH: join(dir, 'qa.sqlite'), SEED_DEMO: '0', LOG_LEVEL: 'silent', WEBHOOK_POLL_INTERVAL_MS: '0', ADMIN_TOKEN: token })
const db = openDatabase(config.databasePath)
await migrateDatabase(db)
const app = await buildApp({ config, db, logger: false })
await app.services.ready()
const call = (method: 'POST' | 'GET' | 'PATCH', url: string, payload?: object) =>
  app.inject({ method, url, payload, headers: { authorization: `Bearer ${token}` } })

await call('POST', '/api/v1/units', { code: 'rsj', name: '区人力社保局' })
await call('POST', '/api/v1/topics', { code: 'employment', name: '就业创业', required: true })
const doc = (await call('POST', '/api/v1/policy-documents', { title: '关于进一步做好稳就业工作的通知', docNumber: '渝北人社发〔2022〕8号', issuer: '区人力社保局', unitCode: 'rsj' })).json()

const { entries } = buildLibrary(total)
const rows = entries.map((e, i) => ({
  externalId: e.externalId, question: e.question, answer: e.answer || '请咨询区人力社保局：023-67800000。',
  similarQuestions: [], keywords: [], topic: 'employment', unitCode: 'rsj', policyDocumentIds: i % 2 ? [doc.id] : [], status: 'published' as const,
}))

const times: number[] = []
const cpuTimes: number[] = []
const started = performance.now()
for (let i = 0; i < rows.length; i += batch) {
  const body = { entries: rows.slice(i, i + batch) }
  const t0 = performance.now()
  const cpu0 = process.cpuUsage()
  const res = await call('POST', '/api/v1/entries/bulk', body)
  const cpu = process.cpuUsage(cpu0)
  times.push(performance.now() - t0)
  // CPU time of this process: on a shared, loaded machine wall time mostly measures the neighbours.
  cpuTimes.push((cpu.user + cpu.system) / 1000)
  if (res.statusCode !== 201) throw new Error(`batch ${i / batch}: ${res.statusCode} ${res.body.slice(0, 500)}`)
}
const elapsed = performance.now() - started
const listed = (await call('GET', '/api/v1/entries?pageSize=1&status=published')).json().total
// Lists over the whole library: each filter is a scan the editors' screens will run.
await call('PATCH', `/api/v1/policy-documents/${doc.id}`, { validity: 'repealed' })
const listMs: Record<string, number> = {}
for (const qs of ['', 'status=published&unit=rsj', `q=${encodeURIComponent('怎么')}`, 'inForce=false']) {
  const t0 = performance.now()
  const res = await call('GET', `/api/v1/entries?pageSize=20&${qs}`)
  listMs[qs || '(no filter)'] = Math.round(performance.now() - t0)
  if (res.statusCode !== 200) throw new Error(res.body)
}
const median = (xs: number[]) => Math.round([...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)])
const sorted = [...times].sort((a, b) => a - b)
console.log(JSON.stringify({
  loadAverage: (await import('node:os')).loadavg().map((x) => +x.toFixed(1)),
  entries: rows.length, batchSize: batch, batches: times.length, publishedAfter: listed,
  totalSeconds: +(elapsed / 1000).toFixed(2),
  totalCpuSeconds: +(cpuTimes.reduce((a, b) => a + b, 0) / 1000).toFixed(2),
  perBatchWallMs: { first: Math.round(times[0]), median: median(times), max: Math.round(sorted[sorted.length - 1]) },
  perBatchCpuMs: { first: Math.round(cpuTimes[0]), median: median(cpuTimes) },
  listMs,
}, null, 2))

await app.close()
// #17: SQLite-only, closing the connections (the database has no close of its own).
db.$client.close()
rmSync(dir, { recursive: true, force: true })
