import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../../test/app.testkit.ts'
import { setUpLibrary } from '../kb/kb.testkit.ts'
import { parseCsv } from '../stats/csv.ts'
import { readXlsx, sheetsApi, xlsx } from './sheets.testkit.ts'

describe('the library in and out as spreadsheets', () => {
  let t: TestApp
  let lib: Awaited<ReturnType<typeof setUpLibrary>>
  let api: ReturnType<typeof sheetsApi>
  beforeEach(async () => {
    t = await createTestApp()
    lib = await setUpLibrary(t)
    api = sheetsApi(t)
    await lib.document({ docNumber: '渝北人社发〔2022〕8号' })
  })
  afterEach(async () => { await t.close() })

  const get = (url: string) => t.call({ method: 'GET', url: `/api/v1${url}` })

  it('gives a template that round-trips: fill it in, import it, export it, and the export imports as unchanged', async () => {
    const res = await get('/entries/import-template')
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toContain('spreadsheetml')
    const wb = await readXlsx(res.rawPayload)
    const [sheet, help, values] = wb.worksheets
    expect(sheet.getRow(1).values).toEqual([undefined, '外部编号', '标准问题', '相似问法', '答复口径', '关键词', '领域', '承办单位', '政策文件文号', '图解/视频链接', '状态'])
    expect(sheet.getRow(2).getCell(1).value).toBe('示例')
    expect(help.name).toBe('填写说明')
    expect(values.getColumn(1).values).toContain('就业创业')
    expect(values.getColumn(4).values).toContain('区人力社保局')

    // Filled in below the example, as an office would.
    sheet.addRow(['12345-1', '灵活就业人员社保补贴怎么申请？', '灵活就业社保补贴\n社保补贴去哪里领', '符合条件的灵活就业人员可向区就业服务中心申请社会保险补贴。', '社保补贴、灵活就业', '就业创业', '区人力社保局', '渝北人社发〔2022〕8号', '图解：一图读懂社保补贴 https://www.example.gov.cn/tj/2.png', '已发布'])
    sheet.addRow(['', '生育津贴怎么领？', '', '由用人单位向区医保局申请，按月发放。', '', 'birth', 'wjw', '', '', ''])
    const filled = Buffer.from(await wb.xlsx.writeBuffer())
    const done = await api.importFile('问答条目.xlsx', filled)
    expect(done).toMatchObject({ status: 'done', counts: { rows: 2, create: 2, update: 0, unchanged: 0, errorRows: 0 }, result: { created: 2, published: 1 } })
    const entry = (await get('/entries?externalId=12345-1')).json().items[0]
    expect(entry).toMatchObject({
      status: 'published', similarQuestions: ['灵活就业社保补贴', '社保补贴去哪里领'], keywords: ['社保补贴', '灵活就业'], topic: { code: 'employment' },
      media: [{ kind: 'image', title: '一图读懂社保补贴', url: 'https://www.example.gov.cn/tj/2.png' }], policyDocuments: [{ docNumber: '渝北人社发〔2022〕8号' }],
    })
    expect(await api.total('&status=draft')).toBe(1)

    for (const format of ['xlsx', 'csv'] as const) {
      const exported = await get(`/entries/export?format=${format}`)
      expect(exported.statusCode).toBe(200)
      const again = await api.importFile(`导出.${format}`, exported.rawPayload)
      expect(again.counts).toEqual({ rows: 2, create: 0, update: 0, unchanged: 2, errorRows: 0 })
      expect(again.result).toEqual({ created: 0, updated: 0, unchanged: 2, published: 0 })
    }
    expect(await api.total()).toBe(2)
    expect((await get(`/entries/${entry.id}/versions`)).json().items).toHaveLength(1)
  })

  it('reports every bad row and column in Chinese, offers the file back with 错误说明, and refuses to import it', async () => {
    const long = '长'.repeat(20_001)
    const csv = [
      '外部编号,标准问题,相似问法,答复口径,关键词,领域,承办单位,政策文件文号,图解/视频链接,状态',
      'A-1,问题一？,,答复一。,,就业创业,区人力社保局,,,',
      'A-2,问题二？,,答复二。,,就业创业,区交通局,,,',
      'A-3,问题三？,,答复三。,,就业创业,rsj,渝北人社发〔2099〕1号,,',
      'A-4,问题四？,,,,就业创业,rsj,,,',
      'A-1,问题五？,,答复五。,,就业创业,rsj,,,',
      `A-6,问题六？,,${long},,就业创业,rsj,,,`,
      'A-7,问题七？,,答复七。,,养宠物,rsj,,,',
    ].join('\r\n')
    const job = await api.validated('有误.csv', '\uFEFF' + csv)
    expect(job).toMatchObject({ status: 'validated', counts: { rows: 7, create: 1, errorRows: 6 } })
    const byRow = Object.fromEntries(job.errors.map((e: { rowNo: number; column: string; message: string }) => [e.rowNo, `${e.column}|${e.message}`]))
    expect(byRow[3]).toMatch(/^承办单位\|.*区交通局.*不存在/)
    expect(byRow[4]).toMatch(/^政策文件文号\|.*渝北人社发〔2099〕1号.*未在库中登记/)
    expect(byRow[5]).toMatch(/^答复口径\|答复口径不能为空/)
    expect(byRow[6]).toMatch(/^外部编号\|外部编号 A-1 与第 2 行重复/)
    expect(byRow[7]).toMatch(/^答复口径\|答复口径超过 20000 字/)
    expect(byRow[8]).toMatch(/^领域\|领域「养宠物」不在可选范围内/)

    const report = await get(`/imports/${job.id}/report`)
    expect(report.headers['content-type']).toContain('text/csv')
    const rows = parseCsv(report.rawPayload.toString('utf8'))
    expect(rows[0].at(-1)).toBe('错误说明')
    expect(rows[1].at(-1)).toBe('')
    expect(rows[2].at(-1)).toContain('区交通局')
    const asXlsx = await readXlsx((await get(`/imports/${job.id}/report?format=xlsx&onlyErrors=true`)).rawPayload)
    expect(asXlsx.worksheets[0].rowCount).toBe(7)
    expect(String(asXlsx.worksheets[0].getRow(2).getCell(11).value)).toContain('区交通局')

    const commit = await api.commit(job.id)
    expect(commit.statusCode).toBe(409)
    expect(commit.json().code).toBe('SHEET_IMPORT_HAS_ERRORS')
    expect(await api.total()).toBe(0)

    // Fixed in the report itself and uploaded again: the 错误说明 column is ignored.
    const fixed = rows.slice(1).map((r, i) => {
      const cells = r.slice(0, 10)
      cells[0] = `B-${i}`
      cells[3] = `答复 ${i}。`
      cells[5] = '就业创业'
      cells[6] = 'rsj'
      cells[7] = ''
      return cells
    })
    const again = await api.importFile('修改后.xlsx', await xlsx(fixed))
    expect(again.result).toMatchObject({ created: 7 })
  })

  it('a re-import of the same file changes nothing', async () => {
    const file = await xlsx([['R-1', '问题一？', '', '答复一。', '', '就业创业', 'rsj', '', '', '已发布']])
    await api.importFile('a.xlsx', file)
    const before = (await get('/entries?externalId=R-1')).json().items[0]
    const again = await api.importFile('a.xlsx', file)
    expect(again.result).toEqual({ created: 0, updated: 0, unchanged: 1, published: 0 })
    const after = (await get('/entries?externalId=R-1')).json().items[0]
    expect(after).toEqual(before)
  })

  it('exports and re-imports keywords exactly, a keyword holding a separator (40、50人员) included, in both formats', async () => {
    const keywords = ['灵活就业', '40、50人员', '社保补贴，个人', '就业困难人员']
    const entry = await lib.entry({ externalId: 'K-1', keywords })
    await lib.publish(entry.id)
    for (const format of ['xlsx', 'csv'] as const) {
      const exported = await get(`/entries/export?format=${format}`)
      const again = await api.validated(`all.${format}`, exported.rawPayload)
      expect(again.counts, format).toMatchObject({ rows: 1, update: 0, unchanged: 1, errorRows: 0 })
    }
    // A spreadsheet written by hand: 、，；and line breaks separate, 「」 keep a keyword whole.
    const job = await api.importFile('k.xlsx', await xlsx([['K-2', '问题？', '', '答复。', '甲、乙，丙；丁\n「40、50人员」', '就业创业', 'rsj', '', '', '']]))
    expect(job.result).toMatchObject({ created: 1 })
    expect((await get('/entries?externalId=K-2')).json().items[0].keywords).toEqual(['甲', '乙', '丙', '丁', '40、50人员'])
    const bad = await api.validated('bad.xlsx', await xlsx([['K-3', '问题？', '', '答复。', '「40、50人员', '就业创业', 'rsj', '', '', '']]))
    expect(bad.errors).toEqual([{ rowNo: 2, column: '关键词', message: expect.stringContaining('「」') }])
  })

  it('an update with an existing 外部编号 makes a new version through review; an administrator may publish it at once', async () => {
    await api.importFile('a.xlsx', await xlsx([['U-1', '问题？', '', '旧的答复。', '', '就业创业', 'rsj', '', '', '已发布']]))
    const unit = await t.token('unit', { unitCode: 'rsj' })
    const job = await api.importFile('b.xlsx', await xlsx([['U-1', '问题？', '', '新的答复。', '', '就业创业', '', '', '', '已发布']]), { token: unit })
    expect(job.result).toMatchObject({ updated: 1, published: 0 })
    const entry = (await get('/entries?externalId=U-1')).json().items[0]
    expect(entry).toMatchObject({ answer: '旧的答复。', publishedVersion: 1, latestVersion: 2, workingVersion: { version: 2, state: 'draft' } })
    const versions = (await get(`/entries/${entry.id}/versions`)).json().items
    expect(versions.map((v: { answer: string }) => v.answer)).toEqual(expect.arrayContaining(['旧的答复。', '新的答复。']))

    const admin = await api.importFile('c.xlsx', await xlsx([['U-1', '问题？', '', '再改的答复。', '', '就业创业', 'rsj', '', '', '已发布']]))
    expect(admin.result).toMatchObject({ updated: 1, published: 1 })
    expect((await get(`/entries/${entry.id}`)).json()).toMatchObject({ answer: '再改的答复。', publishedVersion: 2, workingVersion: null })
  })

  it('reads a formula cell as its value and a cell starting with = as text', async () => {
    const file = await xlsx([['F-1', { formula: 'CONCATENATE("社保","怎么交")', result: '社保怎么交？' }, '', '=以区医保局最新通知为准', '', '就业创业', 'rsj', '', '', '']])
    await api.importFile('f.xlsx', file)
    expect((await get('/entries?externalId=F-1')).json().items[0]).toMatchObject({ question: '社保怎么交？', answer: '=以区医保局最新通知为准' })
    const csv = (await get('/entries/export?format=csv')).rawPayload.toString('utf8')
    expect(csv).toContain("'=以区医保局最新通知为准")
    expect((await api.importFile('f.csv', csv)).result).toMatchObject({ unchanged: 1 })
  })

  it('exports a filtered part of the library', async () => {
    await api.importFile('a.xlsx', await xlsx([
      ['E-1', '就业问题？', '', '答复。', '', '就业创业', 'rsj', '', '', '已发布'],
      ['E-2', '生育问题？', '', '答复。', '', '生育', 'wjw', '', '', '草稿'],
    ]))
    const rows = (q: string) => get(`/entries/export?format=csv&${q}`).then((r) => parseCsv(r.rawPayload.toString('utf8')).slice(1).map((c) => c[0]))
    expect(await rows('unit=wjw')).toEqual(['E-2'])
    expect(await rows('topic=employment')).toEqual(['E-1'])
    expect(await rows('status=published&version=published')).toEqual(['E-1'])
    expect(await rows('inForce=true')).toEqual(['E-1', 'E-2'])
    expect((await get('/entries/export?unit=nope')).statusCode).toBe(404)
  })

  it('exports to each reader only the entries it may read, in both formats (D5)', async () => {
    const wjw = await lib.wjwEntries()
    const own = await lib.entry({ question: '人社局草稿问题', answer: '人社局草稿答复' })
    const tokens = { rsj: await t.token('unit', { unitCode: 'rsj' }), agent: await t.token('agent'), reviewer: await t.token('reviewer', { reviewStep: 0 }) }
    const exported = async (format: 'csv' | 'xlsx', token: string | undefined, q = '') => {
      const res = await t.call({ method: 'GET', url: `/api/v1/entries/export?format=${format}${q}`, token })
      expect(res.statusCode).toBe(200)
      if (format === 'csv') return parseCsv(res.rawPayload.toString('utf8')).slice(1)
      const rows: string[][] = []
      ;(await readXlsx(res.rawPayload)).getWorksheet('问答条目')!.eachRow((row, n) => { if (n > 1) rows.push([1, 2, 3, 4].map((i) => String(row.getCell(i).value ?? ''))) })
      return rows
    }
    // Each exported row's id, question and answer: id is the 外部编号 column (#id for these).
    const seen = async (format: 'csv' | 'xlsx', token?: string, q = '') => (await exported(format, token, q)).map((r) => `${r[0]} ${r[1]} ${r[3]}`)
    for (const format of ['csv', 'xlsx'] as const) {
      const published = `#${wjw.revised} 已发布问题 已发布答复`
      expect(await seen(format, tokens.rsj), format).toEqual([`#${wjw.revised} 已发布问题 已发布答复`, `#${own.id} 人社局草稿问题 人社局草稿答复`])
      expect(await seen(format, tokens.rsj, '&status=draft')).toEqual([`#${own.id} 人社局草稿问题 人社局草稿答复`])
      expect(await seen(format, tokens.agent)).toEqual([published])
      expect(await seen(format, tokens.agent, '&version=published')).toEqual([published])
      expect(await seen(format, tokens.reviewer)).toEqual([`#${wjw.inReview} 审核中问题 审核中答复`, published])
      expect(await seen(format, undefined)).toEqual([
        `#${wjw.draft} 产假草稿问题 产假草稿答复`, `#${wjw.inReview} 审核中问题 审核中答复`, `#${wjw.revised} 已发布问题 修订中答复`,
        `#${wjw.archived} 已归档问题 已归档答复`, `#${own.id} 人社局草稿问题 人社局草稿答复`,
      ])
    }
  })

  it('tells a unit nothing of another unit\'s entries it may not read: they are not there (M4)', async () => {
    const wjw = await lib.wjwEntries()
    await t.call({ method: 'PATCH', url: `/api/v1/entries/${wjw.draft}`, payload: { externalId: 'WJW-SECRET-2027' } })
    const rsj = await t.token('unit', { unitCode: 'rsj' })
    const missing = 999_999
    const job = await api.validated('probe.xlsx', await xlsx([
      [`#${wjw.draft}`, '问题一？', '', '答复。', '', '就业创业', '', '', '', ''],
      [`#${wjw.inReview}`, '问题二？', '', '答复。', '', '就业创业', '', '', '', ''],
      [`#${wjw.archived}`, '问题三？', '', '答复。', '', '就业创业', '', '', '', ''],
      [`#${missing}`, '问题四？', '', '答复。', '', '就业创业', '', '', '', ''],
      ['WJW-SECRET-2027', '问题五？', '', '答复。', '', '就业创业', '', '', '', ''],
      [`#${wjw.revised}`, '问题六？', '', '答复。', '', '就业创业', '', '', '', ''],
    ]), { token: rsj })
    const messages = job.errors.map((e: { rowNo: number; column: string; message: string }) => `${e.rowNo} ${e.column} ${e.message}`)
    const notFound = (id: number) => `外部编号 库内编号 #${id} 的条目不存在；新建条目请将外部编号留空或填写自己的编号`
    expect(messages).toEqual([
      `2 ${notFound(wjw.draft)}`, `3 ${notFound(wjw.inReview)}`, `4 ${notFound(wjw.archived)}`, `5 ${notFound(missing)}`,
      '6 外部编号 外部编号 WJW-SECRET-2027 不可用，请换一个编号',
      // A published entry is read by every unit; changing it is what is refused.
      `7 外部编号 外部编号 #${wjw.revised} 的条目属于区卫生健康委，单位账号只能修改本单位的条目`,
    ])
  })

  it('imports policy documents by 文号 and exports them in the same format', async () => {
    const header = ['文号', '标题', '发文单位', '发布日期', '施行日期', '失效日期', '效力', '链接', '承办单位']
    const job = await api.importFile('docs.xlsx', await xlsx([
      ['渝北人社发〔2022〕8号', '关于进一步做好稳就业工作的通知', '区人力社保局', '2022-03-01', '2022/3/1', '', '废止', 'https://www.example.gov.cn/zcwj/8.html', '区人力社保局'],
      ['渝北卫发〔2023〕2号', '关于生育津贴发放的通知', '区卫生健康委', '2023年1月5日', '', '', '现行有效', '', 'wjw'],
    ], header), { kind: 'policy-documents' })
    expect(job.result).toMatchObject({ created: 1, updated: 1 })
    const docs = (await get('/policy-documents?pageSize=10')).json().items
    expect(docs.find((d: { docNumber: string }) => d.docNumber === '渝北人社发〔2022〕8号')).toMatchObject({ validity: 'repealed', publishedOn: '2022-03-01', effectiveOn: '2022-03-01' })
    const exported = await get('/policy-documents/export?format=xlsx')
    const again = await api.importFile('docs2.xlsx', exported.rawPayload, { kind: 'policy-documents' })
    expect(again.result).toEqual({ created: 0, updated: 0, unchanged: 2, published: 0 })
  })

  it('refuses document rows with contradictory dates, naming the column, and accepts a retroactive 施行日期', async () => {
    const header = ['文号', '标题', '发文单位', '发布日期', '施行日期', '失效日期', '效力', '链接', '承办单位']
    const job = await api.validated('docs.xlsx', await xlsx([
      ['渝兴人社发〔2026〕31号', '日期倒置', '区人力社保局', '2026-05-01', '2026-04-01', '2025-01-01', '现行有效', '', '区人力社保局'],
      ['渝兴人社发〔2026〕32号', '已过失效日期', '区人力社保局', '2024-05-01', '2024-05-01', '2025-01-01', '', '', '区人力社保局'],
      ['渝兴人社发〔2026〕33号', '追溯施行', '区人力社保局', '2026-05-01', '2026-01-01', '', '现行有效', '', '区人力社保局'],
    ], header), { kind: 'policy-documents' })
    expect(job.errors).toEqual([
      { rowNo: 2, column: '失效日期', message: '失效日期 2025-01-01 早于施行日期 2026-04-01，请核对' },
      { rowNo: 2, column: '效力', message: expect.stringContaining('失效日期 2025-01-01 已过，效力不能是现行有效') },
      { rowNo: 3, column: '效力', message: expect.stringContaining('失效日期 2025-01-01 已过') },
    ])
    expect(job).toMatchObject({ status: 'validated', counts: { create: 1, errorRows: 2 } })
    expect((await api.commit(job.id)).statusCode).toBe(409)
  })

  it('names another unit by its name, never its code, when a unit may not import a row', async () => {
    const rsj = await t.token('unit', { unitCode: 'rsj' })
    const theirs = await lib.entry({ unitCode: 'wjw', topic: 'birth', question: '生育津贴怎么领？', answer: '由单位向医保局申领。', externalId: 'WJW-1' })
    await lib.publish(theirs.id)
    await lib.document({ docNumber: '渝北卫发〔2023〕2号', unitCode: 'wjw' })
    const entries = await api.validated('他单位.csv', '\uFEFF' + [
      '外部编号,标准问题,相似问法,答复口径,关键词,领域,承办单位,政策文件文号,图解/视频链接,状态',
      'WJW-1,生育津贴怎么领？,,改过的答复。,,生育,,,,',
      'RSJ-9,问题九？,,答复九。,,就业创业,区卫生健康委,,,',
    ].join('\r\n'), { token: rsj })
    const docs = await api.validated('他单位文件.csv', '\uFEFF' + [
      '文号,标题,发文单位,发布日期,施行日期,失效日期,效力,链接,承办单位',
      '渝北卫发〔2023〕2号,关于生育津贴发放的通知,区卫生健康委,2023-01-05,,,现行有效,,',
    ].join('\r\n'), { token: rsj, kind: 'policy-documents' })
    const messages = [...entries.errors, ...docs.errors].map((e: { message: string }) => e.message)
    expect(messages).toHaveLength(3)
    for (const m of messages) {
      expect(m).toContain('区卫生健康委')
      expect(m).not.toMatch(/\bwjw\b/)
    }
  })

  it('does not import twice when a client retries', async () => {
    const file = await xlsx([['I-1', '问题？', '', '答复。', '', '就业创业', 'rsj', '', '', '']])
    const first = await api.upload('i.xlsx', file, { key: 'upload-1' })
    const retry = await api.upload('i.xlsx', file, { key: 'upload-1' })
    expect(retry.json().id).toBe(first.json().id)
    await api.settle(first.json().id)
    const [a, b] = [await api.commit(first.json().id), await api.commit(first.json().id)]
    expect([a.statusCode, b.statusCode]).toEqual([202, 202])
    expect((await api.settle(first.json().id)).result).toMatchObject({ created: 1 })
    expect(await api.total()).toBe(1)
  })

  it('writes nothing when the library changed after the dry run in a way that makes a row wrong', async () => {
    const job = await api.validated('s.xlsx', await xlsx([
      ['S-1', '问题一？', '', '答复。', '', '就业创业', 'rsj', '', '', ''],
      ['S-2', '问题二？', '', '答复。', '', '就业创业', 'rsj', '渝北人社发〔2022〕8号', '', '已发布'],
    ]))
    expect(job.counts.create).toBe(2)
    const doc = (await get('/policy-documents?q=渝北人社发')).json().items[0]
    await t.call({ method: 'PATCH', url: `/api/v1/policy-documents/${doc.id}`, payload: { validity: 'expired' } })
    await api.commit(job.id)
    const done = await api.settle(job.id)
    expect(done).toMatchObject({ status: 'failed', error: { code: 'SHEET_IMPORT_STALE', message: expect.stringContaining('第 3 行') } })
    expect(await api.total()).toBe(0)
  })

  it('keeps another token\'s jobs private', async () => {
    const job = await api.validated('p.xlsx', await xlsx([['P-1', '问题？', '', '答复。', '', '就业创业', 'rsj', '', '', '']]))
    const unit = await t.token('unit', { unitCode: 'rsj' })
    expect((await t.call({ method: 'GET', url: `/api/v1/imports/${job.id}`, token: unit })).statusCode).toBe(404)
    expect((await t.call({ method: 'POST', url: `/api/v1/imports/${job.id}/commit`, token: unit })).json().code).toBe('SHEET_IMPORT_NOT_FOUND')
  })
})

