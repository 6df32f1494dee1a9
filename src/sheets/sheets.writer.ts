// Writes the library's spreadsheets: streamed .xlsx (exceljs WorkbookWriter, inline strings, each row
// committed at once) or CSV with a BOM, from rows that come a chunk at a time. Memory stays flat.
import { PassThrough, Readable } from 'node:stream'
import { BOM, csvLine } from '../stats/csv.ts'
import { drained } from '../common/xlsx-stream.ts'
import { COLUMNS, ERROR_COLUMN, SHEET_NAMES, type Column, type SheetKind } from './sheets.columns.ts'
import { exceljs, type SheetFormat } from './sheets.reader.ts'

export const CONTENT_TYPES: Record<SheetFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
}

type Chunks = Iterable<string[][]> | AsyncIterable<string[][]>

export function sheetStream(format: SheetFormat, kind: SheetKind, chunks: Chunks, opts: { withErrors?: boolean } = {}): Readable {
  const columns: Column[] = [...COLUMNS[kind], ...(opts.withErrors ? [{ header: ERROR_COLUMN, width: 60, help: '' }] : [])]
  return format === 'csv' ? csvStream(columns, chunks) : xlsxStream(SHEET_NAMES[kind], columns, chunks, opts.withErrors === true)
}

function csvStream(columns: readonly Column[], chunks: Chunks): Readable {
  async function* lines() {
    yield BOM + csvLine(columns.map((c) => c.header))
    for await (const chunk of chunks) {
      let text = ''
      for (const cells of chunk) text += csvLine(cells)
      yield text
    }
  }
  return Readable.from(lines(), { objectMode: false })
}

function xlsxStream(name: string, columns: readonly Column[], chunks: Chunks, markErrors: boolean): PassThrough {
  const out = new PassThrough()
  const workbook = new (exceljs().stream.xlsx.WorkbookWriter)({ stream: out, useStyles: true, useSharedStrings: false })
  const sheet = workbook.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 1 }] })
  sheet.columns = columns.map((c) => ({ header: c.header, width: c.width, style: { alignment: { wrapText: true, vertical: 'top' } } }))
  sheet.getRow(1).font = { bold: true }
  const errorCol = columns.length
  void (async () => {
    for await (const chunk of chunks) {
      if (out.destroyed) return
      for (const cells of chunk) {
        // Plain strings: a cell starting with = stays text, never a formula.
        const row = sheet.addRow(cells)
        if (markErrors && cells[errorCol - 1]) row.getCell(errorCol).font = { color: { argb: 'FFC00000' } }
        row.commit()
      }
      await drained(sheet, out)
    }
    sheet.commit()
    await workbook.commit()
  })().catch((err: Error) => out.destroy(err))
  return out
}

/** The import template: the sheet with its headers and one example row, and a sheet explaining each column and the valid values. */
export async function templateBuffer(kind: SheetKind, example: string[], lists: { title: string; rows: [string, string][] }[]): Promise<Buffer> {
  const workbook = new (exceljs().Workbook)()
  const sheet = workbook.addWorksheet(SHEET_NAMES[kind], { views: [{ state: 'frozen', ySplit: 1 }] })
  sheet.columns = COLUMNS[kind].map((c) => ({ header: c.header, width: c.width, style: { alignment: { wrapText: true, vertical: 'top' } } }))
  sheet.getRow(1).font = { bold: true }
  sheet.addRow(example).font = { color: { argb: 'FF7F7F7F' }, italic: true }
  const help = workbook.addWorksheet('填写说明')
  help.columns = [{ header: '列名', width: 18 }, { header: '填写要求', width: 90 }]
  help.getRow(1).font = { bold: true }
  for (const c of COLUMNS[kind]) help.addRow([c.header, c.help]).alignment = { wrapText: true, vertical: 'top' }
  help.addRow([])
  help.addRow(['说明', `第 1 行为表头，请勿修改；从第 2 行起每行一条。${kind === 'entries' ? '外部编号为「示例」的行是填写示例，导入时忽略。' : '文号为「示例」的行是填写示例，导入时忽略。'}`])
  help.addRow(['', '一次最多 100,000 行、50 MB；上传后先校验（不写入），校验无误再确认导入，全部成功或全部不导入。'])
  // The valid values side by side, name and code, so a person can copy them into the first sheet.
  const values = workbook.addWorksheet('可选值')
  values.columns = lists.flatMap((l, i) => [
    ...(i > 0 ? [{ header: '', width: 4 }] : []),
    { header: l.title, width: 24 }, { header: '代码', width: 14 },
  ])
  values.getRow(1).font = { bold: true }
  const longest = Math.max(0, ...lists.map((l) => l.rows.length))
  for (let r = 0; r < longest; r++) values.addRow(lists.flatMap((l, i) => [...(i > 0 ? [''] : []), l.rows[r]?.[0] ?? '', l.rows[r]?.[1] ?? '']))
  return Buffer.from(await workbook.xlsx.writeBuffer())
}

export const EXAMPLE_MARK = '示例'
