// Spreadsheet import and export at scale: for each size, a generated .xlsx (realistic texts from
// ../shared/benchmarks/tipdm, cycled) is uploaded to a real server process over HTTP, validated,
// imported and exported again as .xlsx and .csv. Prints time, rows per second, file sizes and the
// server's peak RSS (VmHWM from /proc) after each phase. Nothing is committed: files live in a temp dir.
//
//   npx tsx bench/sheets.ts [sizes=10000,100000]
//
// Rows are imported as 草稿 so that the figures are the import's own, not the search index's
// (published entries are indexed after commit, as with any other write).
import { spawn, type ChildProcess } from 'node:child_process'
import { createWriteStream, existsSync, mkdtempSync, openAsBlob, readFileSync, rmSync, statSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { fileURLToPath } from 'node:url'
import ExcelJS from 'exceljs'
import { ENTRY_COLUMNS } from '../src/sheets/sheets.columns.ts'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const TIPDM = fileURLToPath(new URL('../../shared/benchmarks/tipdm/', import.meta.url))
const ADMIN = 'bench-admin-token-0123456789'
const sizes = (process.argv[2] ?? '10000,100000').split(',').map(Number)

function texts(): { questions: string[]; answers: string[] } {
  if (!existsSync(join(TIPDM, 'queries.jsonl'))) return { questions: ['灵活就业人员社保怎么缴纳？'], answers: ['灵活就业人员可在户籍所在地或居住地社保经办机构办理参保登记。'.repeat(8)] }
  const read = (f: string) => readFileSync(join(TIPDM, f), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l))
  const library = new Map<string, string>(read('library.jsonl').map((r: { id: string; answer: string }) => [r.id, r.answer]))
  const pairs = read('queries.jsonl').map((q: { query: string; gold: string }) => [q.query, library.get(q.gold) ?? ''] as const).filter(([, a]) => a)
  return { questions: pairs.map(([q]) => q.slice(0, 1900)), answers: pairs.map(([, a]) => a.slice(0, 19_000)) }
}

/** An .xlsx as Excel writes it (shared strings), streamed to disk. */
async function generate(path: string, rows: number) {
  const { questions, answers } = texts()
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: path, useSharedStrings: true })
  const ws = wb.addWorksheet('问答条目')
  ws.addRow(ENTRY_COLUMNS.map((c) => c.header)).commit()
  for (let i = 0; i < rows; i++) {
    ws.addRow([`BENCH-${i}`, `${questions[i % questions.length]}（${i}）`, `${questions[(i + 7) % questions.length].slice(0, 60)}\n相似问法 ${i}`,
      answers[i % answers.length], '社保、就业', '就业创业', '区人力社保局', '', i % 10 === 0 ? `图解：一图读懂 ${i} https://www.example.gov.cn/tj/${i}.png` : '', '草稿']).commit()
  }
  ws.commit()
  await wb.commit()
}

const freePort = () => new Promise<number>((resolve) => { const s = createServer().listen(0, '127.0.0.1', () => { const { port } = s.address() as { port: number }; s.close(() => resolve(port)) }) })

async function startServer(databasePath: string): Promise<{ child: ChildProcess; base: string }> {
  const port = await freePort()
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, DATABASE_PATH: databasePath, PORT: String(port), HOST: '127.0.0.1', ADMIN_TOKEN: ADMIN, SEED_DEMO: '0', LOG_LEVEL: 'error', WEBHOOK_POLL_INTERVAL_MS: '0' },
  })
  const base = `http://127.0.0.1:${port}`
  for (;;) {
    try { if ((await fetch(`${base}/health`)).ok) return { child, base } } catch { /* starting */ }
    await new Promise((r) => setTimeout(r, 100))
  }
}

const peakMb = (pid: number) => Math.round(Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024)
const call = (base: string, path: string, init: RequestInit = {}) => fetch(`${base}/api/v1${path}`, { ...init, headers: { authorization: `Bearer ${ADMIN}`, ...init.headers } })
const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(1)

