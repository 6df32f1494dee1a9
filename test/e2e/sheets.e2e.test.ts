// Through the project's loader, so its reader fixes are in place whichever test file loads exceljs first.
import { exceljs } from '../../src/common/exceljs.ts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { apiCall, browserAvailable, screenshot, signIn, startE2E, E2E_ADMIN, type E2E } from './browser.ts'
const ExcelJS = exceljs()

describe.skipIf(!browserAvailable)('the library in and out as spreadsheets, in Chromium', () => {
  let e: E2E
  beforeAll(async () => {
    e = await startE2E()
    await signIn(e.page, e.server.url, E2E_ADMIN)
  }, 120_000)
  afterAll(async () => { await e?.close() })

  it('downloads the template, uploads a file with errors, sees the report, fixes it, imports it and watches the progress', async () => {
    const { page } = e
    await page.getByRole('menuitem', { name: '表格导入导出' }).click()
    const [template] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: '下载导入模板' }).click()])
    expect(template.suggestedFilename()).toBe('问答条目导入模板.xlsx')
    const book = new ExcelJS.Workbook()
    await book.xlsx.readFile(await template.path())
    const sheet = book.worksheets[0]
    sheet.addRow(['E2E-0', '公租房申请需要什么材料？', '', '', '', '住房', '区住房城乡建委', '', '', '草稿'])
    sheet.addRow(['E2E-1', '公租房多久能分到？', '', '按轮候顺序配租。', '', '住房', '不存在的单位', '', '', '草稿'])
    const withErrors = `${e.dir}/有误.xlsx`
    await book.xlsx.writeFile(withErrors)

    await page.getByLabel('选择表格文件').setInputFiles(withErrors)
    await page.getByText('校验发现 2 行有误').waitFor()
    await page.getByRole('cell', { name: /答复口径不能为空/ }).waitFor()
    await page.getByRole('cell', { name: /不存在的单位/ }).waitFor()
    expect(await page.getByRole('button', { name: '确认导入' }).isDisabled()).toBe(true)
    await screenshot(page, 'sheets-report')
    const [report] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: '下载校验报告' }).click()])
    const reportBook = new ExcelJS.Workbook()
    await reportBook.xlsx.readFile(await report.path())
    const reportSheet = reportBook.worksheets[0]
    expect(reportSheet.getRow(1).getCell(11).value).toBe('错误说明')

    // Fixed in the report itself, with many more rows so the progress has something to show.
    reportSheet.getRow(2).getCell(4).value = '身份证、户口簿、收入证明和住房情况证明。'
    reportSheet.getRow(3).getCell(7).value = '区住房城乡建委'
    for (let i = 2; i <= 3000; i++) reportSheet.addRow([`E2E-${i}`, `第 ${i} 个公租房问题？`, '', `第 ${i} 个答复。`, '', '住房', '区住房城乡建委', '', '', '草稿'])
    const fixed = `${e.dir}/修改后.xlsx`
    await reportBook.xlsx.writeFile(fixed)
    await page.getByLabel('选择表格文件').setInputFiles(fixed)
    await page.getByText(/校验完成：3,001 行，[\d,]+ 行\/秒/).waitFor({ timeout: 60_000 })
    await page.getByRole('button', { name: '确认导入' }).click()
    await page.getByText('导入完成：新建 3001 条').waitFor({ timeout: 60_000 })
    await screenshot(page, 'sheets-imported')
    const entries = await apiCall(e.server.url, 'GET', '/entries?externalId=E2E-1')
    expect(entries.items[0]).toMatchObject({ status: 'draft', unit: { name: '区住房城乡建委' } })
  }, 180_000)
})
