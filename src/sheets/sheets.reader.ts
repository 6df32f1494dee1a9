// Reads an uploaded .xlsx or .csv as a stream of rows of text, whatever its size: exceljs's
// streaming WorkbookReader for .xlsx, a small incremental parser for .csv. Nothing holds the file.
import { createReadStream } from 'node:fs'
import { open } from 'node:fs/promises'
import { exceljs } from '../common/exceljs.ts'
import { cellText } from './sheets.columns.ts'
import { LegacyXlsError, NotASpreadsheetError, SheetCorruptError, SheetEmptyError, SheetPasswordProtectedError } from './sheets.errors.ts'

export type SheetFormat = 'xlsx' | 'csv'
export interface SheetRow { rowNo: number; cells: string[] }

export { exceljs }

const ZIP = Buffer.from([0x50, 0x4b, 0x03, 0x04])
const OLE = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])
// An Office file with an opening password is an OLE container holding an "EncryptionInfo" stream.
const ENCRYPTION_INFO = Buffer.from('EncryptionInfo', 'utf16le')

/** What kind of file this is, from its first bytes; refuses what cannot be read with a code that says what to do. */
export async function sniffFormat(path: string, fileName: string): Promise<SheetFormat> {
  const fh = await open(path, 'r')
  try {
    const { size } = await fh.stat()
    if (size === 0) throw new SheetEmptyError()
    const head = Buffer.alloc(Math.min(size, 1 << 20))
    await fh.read(head, 0, head.length, 0)
    if (head.subarray(0, 4).equals(ZIP)) return 'xlsx'
    if (head.subarray(0, 8).equals(OLE)) {
      if (head.includes(ENCRYPTION_INFO)) throw new SheetPasswordProtectedError()
      throw new LegacyXlsError()
    }
    if (/\.xlsx$/i.test(fileName)) throw new SheetCorruptError('不是有效的 .xlsx 文件')
    // Text without NUL bytes is read as CSV; anything else (a PDF, an image, a Word file) is not a table.
    if (head.subarray(0, 8192).includes(0) || /%PDF-|^\x89PNG|^\xff\xd8/.test(head.subarray(0, 8).toString('latin1'))) throw new NotASpreadsheetError(fileName)
    return 'csv'
  } finally {
    await fh.close()
  }
}

/** The rows of the first worksheet (or of the CSV), row 1 being the header; blank rows are skipped. */
export function readRows(path: string, format: SheetFormat, progress: { bytes: number } = { bytes: 0 }): AsyncGenerator<SheetRow> {
  return format === 'xlsx' ? xlsxRows(path, progress) : csvRows(path, progress)
}

const isBlank = (cells: readonly string[]) => cells.every((c) => c.trim() === '')

async function* xlsxRows(path: string, progress: { bytes: number }): AsyncGenerator<SheetRow> {
  // exceljs's streaming reader sometimes loses a small zip entry (xl/workbook.xml) when it comes after
  // the worksheet, as in files exceljs itself writes, and then fails before yielding any row. Such a
  // failure is retried; a file that fails three times is refused as corrupt.
  for (let attempt = 1; ; attempt++) {
    let yielded = false
    try {
      for await (const row of xlsxRowsOnce(path, progress)) { yielded = true; yield row }
      return
    } catch (err) {
      const lostWorkbook = err instanceof SheetCorruptError && /reading 'sheets'/.test(String((err as Error).message))
      if (yielded || !lostWorkbook || attempt >= 3) throw err
      progress.bytes = 0
    }
  }
}

async function* xlsxRowsOnce(path: string, progress: { bytes: number }): AsyncGenerator<SheetRow> {
  const input = createReadStream(path)
  input.on('data', (c) => { progress.bytes += c.length })
  const reader = new (exceljs().stream.xlsx.WorkbookReader)(input, { worksheets: 'emit', sharedStrings: 'cache', hyperlinks: 'ignore', styles: 'cache', entries: 'ignore' })
  let sawSheet = false
  try {
    for await (const sheet of reader) {
      sawSheet = true
      for await (const row of sheet) {
        const values = row.values as unknown[]
        const cells: string[] = []
        for (let i = 1; i < values.length; i++) cells.push(cellText(values[i]))
        if (!isBlank(cells)) yield { rowNo: row.number, cells }
      }
      // Only the first sheet holds data; the second one of the template explains the columns.
      break
    }
  } catch (err) {
    throw corrupt(err)
  } finally {
    input.destroy()
  }
  if (!sawSheet) throw new SheetCorruptError('文件中没有工作表')
}

function corrupt(err: unknown): Error {
  if ((err as { code?: string }).code?.startsWith('SHEET_')) return err as Error
  const msg = String((err as Error)?.message ?? err)
  return new SheetCorruptError(/signature|zip|end of central|invalid|unexpected end|FILE_ENDED/i.test(msg) ? '压缩包结构不完整' : msg.slice(0, 80))
}

/** UTF-8 (with or without a BOM), or GB18030/GBK as Excel on a Chinese Windows saves "CSV". */
async function* decodedChunks(path: string, progress: { bytes: number }): AsyncGenerator<string> {
  let decoder: TextDecoder | undefined
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 16 }) as AsyncIterable<Buffer>) {
    progress.bytes += chunk.length
    if (!decoder) {
      try {
        new TextDecoder('utf-8', { fatal: true }).decode(chunk, { stream: true })
        decoder = new TextDecoder('utf-8', { ignoreBOM: false })
      } catch {
        decoder = new TextDecoder('gb18030')
      }
    }
    yield decoder.decode(chunk, { stream: true })
  }
  if (decoder) yield decoder.decode()
}

// A CSV exported by this service protects cells starting with = + - @ with a leading apostrophe
// (CSV injection); reading it back removes that apostrophe again.
const unprotect = (s: string) => (/^'[=+\-@\t\r]/.test(s) ? s.slice(1) : s)

async function* csvRows(path: string, progress: { bytes: number }): AsyncGenerator<SheetRow> {
  let row: string[] = []
  let cell = ''
  let quoted = false
  let pendingQuote = false
  let rowNo = 0
  let pendingCr = false
  const endRow = function* (): Generator<SheetRow> {
    row.push(unprotect(cell))
    rowNo++
    const cells = row
    row = []
    cell = ''
    if (!isBlank(cells)) yield { rowNo, cells }
  }
  for await (const text of decodedChunks(path, progress)) {
    for (let i = 0; i < text.length; i++) {
      const ch = text[i]
      if (pendingCr) { pendingCr = false; if (ch === '\n') continue }
      if (pendingQuote) {
        pendingQuote = false
        if (ch === '"') { cell += '"'; continue }
        quoted = false
      }
      if (quoted) {
        if (ch === '"') pendingQuote = true
        else cell += ch
        continue
      }
      if (ch === '"' && cell === '') quoted = true
      else if (ch === ',') { row.push(unprotect(cell)); cell = '' }
      else if (ch === '\r') { pendingCr = true; yield* endRow() }
      else if (ch === '\n') yield* endRow()
      else if (ch === '\uFEFF' && rowNo === 0 && row.length === 0 && cell === '') continue
      else cell += ch
    }
  }
  if (quoted && !pendingQuote) throw new SheetCorruptError(`第 ${rowNo + 1} 行的引号没有闭合`)
  if (cell !== '' || row.length > 0) yield* endRow()
}
