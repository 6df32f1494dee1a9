import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../../test/app.testkit.ts'
import { setUpLibrary } from '../kb/kb.testkit.ts'
import { createImportsService } from './imports.service.ts'
import { sheetsApi, xlsx } from './sheets.testkit.ts'
import { Readable } from 'node:stream'

describe('files that are not a readable library are refused, and nothing is written', () => {
  let t: TestApp
  let api: ReturnType<typeof sheetsApi>
  beforeAll(async () => {
    t = await createTestApp()
    await setUpLibrary(t)
    api = sheetsApi(t)
  })
  afterAll(async () => { await t.close() })

  const nothingWritten = async () => {
    expect(await api.total()).toBe(0)
    expect((await t.call({ method: 'GET', url: '/api/v1/imports' })).json().total).toBe(0)
  }
  const refused = async (name: string, content: Buffer | string, status: number, code: string) => {
    const res = await api.upload(name, content)
    expect(res.statusCode, res.body).toBe(status)
    expect(res.json()).toMatchObject({ code, message: expect.stringMatching(/[\u4e00-\u9fa5]/) })
    await nothingWritten()
  }
  const good = () => xlsx([['X-1', '问题？', '', '答复。', '', '就业创业', 'rsj', '', '', '']])

  it('an empty file', () => refused('空.xlsx', Buffer.alloc(0), 422, 'SHEET_EMPTY'))
  it('a sheet with only the header', async () => refused('表头.xlsx', await xlsx([]), 422, 'SHEET_EMPTY'))
  it('a file that is not a spreadsheet', () => refused('说明.pdf', Buffer.from('%PDF-1.7\n%\u00e2\u00e3\n1 0 obj\n'), 415, 'SHEET_NOT_SPREADSHEET'))
  it('a corrupt .xlsx', async () => {
    const file = await good()
    await refused('坏.xlsx', file.subarray(0, Math.floor(file.length / 2)), 422, 'SHEET_CORRUPT')
    await refused('坏.xlsx', Buffer.from('这不是表格'), 422, 'SHEET_CORRUPT')
  })
  it('a password-protected workbook and an old .xls', async () => {
    const ole = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, ...Array(504).fill(0)])
    await refused('加密.xlsx', Buffer.concat([ole, Buffer.from('EncryptionInfo', 'utf16le'), Buffer.alloc(512)]), 422, 'SHEET_PASSWORD_PROTECTED')
    await refused('旧版.xls', Buffer.concat([ole, Buffer.alloc(512)]), 415, 'SHEET_LEGACY_XLS')
  })
  it('a sheet with the wrong headers', async () => {
    await refused('表头错.xlsx', await xlsx([['1', '2']], ['编号', '问题', '答复']), 422, 'SHEET_WRONG_HEADERS')
    const res = await api.upload('表头错.csv', '外部编号,标准问题,答复口径\r\n1,2,3\r\n')
    expect(res.json().message).toContain('缺少「相似问法」列')
  })
  it('a request without a file', async () => {
    const res = await t.call({ method: 'POST', url: '/api/v1/entries/imports', payload: { file: 'x' } })
    expect(res.statusCode).toBe(400)
    expect(res.json().code).toBe('SHEET_FILE_MISSING')
    await nothingWritten()
  })
})

// A file that is read: on an app of its own, so the refusals above still find nothing written.
describe('a readable file in another encoding', () => {
  let t: TestApp
  let api: ReturnType<typeof sheetsApi>
  beforeAll(async () => {
    t = await createTestApp()
    await setUpLibrary(t)
    api = sheetsApi(t)
  })
  afterAll(async () => { await t.close() })

  it('a CSV saved by Excel on a Chinese Windows (GBK) is read correctly', async () => {
    const text = '外部编号,标准问题,相似问法,答复口径,关键词,领域,承办单位,政策文件文号,图解/视频链接,状态\r\nG-1,生育津贴怎么领？,,按月发放。,,就业创业,区人力社保局,,,\r\n'
    // Node has no GBK encoder; iconv makes the bytes Excel would save.
    const { execFileSync } = await import('node:child_process')
    const bytes = execFileSync('iconv', ['-f', 'UTF-8', '-t', 'GB18030'], { input: text })
    const job = await api.validated('gbk.csv', bytes)
    expect(job.errors).toEqual([])
    const res = await api.commit(job.id)
    expect(res.statusCode).toBe(202)
    await api.settle(job.id)
    expect((await t.call({ method: 'GET', url: '/api/v1/entries?externalId=G-1' })).json().items[0].question).toBe('生育津贴怎么领？')
  })
})

describe('the limits', () => {
  let t: TestApp
  beforeAll(async () => {
    t = await createTestApp()
    await setUpLibrary(t)
  })
  afterAll(async () => { await t.close() })

  it('refuses a file over the size limit and one with too many rows, writing nothing', async () => {
    const { db, kb, log } = t.app.services
    const small = createImportsService({ db, kb, log, limits: { maxBytes: 2000, maxRows: 3 } })
    const actor = { tokenId: 1, role: 'admin' as const, name: 'admin', unitId: null, reviewStep: null }
    const big = Readable.from([Buffer.alloc(3000, 0x41)])
    await expect(small.receive('entries', { filename: '大.csv', file: big }, actor)).rejects.toMatchObject({ code: 'SHEET_TOO_LARGE', statusCode: 413 })
    const rows = ['外部编号,标准问题,相似问法,答复口径,关键词,领域,承办单位,政策文件文号,图解/视频链接,状态', ...[1, 2, 3, 4].map((i) => `L-${i},问题${i}？,,答复。,,,rsj,,,`)].join('\r\n')
    const job = await small.receive('entries', { filename: '多.csv', file: Readable.from([Buffer.from(rows)]) }, actor)
    let now = job
    for (let i = 0; i < 200 && now.status === 'validating'; i++) { await new Promise((r) => setTimeout(r, 5)); now = await small.get(job.id, actor) }
    expect(now).toMatchObject({ status: 'failed', error: { code: 'SHEET_TOO_MANY_ROWS' } })
    expect(await db.all(sql`select count(*) n from import_job_rows`)).toEqual([{ n: 0 }])
    expect(await db.all(sql`select count(*) n from entries`)).toEqual([{ n: 0 }])
    await small.stop()
  })
})