describe('the import template\'s example row', () => {
  let t: TestApp
  afterEach(async () => { await t.close() })

  it('has the 领域 and 承办单位 that fit its question, not the lists\' first values', async () => {
    t = await createTestApp()
    const post = (url: string, payload: object) => t.call({ method: 'POST', url: `/api/v1${url}`, payload })
    for (const [code, name] of [['fgw', '区发展改革委'], ['wjw', '区卫生健康委'], ['rsj', '区人力社保局']]) await post('/units', { code, name })
    await post('/topics', { code: 'birth', name: '生育', required: true, defaultUnitCode: 'wjw' })
    await post('/topics', { code: 'employment', name: '就业创业', required: true, defaultUnitCode: 'rsj' })
    const sheet = (await readXlsx((await t.call({ method: 'GET', url: '/api/v1/entries/import-template' })).rawPayload)).worksheets[0]
    expect([2, 6, 7].map((c) => sheet.getRow(2).getCell(c).value)).toEqual(['一次性创业补贴怎么申请？', '就业创业', '区人力社保局'])
  })

  it('leaves them blank when the library has no topic that fits', async () => {
    t = await createTestApp()
    await t.call({ method: 'POST', url: '/api/v1/units', payload: { code: 'wjw', name: '区卫生健康委' } })
    await t.call({ method: 'POST', url: '/api/v1/topics', payload: { code: 'birth', name: '生育', required: true, defaultUnitCode: 'wjw' } })
    const sheet = (await readXlsx((await t.call({ method: 'GET', url: '/api/v1/entries/import-template' })).rawPayload)).worksheets[0]
    expect([6, 7].map((c) => sheet.getRow(2).getCell(c).value ?? '')).toEqual(['', ''])
  })
})
