import { readFileSync } from 'node:fs'
// Through the project's loader, so its reader fixes are in place whichever test file loads exceljs first.
import { exceljs } from '../../src/common/exceljs.ts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { apiCall, browserAvailable, createToken, screenshot, signIn, startE2E, E2E_ADMIN, type E2E } from './browser.ts'
const ExcelJS = exceljs()

const LEDGER_COLUMNS = ['序号', '编号', '受理时间', '渠道', '咨询人', '联系电话', '咨询内容', '交办单位', '交办时间', '办理时限', '答复时间', '答复内容', '回复方式', '是否超期', '状态', '满意度', '是否重办']

describe.skipIf(!browserAvailable)('the office in Chromium', () => {
  let e: E2E
  const menu = (name: string) => e.page.getByRole('menuitem', { name }).click()

  beforeAll(async () => {
    e = await startE2E()
    const agent = await createToken(e.server.url, { name: '12345 热线坐席 5 号', role: 'agent' })
    const calls: [string, string][] = [
      ['rsj', '失业登记以后多久能领到失业保险金'], ['rsj', '退休以后养老金每年什么时候调整'], ['ybj', '异地就医备案以后住院还要先垫钱吗'],
    ]
    for (const [unitCode, question] of calls) {
      await apiCall(e.server.url, 'POST', '/consultations', { channel: 'hotline', question, openTicket: true, unitCode, asker: { name: '陈丽', phone: '13622223333' } }, agent)
    }
    await signIn(e.page, e.server.url, E2E_ADMIN)
  }, 120_000)
  afterAll(async () => { await e?.close() })

  it('refuses a wrong token with a Chinese message', async () => {
    const page = await e.browser.newPage()
    await page.goto(`${e.server.url}/console/`)
    await page.getByRole('button', { name: '使用访问令牌登录' }).click()
    await page.getByLabel('访问令牌').fill('wrong-token')
    await page.keyboard.press('Enter')
    await page.getByText('令牌无效或已被吊销').waitFor()
    await page.close()
  })

  it('filters the ledger and exports it as xlsx and csv with the filed columns and masked askers', async () => {
    await menu('登记台账')
    expect(await e.page.getByText('督办办公室').count()).toBeGreaterThan(0)
    await e.page.getByRole('combobox', { name: '交办单位' }).click()
    await e.page.getByRole('option', { name: '区人力社保局' }).click()
    await e.page.getByRole('button', { name: '查询' }).click()
    await expect.poll(() => e.page.getByText('共 2 件').count()).toBe(1)
    await screenshot(e.page, 'office-ledger')

    const [xlsx] = await Promise.all([e.page.waitForEvent('download'), e.page.getByRole('button', { name: '导出 Excel' }).click()])
    expect(xlsx.suggestedFilename()).toMatch(/\.xlsx$/)
    const book = new ExcelJS.Workbook()
    await book.xlsx.readFile(await xlsx.path())
    const sheet = book.worksheets[0]
    const header = (sheet.getRow(1).values as unknown[]).slice(1)
    expect(header).toEqual(LEDGER_COLUMNS)
    const rows = sheet.getSheetValues().slice(2).filter(Boolean) as unknown[][]
    expect(rows).toHaveLength(2)
    for (const r of rows) {
      expect(r[8]).toBe('区人力社保局')
      expect(String(r[5])).not.toBe('陈丽')
      expect(String(r[6])).not.toContain('13622223333')
    }

    const [csv] = await Promise.all([e.page.waitForEvent('download'), e.page.getByRole('button', { name: '导出 CSV' }).click()])
    const text = readFileSync(await csv.path(), 'utf8')
    expect(text.charCodeAt(0)).toBe(0xfeff)
    expect(text.slice(1).split(/\r?\n/)[0]).toBe(LEDGER_COLUMNS.join(','))
    expect(text).not.toContain('13622223333')

    // 是否超期: the tickets registered just now are all within their deadline.
    const overdue = async (label: string, shown: string) => {
      // Not filterable: its placeholder lies over the input, so the click goes to the select's wrapper.
      await e.page.locator('.el-select__wrapper', { has: e.page.getByRole('combobox', { name: '是否超期' }) }).click()
      await e.page.getByRole('option', { name: label, exact: true }).click()
      await e.page.getByRole('button', { name: '查询' }).click()
      await expect.poll(() => e.page.getByText(shown).count()).toBe(1)
    }
    await overdue('超期', '共 0 件')
    await overdue('未超期', '共 2 件')
    const [filtered] = await Promise.all([e.page.waitForEvent('download'), e.page.getByRole('button', { name: '导出 CSV' }).click()])
    expect(readFileSync(await filtered.path(), 'utf8').trim().split(/\r?\n/).slice(1).map((l) => l.split(',')[13])).toEqual(['否', '否'])
  })

  it('shows per-unit figures, coverage of the required areas and the unmatched questions', async () => {
    await menu('统计分析')
    const rsj = e.page.locator('.el-table__body tr', { hasText: '区人力社保局' }).first()
    await rsj.waitFor()
    expect((await rsj.locator('td').nth(1).innerText()).trim()).toBe('2')
    await e.page.getByText('必须覆盖的领域').waitFor()
    await e.page.getByText('未匹配的高频问题').waitFor()
    await screenshot(e.page, 'office-stats')
  })

  it("loads a new year's schedule into the calendar", async () => {
    await menu('工作日历')
    await e.page.getByLabel('年份').fill('2031')
    // The year shown first (next year) may have no schedule either: wait for 2031's own answer, or
    // it would arrive after the form is filled and empty it again.
    await Promise.all([
      e.page.waitForResponse((r) => new URL(r.url()).pathname.endsWith('/calendar/2031')),
      e.page.getByLabel('年份').press('Enter'),
    ])
    await e.page.getByText('该年尚无公布的安排').waitFor()
    await e.page.getByLabel('放假日').fill('2031-01-01 元旦\n2031-01-22~2031-01-28 春节')
    await e.page.getByLabel('调休上班日').fill('2031-01-19 春节调休')
    await e.page.getByLabel('通知原文网址').fill('https://www.gov.cn/zhengce/content/2030-11/example.htm')
    await e.page.getByRole('button', { name: '保存 2031 年安排' }).click()
    await e.page.getByText(/已保存。/).waitFor()
    const year = await apiCall(e.server.url, 'GET', '/calendar/2031')
    expect(year).toMatchObject({ source: 'table', provisional: false })
    expect(year.holidays).toHaveLength(8)
    expect(year.workdays).toEqual([{ date: '2031-01-19', name: '春节调休' }])
    await screenshot(e.page, 'office-calendar')
  })

  it('issues a token that works at once and shows its secret only this once', async () => {
    await menu('基础设置')
    await e.page.getByRole('tab', { name: '令牌' }).click()
    await e.page.getByLabel('令牌名称').fill('12345 热线坐席 9 号')
    await e.page.getByRole('button', { name: '签发' }).click()
    const secret = (await e.page.getByTestId('issued-token').innerText()).trim()
    const me = await apiCall(e.server.url, 'GET', '/me', undefined, secret)
    expect(me).toMatchObject({ name: '12345 热线坐席 9 号', role: 'agent' })
    await screenshot(e.page, 'office-settings')
  })

  it('shows related terms with their weight, adds one, and brings back the starting words a library lacks', async () => {
    const before = (await apiCall(e.server.url, 'GET', '/synonyms')).items as { id: number; term: string }[]
    // As a library seeded by an earlier version: one starting word missing.
    await apiCall(e.server.url, 'DELETE', `/synonyms/${before.find((s) => s.term === '房本')!.id}`)
    await menu('基础设置')
    await e.page.getByRole('tab', { name: '同义词与词典' }).click()
    await e.page.getByLabel('筛选同义词').fill('产证')
    await e.page.getByRole('cell', { name: '相关 0.9' }).first().waitFor()
    await e.page.getByLabel('说法', { exact: true }).fill('楼本')
    await e.page.getByLabel('标准说法').fill('不动产权证书')
    await e.page.getByRole('spinbutton', { name: '权重' }).fill('0.6')
    await e.page.getByRole('spinbutton', { name: '权重' }).press('Tab')
    await e.page.getByRole('button', { name: '添加' }).first().click()
    await expect.poll(async () => ((await apiCall(e.server.url, 'GET', '/synonyms')).items as { term: string; weight: number }[]).find((s) => s.term === '楼本')?.weight).toBe(0.6)
    await e.page.getByRole('button', { name: '补充起始词表' }).click()
    await e.page.getByText(/已补充 1 个词语：房本/).waitFor()
    const after = (await apiCall(e.server.url, 'GET', '/synonyms')).items as { term: string }[]
    expect(after.map((s) => s.term)).toEqual(expect.arrayContaining(['房本', '楼本']))
  })
})
