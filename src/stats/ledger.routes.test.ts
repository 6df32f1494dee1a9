// Through the project's loader, so its reader fixes are in place whichever test file loads exceljs first.
import { exceljs } from '../common/exceljs.ts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../../test/app.testkit.ts'
import { parseCsv } from './csv.ts'
import { LEDGER_HEADER } from './ledger.rows.ts'
import { TICKETS, STATS_FIXTURE_CONFIG, loadStatsFixture } from './stats.testkit.ts'
const ExcelJS = exceljs()

const OCTOBER = 'from=2025-10-01&to=2025-10-31'

async function readXlsx(payload: Buffer): Promise<string[][]> {
  const wb = new ExcelJS.Workbook()
  await wb.xlsx.load(payload as unknown as ArrayBuffer)
  const sheet = wb.getWorksheet('登记台账')!
  const rows: string[][] = []
  sheet.eachRow({ includeEmpty: true }, (row) => {
    rows.push(Array.from({ length: LEDGER_HEADER.length }, (_, i) => {
      const v = row.getCell(i + 1).value
      return v === null || v === undefined ? '' : String(v)
    }))
  })
  return rows
}

describe('the ledger and its export', () => {
  let t: TestApp
  let rsjToken: string
  const get = (url: string, token?: string) => t.call({ method: 'GET', url, ...(token ? { token } : {}) })

  beforeAll(async () => {
    t = await createTestApp(STATS_FIXTURE_CONFIG)
    await loadStatsFixture(t)
    rsjToken = await t.token('unit', { unitCode: 'rsj' })
  })
  afterAll(async () => { await t.close() })

  it('exports CSV in UTF-8 with a BOM, the fifteen columns, and the rows in registration order', async () => {
    const res = await get(`/api/v1/ledger/export?format=csv&${OCTOBER}`)
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8')
    expect(res.headers['content-disposition']).toContain(`filename*=UTF-8''${encodeURIComponent('登记台账_2025-10-01至2025-10-31.csv')}`)
    expect([...res.rawPayload.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf])
    const rows = parseCsv(res.rawPayload.toString('utf8'))
    expect(rows[0]).toEqual(LEDGER_HEADER)
    expect(rows).toHaveLength(1 + 14) // R7 was received in September
    expect(rows.slice(1).map((r) => r[0])).toEqual(Array.from({ length: 14 }, (_, i) => String(i + 1)))
    expect(rows[1]).toEqual([
      '1', 'ZX20251013-0001', '2025-10-13 10:00', '12345热线', '张*', '139****0001', '社保卡怎么补办？', '区人力社保局',
      '2025-10-13 10:00', '2025-10-20 23:59', '2025-10-15 16:00', '张*您好，关于您咨询的问题答复如下。', '电话', '否', '已回复咨询人', '', '否',
    ])
    const byNumber = Object.fromEntries(rows.slice(1).map((r) => [r[1], r]))
    expect(byNumber['ZX20251013-0003'].slice(13)).toEqual(['是', '已回复咨询人', '', '否']) // R3 replied late
    expect(byNumber['ZX20251020-0002'].slice(10)).toEqual(['', '蒋*您好，关于您咨询的问题答复如下。', '', '是', '单位已答复', '', '否']) // R13: answered, asker not told
    // Z1 is back with the office, registered; the ledger keeps when it was first assigned (to wjw, which returned it).
    expect(byNumber['ZX20251022-0001'].slice(7, 9)).toEqual(['区政府办公室', '2025-10-22 10:00'])
  })

  it('masks the asker and the ID-card and phone numbers in the question text', async () => {
    const text = (await get(`/api/v1/ledger/export?format=csv&${OCTOBER}`)).rawPayload.toString('utf8')
    const rows = parseCsv(text)
    const r4 = rows.find((r) => r[1] === 'ZX20251014-0001')!
    expect(r4.slice(4, 7)).toEqual(['赵*', '138****5678', '我叫赵*，灵活就业人员社保怎么缴纳？电话138****5678'])
    const r5 = rows.find((r) => r[1] === 'ZX20251015-0001')!
    expect(r5.slice(5, 7)).toEqual(['023****1234', '灵活就业人员社保如何缴纳？身份证500112********123X'])
    for (const s of TICKETS) {
      expect(text).not.toContain(s.askerName)
      expect(text).not.toContain(s.askerPhone)
    }
    expect(text).not.toContain('50011219850312123X')
  })

  it('exports the same rows as an xlsx workbook that reads back with exceljs', async () => {
    const res = await get(`/api/v1/ledger/export?format=xlsx&${OCTOBER}`)
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
    const xlsx = await readXlsx(res.rawPayload)
    const csv = parseCsv((await get(`/api/v1/ledger/export?format=csv&${OCTOBER}`)).rawPayload.toString('utf8'))
    expect(xlsx).toEqual(csv)
    expect(xlsx[0]).toEqual(LEDGER_HEADER)
  })

  it('filters by channel and status', async () => {
    const rows = parseCsv((await get(`/api/v1/ledger/export?format=csv&${OCTOBER}&channel=hotline&status=replied`)).rawPayload.toString('utf8'))
    // Hotline and replied: R1, R3, R4, R5 and W1 (R2 is closed, R6 still assigned).
    expect(rows.slice(1).map((r) => r[1])).toEqual(['ZX20251013-0001', 'ZX20251013-0003', 'ZX20251014-0001', 'ZX20251015-0001', 'ZX20251013-0004'])
  })

  it('filters the list and both exports by 是否超期, as the column and the tickets\' overdue rule say (D8)', async () => {
    const OVERDUE = LEDGER_HEADER.indexOf('是否超期')
    const csv = async (q: string, token?: string) => parseCsv((await get(`/api/v1/ledger/export?format=csv&${q}`, token)).rawPayload.toString('utf8')).slice(1)
    const numbers = (rows: string[][]) => rows.map((r) => r[1])
    for (const [scope, token] of [['office', undefined], ['unit', rsjToken]] as const) {
      const all = await csv(OCTOBER, token)
      const late = all.filter((r) => r[OVERDUE] === '是')
      const onTime = all.filter((r) => r[OVERDUE] === '否')
      expect(late.length, scope).toBeGreaterThan(0)
      expect(onTime.length, scope).toBeGreaterThan(0)
      expect(numbers(await csv(`${OCTOBER}&overdue=true`, token)), scope).toEqual(numbers(late))
      expect(numbers(await csv(`${OCTOBER}&overdue=false`, token)), scope).toEqual(numbers(onTime))
      const xlsx = (await readXlsx((await get(`/api/v1/ledger/export?format=xlsx&${OCTOBER}&overdue=true`, token)).rawPayload)).slice(1)
      expect(numbers(xlsx), scope).toEqual(numbers(late))
      const listed = (await get(`/api/v1/ledger?${OCTOBER}&overdue=true&pageSize=100`, token)).json()
      expect(listed.total, scope).toBe(late.length)
      expect(listed.items.every((i: { overdue: boolean }) => i.overdue), scope).toBe(true)
      expect(listed.items.map((i: { number: string }) => i.number).sort(), scope).toEqual(numbers(late).sort())
    }
    // Replied late (R3), answered but the asker not told (R13), open past the deadline (R6), back with the office (Z1).
    expect(numbers(await csv(`${OCTOBER}&overdue=true`))).toEqual(expect.arrayContaining(['ZX20251013-0003', 'ZX20251020-0002', 'ZX20251016-0001', 'ZX20251022-0001']))
    const bad = await get('/api/v1/ledger?overdue=maybe')
    expect(bad.statusCode).toBe(400)
    expect(bad.json().details[0].field).toBe('overdue')
    // A value outside a list is said once, with the values allowed and what they mean.
    for (const [query, field, says] of [['channel=fax', 'channel', 'hotline 12345热线'], ['status=foo', 'status', 'assigned 已交办']] as const) {
      const res = (await get(`/api/v1/ledger?${query}`)).json()
      expect(res.details, query).toEqual([{ field, message: expect.stringContaining(says) }])
      expect(res.message, query).toBe(`请求参数有误：${res.details[0].message}`)
      expect(res.message, query).not.toContain('不符合任何一种允许的形式')
    }
    // An unknown unit is named by the parameter the office typed, `unit`.
    expect((await get('/api/v1/ledger?unit=nosuch')).json()).toMatchObject({ code: 'UNIT_NOT_FOUND', details: [{ field: 'unit' }] })
  })

  it('exports to a unit token only its own tickets, and refuses another unit', async () => {
    const rows = parseCsv((await get('/api/v1/ledger/export?format=csv', rsjToken)).rawPayload.toString('utf8'))
    expect(rows).toHaveLength(1 + 13) // R1–R13, September's R7 included: no period given
    expect(new Set(rows.slice(1).map((r) => r[7]))).toEqual(new Set(['区人力社保局']))
    const other = await get('/api/v1/ledger/export?format=xlsx&unit=wjw', rsjToken)
    expect(other.statusCode).toBe(403)
    expect(other.json().code).toBe('STATS_UNIT_FORBIDDEN')
    expect((await get('/api/v1/ledger/export', await t.token('agent'))).statusCode).toBe(403)
  })

  it('exports a header row alone when nothing matches', async () => {
    const res = await get('/api/v1/ledger/export?format=xlsx&from=2030-01-01&to=2030-01-31')
    expect(await readXlsx(res.rawPayload)).toEqual([LEDGER_HEADER])
  })

  it('lists the ledger for the console, newest first, paged and masked', async () => {
    const res = await get(`/api/v1/ledger?${OCTOBER}&page=2&pageSize=5`)
    expect(res.statusCode).toBe(200)
    const body = res.json()
    expect(body).toMatchObject({ total: 14, page: 2, pageSize: 5 })
    // Page 1 is Z1, W1, R13, R12, R11; R7 is September's.
    expect(body.items.map((i: { number: string }) => i.number)).toEqual(['ZX20251020-0001', 'ZX20251001-0001', 'ZX20251009-0001', 'ZX20251016-0001', 'ZX20251015-0001'])
    expect(body.items[0]).toMatchObject({
      channel: 'phone', channelLabel: '部门电话', asker: { name: '陈*', phone: '139****0010' },
      unit: { code: 'rsj', name: '区人力社保局' }, overdue: false, status: 'replied', statusLabel: '已回复咨询人', replyMethodLabel: '电话',
    })
    const own = (await get('/api/v1/ledger?status=registered', rsjToken)).json()
    expect(own.total).toBe(0)
  })

  it('refuses a bad format, channel or date', async () => {
    for (const q of ['format=pdf', 'channel=fax', 'from=2025-02-30', 'from=2025-10-31&to=2025-10-01']) {
      const res = await get(`/api/v1/ledger/export?${q}`)
      expect(res.statusCode, q).toBe(400)
    }
  })
})
