import { describe, expect, it } from 'vitest'
import { BOM, csvCell, csvLine, parseCsv } from './csv.ts'

describe('CSV cells', () => {
  it('quotes commas, quotes and line breaks', () => {
    expect(csvCell('a,b')).toBe('"a,b"')
    expect(csvCell('他说"你好"')).toBe('"他说""你好"""')
    expect(csvCell('一\n二')).toBe('"一\n二"')
  })

  it('defuses a cell that a spreadsheet would run as a formula', () => {
    expect(csvCell('=HYPERLINK("http://x")')).toBe(`"'=HYPERLINK(""http://x"")"`)
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)")
  })

  it('reads back what it wrote, BOM and all', () => {
    const text = BOM + csvLine(['序号', '咨询内容']) + csvLine([1, '社保,医保\r\n"怎么办"'])
    expect(parseCsv(text)).toEqual([['序号', '咨询内容'], ['1', '社保,医保\r\n"怎么办"']])
  })
})
