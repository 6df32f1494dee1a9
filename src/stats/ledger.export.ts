// Streaming writers for the ledger export. Each takes the rows chunk by chunk and never holds more
// than one chunk (1,000 rows) plus what the client has not yet read.
import { PassThrough, Readable } from 'node:stream'
import { exceljs } from '../common/exceljs.ts'
import type ExcelJS from 'exceljs'
import { BOM, csvLine } from './csv.ts'
import type { PrivacyService } from '../privacy/privacy.service.ts'
import { archiverInputs, drained } from '../common/xlsx-stream.ts'
import { LEDGER_COLUMNS, LEDGER_HEADER, ledgerCells, type LedgerRecord } from './ledger.rows.ts'

/** One reading of the privacy service's masking (PrivacyService.snapshot). */
type Show = Pick<Awaited<ReturnType<PrivacyService['snapshot']>>, 'show'>

/** CSV, UTF-8 with a BOM so that Excel reads the Chinese correctly. Pulled by the reader: backpressure is Node's. */
export function ledgerCsvStream(chunks: AsyncIterable<LedgerRecord[]>, nowIso: string, privacy: Show): Readable {
  async function* lines() {
    yield BOM + csvLine(LEDGER_HEADER)
    let seq = 0
    for await (const chunk of chunks) {
      let text = ''
      for (const r of chunk) text += csvLine(ledgerCells(r, ++seq, nowIso, privacy))
      yield text
    }
  }
  return Readable.from(lines(), { objectMode: false })
}

export { archiverInputs }

/**
 * .xlsx through exceljs's streaming WorkbookWriter: inline strings instead of a shared-strings
 * table (which would be held until the end), and each row committed as soon as it is added.
 */
export function ledgerXlsxStream(chunks: AsyncIterable<LedgerRecord[]>, nowIso: string, privacy: Show): PassThrough {
  const out = new PassThrough()
  const workbook = new (exceljs().stream.xlsx.WorkbookWriter)({ stream: out, useStyles: true, useSharedStrings: false })
  const sheet = workbook.addWorksheet('登记台账', { views: [{ state: 'frozen', ySplit: 1 }] })
  sheet.columns = LEDGER_COLUMNS.map((c) => ({ header: c.label, width: c.width }))
  sheet.getRow(1).font = { bold: true }

  void (async () => {
    let seq = 0
    for await (const chunk of chunks) {
      if (out.destroyed) return
      for (const r of chunk) sheet.addRow(ledgerCells(r, ++seq, nowIso, privacy)).commit()
      await drained(sheet, out)
    }
    sheet.commit()
    await workbook.commit()
  })().catch((err: Error) => out.destroy(err))
  return out
}
