// Ledger export memory: 100,000 tickets in a temporary database, exported as CSV and as xlsx over
// real HTTP, each in a fresh process, with peak RSS, peak heap and time. `xlsx:rsj` is one unit's
// share (a fifth); `xlsx-in-memory` builds the same workbook without streaming, for comparison.
//
//   npx tsx bench/export-memory.ts [rows=100000]
//
// Question and answer texts are real citizen messages and official replies from
// ../shared/benchmarks/tipdm (cycled), so the rows have realistic lengths (answers ~500 characters).
import { sql } from 'drizzle-orm'
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { request } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { buildApp } from '../src/app.ts'
import { loadConfig } from '../src/config.ts'
import { openDatabase } from '../src/db/client.ts'
import { migrateDatabase } from '../src/db/migrate.ts'
import ExcelJS from 'exceljs'
import { createLedgerQueries } from '../src/tickets/tickets.ledger.ts'
import { LEDGER_HEADER, ledgerCells } from '../src/stats/ledger.rows.ts'
import { createPrivacyService } from '../src/privacy/privacy.service.ts'

const ADMIN = 'bench-admin-token-0123456789'
const SELF = fileURLToPath(import.meta.url)
const TIPDM = fileURLToPath(new URL('../../shared/benchmarks/tipdm/', import.meta.url))

function texts(): { questions: string[]; answers: string[] } {
  if (!existsSync(join(TIPDM, 'queries.jsonl'))) {
    return { questions: ['灵活就业人员社保怎么缴纳？我的电话13812345678'], answers: ['您好，灵活就业人员可在户籍所在地或居住地社保经办机构办理参保登记。'.repeat(8)] }
  }
  const read = (f: string) => readFileSync(join(TIPDM, f), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l))
  const library = new Map<string, string>(read('library.jsonl').map((r: { id: string; answer: string }) => [r.id, r.answer]))
  const pairs = read('queries.jsonl').map((q: { query: string; gold: string }) => [q.query, library.get(q.gold) ?? ''] as const).filter(([, a]) => a)
  return { questions: pairs.map(([q]) => q), answers: pairs.map(([, a]) => a) }
}

async function generate(path: string, rows: number) {
  const db = openDatabase(path)
  await migrateDatabase(db)
  const { questions, answers } = texts()
  const channels = ['hotline', 'phone', 'mailbox', 'window', 'portal']
  const statuses = ['registered', 'assigned', 'answered', 'replied', 'closed']
  await db.transaction(async (tx) => {
    const now = new Date().toISOString()
    for (const [code, name] of [['zwb', '区政府办公室'], ['rsj', '区人力社保局'], ['wjw', '区卫生健康委'], ['jw', '区教委'], ['zjw', '区住房城乡建委']]) {
      await tx.run(sql`INSERT INTO units (code, name, active, created_at, updated_at) VALUES (${code}, ${name}, 1, ${now}, ${now})`)
    }
    const c = async (channel: string, question: string, name: string, phone: string, received: string) => (await tx.all<{ id: number }>(sql`INSERT INTO consultations (channel, kind, question, asker_name, asker_phone, received_at, outcome, created_at)
      VALUES (${channel}, 'question', ${question}, ${name}, ${phone}, ${received}, 'ticketed', ${received}) RETURNING id`))[0].id
    const t = (v: (string | number | null)[]) => tx.run(sql`INSERT INTO tickets (number, consultation_id, unit_id, status, received_at, assigned_at, working_days, due_at,
      answer, answered_at, reply_method, replied_at, closed_at, created_at, updated_at)
      VALUES (${v[0]}, ${v[1]}, ${v[2]}, ${v[3]}, ${v[4]}, ${v[5]}, 5, ${v[6]}, ${v[7]}, ${v[8]}, ${v[9]}, ${v[10]}, ${v[11]}, ${v[12]}, ${v[13]})`)
    const start = Date.parse('2025-01-01T01:00:00.000Z')
    for (let i = 0; i < rows; i++) {
      const received = new Date(start + i * 5 * 60_000).toISOString() // one every five minutes: ~11 months
      const status = statuses[i % 5]
      const done = status === 'replied' || status === 'closed'
      const answered = status === 'answered' || done
      const at = (days: number) => new Date(Date.parse(received) + days * 86_400_000).toISOString()
      const cid = await c(channels[i % 5], `${questions[i % questions.length]}（电话1380000${String(i % 10000).padStart(4, '0')}）`, `市民${i % 997}号`, `1390000${String(i % 10000).padStart(4, '0')}`, received)
      await t([`ZX-BENCH-${String(i + 1).padStart(6, '0')}`, cid, 1 + (Math.floor(i / 5) % 5), status, received, status === 'registered' ? null : received, at(7),
        answered ? answers[i % answers.length] : null, answered ? at(3) : null, done ? 'phone' : null, done ? at(4) : null, status === 'closed' ? at(5) : null, received, received])
    }
  })
  // #17: SQLite-only, closing the connections (the database has no close of its own).
  db.$client.close()
}

