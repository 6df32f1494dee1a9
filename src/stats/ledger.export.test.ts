import { PassThrough } from 'node:stream'
// Through the project's loader, so its reader fixes are in place whichever test file loads exceljs first.
import { exceljs } from '../common/exceljs.ts'
import { describe, expect, it } from 'vitest'
import { archiverInputs } from './ledger.export.ts'
const ExcelJS = exceljs()

describe('backpressure in the xlsx export', () => {
  it('finds the archiver input that exceljs writes the sheet into (internals an upgrade could move)', async () => {
    const out = new PassThrough()
    out.resume()
    const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useSharedStrings: false })
    const sheet = wb.addWorksheet('s')
    sheet.addRow(['一']).commit()
    const inputs = archiverInputs(sheet)
    expect(inputs).toHaveLength(1)
    expect(inputs[0]._writableState).toMatchObject({ length: expect.any(Number), needDrain: expect.any(Boolean) })
    sheet.commit()
    await wb.commit()
  })
})