async function settle(base: string, id: number) {
  for (;;) {
    const job = await (await call(base, `/imports/${id}`)).json() as { status: string; counts: Record<string, number>; result: Record<string, number> | null; error: unknown }
    if (job.status !== 'validating' && job.status !== 'importing') return job
    await new Promise((r) => setTimeout(r, 250))
  }
}

async function importFile(base: string, path: string, name: string) {
  const form = new FormData()
  form.append('file', await openAsBlob(path), name)
  const t0 = performance.now()
  const res = await call(base, '/entries/imports', { method: 'POST', body: form })
  if (res.status !== 202) throw new Error(`upload: ${res.status} ${await res.text()}`)
  const { id } = await res.json() as { id: number }
  const tUp = performance.now()
  const validated = await settle(base, id)
  const t1 = performance.now()
  if (validated.status !== 'validated') throw new Error(`validation: ${JSON.stringify(validated)}`)
  await call(base, `/imports/${id}/commit`, { method: 'POST' })
  const done = await settle(base, id)
  const t2 = performance.now()
  if (done.status !== 'done') throw new Error(`import: ${JSON.stringify(done)}`)
  return { upload: (tUp - t0) / 1000, validate: (t1 - t0) / 1000, write: (t2 - t1) / 1000, counts: validated.counts, result: done.result! }
}

async function exportTo(base: string, format: 'xlsx' | 'csv', path: string) {
  const t0 = performance.now()
  const res = await call(base, `/entries/export?format=${format}`)
  await pipeline(Readable.fromWeb(res.body as never), createWriteStream(path))
  return { seconds: (performance.now() - t0) / 1000, bytes: statSync(path).size }
}

for (const rows of sizes) {
  const dir = mkdtempSync(join(tmpdir(), 'qa-bench-sheets-'))
  try {
    const file = join(dir, 'library.xlsx')
    let t = performance.now()
    await generate(file, rows)
    console.log(`\n${rows.toLocaleString('en')} rows: generated ${mb(statSync(file).size)} MB .xlsx in ${((performance.now() - t) / 1000).toFixed(1)} s`)
    const { child, base } = await startServer(join(dir, 'qa.sqlite'))
    try {
      const json = { 'content-type': 'application/json' }
      await call(base, '/units', { method: 'POST', headers: json, body: JSON.stringify({ code: 'rsj', name: '区人力社保局' }) })
      await call(base, '/topics', { method: 'POST', headers: json, body: JSON.stringify({ code: 'employment', name: '就业创业' }) })
      console.log(`  server started: peak RSS ${peakMb(child.pid!)} MB`)
      const first = await importFile(base, file, 'library.xlsx')
      console.log(`  import:   upload ${first.upload.toFixed(1)} s; dry run ${first.validate.toFixed(1)} s (${Math.round(rows / first.validate)} rows/s); write ${first.write.toFixed(1)} s (${Math.round(rows / first.write)} rows/s, one transaction); created ${first.result.created}; server peak RSS ${peakMb(child.pid!)} MB`)
      const xlsx = await exportTo(base, 'xlsx', join(dir, 'export.xlsx'))
      console.log(`  export xlsx: ${xlsx.seconds.toFixed(1)} s (${Math.round(rows / xlsx.seconds)} rows/s), ${mb(xlsx.bytes)} MB; server peak RSS ${peakMb(child.pid!)} MB`)
      const csv = await exportTo(base, 'csv', join(dir, 'export.csv'))
      console.log(`  export csv:  ${csv.seconds.toFixed(1)} s (${Math.round(rows / csv.seconds)} rows/s), ${mb(csv.bytes)} MB; server peak RSS ${peakMb(child.pid!)} MB`)
      t = performance.now()
      const again = await importFile(base, join(dir, 'export.xlsx'), 'export.xlsx')
      console.log(`  re-import of the export: dry run ${again.validate.toFixed(1)} s (${Math.round(rows / again.validate)} rows/s), ${again.counts.unchanged} unchanged, write ${again.write.toFixed(1)} s; server peak RSS ${peakMb(child.pid!)} MB`)
    } finally {
      child.kill('SIGTERM')
      await new Promise((r) => child.once('exit', r))
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