/** Runs in a fresh process: serves the app on the database and downloads one export. */
async function child(path: string, mode: string) {
  const config = loadConfig({ DATABASE_PATH: path, SEED_DEMO: '0', LOG_LEVEL: 'silent', WEBHOOK_POLL_INTERVAL_MS: '0', ADMIN_TOKEN: ADMIN, PORT: '0' })
  const db = openDatabase(path)
  const app = await buildApp({ config, db, logger: false })
  await app.services.ready()
  let peakRss = 0
  let peakHeap = 0
  const sample = () => { const m = process.memoryUsage(); peakRss = Math.max(peakRss, m.rss); peakHeap = Math.max(peakHeap, m.heapUsed) }
  sample()
  const baseline = { rss: peakRss, heap: peakHeap }
  const timer = setInterval(sample, 10)
  const started = performance.now()
  let bytes = 0

  if (mode === 'xlsx-in-memory') {
    // For comparison only: the same workbook built the usual, non-streaming way with exceljs.
    const wb = new ExcelJS.Workbook()
    const sheet = wb.addWorksheet('登记台账')
    sheet.addRow(LEDGER_HEADER)
    const nowIso = new Date().toISOString()
    let seq = 0
    const shown = await createPrivacyService({ db }).snapshot()
    for await (const chunk of createLedgerQueries(db).chunks({})) for (const r of chunk) sheet.addRow(ledgerCells(r, ++seq, nowIso, shown))
    bytes = (await wb.xlsx.writeBuffer()).byteLength
  } else {
    await app.listen({ port: 0, host: '127.0.0.1' })
    const { port } = app.server.address() as { port: number }
    const [format, unit] = mode.split(':')
    await new Promise<void>((resolve, reject) => {
      request({ port, path: `/api/v1/ledger/export?format=${format}${unit ? `&unit=${unit}` : ''}`, headers: { authorization: `Bearer ${ADMIN}` } }, (res) => {
        if (res.statusCode !== 200) reject(new Error(`HTTP ${res.statusCode}`))
        res.on('data', (chunk: Buffer) => { bytes += chunk.length })
        res.on('end', resolve)
        res.on('error', reject)
      }).on('error', reject).end()
    })
  }
  const ms = performance.now() - started
  clearInterval(timer)
  sample()
  await app.close()
  // #17: SQLite-only, closing the connections (the database has no close of its own).
  db.$client.close()
  const maxRssKb = process.resourceUsage().maxRSS
  process.stdout.write(JSON.stringify({ mode, ms, bytes, baseline, peakRss, peakHeap, maxRss: maxRssKb * 1024 }))
}

async function main() {
  const rows = Number(process.argv[2] ?? 100_000)
  const dir = mkdtempSync(join(tmpdir(), 'ledger-bench-'))
  const path = join(dir, 'bench.sqlite')
  try {
    let t = performance.now()
    await generate(path, rows)
    console.log(`${rows} tickets generated in ${((performance.now() - t) / 1000).toFixed(1)} s; database ${(statSync(path).size / 2 ** 20).toFixed(0)} MiB`)
    const mib = (n: number) => `${(n / 2 ** 20).toFixed(0)} MiB`
    console.log('mode              time      output     RSS before → peak (max RSS)    heap before → peak')
    for (const mode of ['csv', 'xlsx', 'xlsx:rsj', 'xlsx-in-memory']) {
      t = performance.now()
      const out = spawnSync(process.execPath, ['--import', 'tsx', SELF, '--child', path, mode], { encoding: 'utf8', maxBuffer: 1 << 20 })
      if (out.status !== 0) throw new Error(`${mode}: ${out.stderr}`)
      const r = JSON.parse(out.stdout.trim().split('\n').pop()!)
      const output = mib(r.bytes)
      console.log(`${mode.padEnd(16)} ${(r.ms / 1000).toFixed(2).padStart(6)} s  ${output.padStart(11)}   ${mib(r.baseline.rss).padStart(7)} → ${mib(r.peakRss).padStart(7)} (${mib(r.maxRss)})   ${mib(r.baseline.heap).padStart(7)} → ${mib(r.peakHeap).padStart(7)}`)
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

if (process.argv[2] === '--child') await child(process.argv[3], process.argv[4])
else if (process.argv[2] === '--generate') await generate(process.argv[3], Number(process.argv[4] ?? 100_000))
else await main()
