// Streaming writers for the ledger export. Each takes the rows chunk by chunk and never holds more
// than one chunk (1,000 rows) plus what the client has not yet read.
import { PassThrough, Readable } from 'node:stream'
import { createRequire } from 'node:module'
import type ExcelJS from 'exceljs'
import { BOM, csvLine } from './csv.ts'
import type { PrivacyService } from '../privacy/privacy.service.ts'
import { LEDGER_COLUMNS, LEDGER_HEADER, ledgerCells, type LedgerRecord } from './ledger.rows.ts'

// exceljs takes ~0.4 s to load; only an xlsx export needs it, so it is loaded then, not at start-up.
const requireModule = createRequire(import.meta.url)
let excel: typeof ExcelJS | undefined
const exceljs = () => (excel ??= requireModule('exceljs') as typeof ExcelJS)

/** CSV, UTF-8 with a BOM so that Excel reads the Chinese correctly. Pulled by the reader: backpressure is Node's. */
export function ledgerCsvStream(chunks: Iterable<LedgerRecord[]>, nowIso: string, privacy: Pick<PrivacyService, 'show'>): Readable {
  function* lines() {
    yield BOM + csvLine(LEDGER_HEADER)
    let seq = 0
    for (const chunk of chunks) {
      let text = ''
      for (const r of chunk) text += csvLine(ledgerCells(r, ++seq, nowIso, privacy))
      yield text
    }
  }
  return Readable.from(lines(), { objectMode: false })
}

interface WritableStateLike { length: number; needDrain: boolean }
interface PipeLike { _writableState?: WritableStateLike; on(e: string, f: () => void): unknown; off(e: string, f: () => void): unknown }

/**
 * The streams the worksheet's XML is written into: the zip archiver's input. exceljs's own sheet
 * stream ignores backpressure (it never waits for write() to say "enough"), so without this the
 * uncompressed XML piles up there whenever compression is slower than the rows come out of SQLite:
 * 100,000 rows left ~170 MB waiting. These are exceljs internals; ledger.export.test.ts checks they are there.
 */
export function archiverInputs(sheet: ExcelJS.Worksheet): PipeLike[] {
  const stream = (sheet as unknown as { stream?: { pipes?: PipeLike[] } }).stream
  return stream?.pipes?.filter((p) => p._writableState) ?? []
}

function waitFor(emitters: PipeLike[], events: string[]): Promise<void> {
  return new Promise((resolve) => {
    const done = () => { for (const e of emitters) for (const ev of events) e.off(ev, done); resolve() }
    for (const e of emitters) for (const ev of events) e.on(ev, done)
  })
}

/** Waits until the archiver has taken the XML written so far and the reader has taken the zip. */
async function drained(sheet: ExcelJS.Worksheet, out: PassThrough): Promise<void> {
  for (const input of archiverInputs(sheet)) {
    if (out.destroyed) return
    if (input._writableState!.length > 0 && input._writableState!.needDrain) await waitFor([input, out as unknown as PipeLike], ['drain', 'close', 'error'])
  }
  if (out.writableNeedDrain && !out.destroyed) await waitFor([out as unknown as PipeLike], ['drain', 'close', 'error'])
  await new Promise((resolve) => setImmediate(resolve))
}

/**
 * .xlsx through exceljs's streaming WorkbookWriter: inline strings instead of a shared-strings
 * table (which would be held until the end), and each row committed as soon as it is added.
 */
export function ledgerXlsxStream(chunks: Iterable<LedgerRecord[]>, nowIso: string, privacy: Pick<PrivacyService, 'show'>): PassThrough {
  const out = new PassThrough()
  const workbook = new (exceljs().stream.xlsx.WorkbookWriter)({ stream: out, useStyles: true, useSharedStrings: false })
  const sheet = workbook.addWorksheet('登记台账', { views: [{ state: 'frozen', ySplit: 1 }] })
  sheet.columns = LEDGER_COLUMNS.map((c) => ({ header: c.label, width: c.width }))
  sheet.getRow(1).font = { bold: true }

  void (async () => {
    let seq = 0
    for (const chunk of chunks) {
      if (out.destroyed) return
      for (const r of chunk) sheet.addRow(ledgerCells(r, ++seq, nowIso, privacy)).commit()
      await drained(sheet, out)
    }
    sheet.commit()
    await workbook.commit()
  })().catch((err: Error) => out.destroy(err))
  return out
}
