import { createWriteStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pipeline } from 'node:stream/promises'
import { afterAll, describe, expect, it } from 'vitest'
import { utf8FixInstalled } from '../common/exceljs.ts'
import { exceljs, readRows } from './sheets.reader.ts'
import { sheetStream } from './sheets.writer.ts'

const dir = mkdtempSync(join(tmpdir(), 'qa-sheets-reader-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const read = async (path: string, format: 'xlsx' | 'csv') => {
  const out: string[][] = []
  for await (const r of readRows(path, format)) out.push(r.cells)
  return out
}
// Lengths that vary, so that character boundaries fall everywhere in the zip's chunks.
const answer = (i: number) => `第${i}条：符合条件的灵活就业人员可向区就业服务中心申请社会保险补贴。`.repeat(1 + (i % 23)) + '完成预约'.slice(0, i % 4)
  + (i % 50 === 0 ? '《办法&gt;实施方案》<a & b> "引号" \'单引号\' &amp;' : '')

describe('reading spreadsheets as a stream', () => {
  it('keeps every Chinese character of long cells, and text that looks like an XML entity, in inline and shared strings', async () => {
    expect(utf8FixInstalled()).toBe(true)
    const rows = Array.from({ length: 1500 }, (_, i) => [`R-${i}`, `问题${i}？`, '', answer(i), '', '', '', '', '', ''])
    const inline = join(dir, 'inline.xlsx')
    await pipeline(sheetStream('xlsx', 'entries', [rows]), createWriteStream(inline))
    const shared = join(dir, 'shared.xlsx')
    const wb = new (exceljs().stream.xlsx.WorkbookWriter)({ filename: shared, useSharedStrings: true })
    const ws = wb.addWorksheet('问答条目')
    for (const r of [['外部编号'], ...rows]) ws.addRow(r).commit()
    ws.commit()
    await wb.commit()
    for (const path of [inline, shared]) {
      const back = await read(path, 'xlsx')
      expect(back.slice(1).map((r) => r[3])).toEqual(rows.map((r) => r[3]))
    }
  })

  it('reads CSV with quoted line breaks, doubled quotes, CRLF and the apostrophe that protects formulas', async () => {
    const path = join(dir, 'a.csv')
    writeFileSync(path, '\uFEFF外部编号,标准问题\r\n"A,1","第一行\r\n第二行"\r\nB,"他说""你好"""\r\nC,\'=1+1\r\n\r\nD,\'普通\r\n')
    expect(await read(path, 'csv')).toEqual([['外部编号', '标准问题'], ['A,1', '第一行\r\n第二行'], ['B', '他说"你好"'], ['C', '=1+1'], ['D', "'普通"]])
  })
})
