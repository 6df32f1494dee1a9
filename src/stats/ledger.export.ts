// Streaming writers for the ledger export. Each takes the rows chunk by chunk and never holds more
// than one chunk (1,000 rows) plus what the client has not yet read.
import { PassThrough, Readable } from 'node:stream'
import ExcelJS from 'exceljs'
import { BOM, csvLine } from './csv.ts'
import { LEDGER_COLUMNS, LEDGER_HEADER, ledgerCells, type LedgerRecord } from './ledger.rows.ts'

/** CSV, UTF-8 with a BOM so that Excel reads the Chinese correctly. Pulled by the reader: backpressure is Node's. */
export function ledgerCsvStream(chunks: Iterable<LedgerRecord[]>, nowIso: string): Readable {
  function* lines() {
    yield BOM + csvLine(LEDGER_HEADER)
    let seq = 0
    for (const chunk of chunks) {
      let text = ''
      for (const r of chunk) text += csvLine(ledgerCells(r, ++seq, nowIso))
      yield text
    }
  }
  return Readable.from(lines(), { objectMode: false })
}

/** Waits until the reader has taken what was written, or the stream was closed. */
function drained(out: PassThrough): Promise<void> {
  if (!out.writableNeedDrain || out.destroyed) return new Promise((resolve) => setImmediate(resolve))
  return new Promise((resolve) => {
    const done = () => { out.off('drain', done); out.off('close', done); resolve() }
    out.on('drain', done)
    out.on('close', done)
  })
}

/**
 * .xlsx through exceljs's streaming WorkbookWriter: inline strings instead of a shared-strings
 * table (which would be held until the end), and each row committed as soon as it is added.
 */
export function ledgerXlsxStream(chunks: Iterable<LedgerRecord[]>, nowIso: string): PassThrough {
  const out = new PassThrough()
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false })
  const sheet = workbook.addWorksheet('登记台账', { views: [{ state: 'frozen', ySplit: 1 }] })
  sheet.columns = LEDGER_COLUMNS.map((c) => ({ header: c.label, width: c.width }))
  sheet.getRow(1).font = { bold: true }

  void (async () => {
    let seq = 0
    for (const chunk of chunks) {
      if (out.destroyed) return
      for (const r of chunk) sheet.addRow(ledgerCells(r, ++seq, nowIso)).commit()
      await drained(out)
    }
    sheet.commit()
    await workbook.commit()
  })().catch((err: Error) => out.destroy(err))
  return out
}
