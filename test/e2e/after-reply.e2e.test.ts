import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { apiCall, browserAvailable, createToken, screenshot, signIn, startE2E, type E2E } from './browser.ts'

// After the reply in Chromium: the agent's call-back (回访) with an unsatisfied rating that reopens
// the ticket, the office's redo of a closed ticket to another unit, and the promise list.
describe.skipIf(!browserAvailable)('after the reply in Chromium', () => {
  let e: E2E
  let agent: string
  let rsj: string
  /** A ticket of 区人力社保局 answered (with optional promises) and replied to. */
  async function repliedTicket(question: string, promises?: unknown[]) {
    const r = await apiCall(e.server.url, 'POST', '/consultations', {
      channel: 'hotline', question, openTicket: true, unitCode: 'rsj', asker: { name: '刘芳', phone: '13912345678' },
    }, agent)
    const t = r.ticket as { id: number; number: string }
    await apiCall(e.server.url, 'POST', `/tickets/${t.id}/answer`, { answer: '可到区就业服务中心申请，携带身份证。', ...(promises ? { promises } : {}) }, rsj)
    await apiCall(e.server.url, 'POST', `/tickets/${t.id}/reply`, { method: 'phone' }, agent)
    return t
  }

  beforeAll(async () => {
    e = await startE2E()
    agent = await createToken(e.server.url, { name: '12345 热线坐席 5 号', role: 'agent' })
    rsj = await createToken(e.server.url, { name: '人社局政策解读专员', role: 'unit', unitCode: 'rsj' })
  }, 120_000)
  afterAll(async () => { await e?.close() })

  it('lets the agent call back and record 不满意, which reopens the ticket to the unit', async () => {
    const t = await repliedTicket('一次性创业补贴申请以后多久能到账')
    await signIn(e.page, e.server.url, agent)
    await e.page.getByRole('menuitem', { name: '回访' }).click()
    await e.page.getByRole('button', { name: `回访 ${t.number}` }).click()
    await e.page.locator('.el-radio', { hasText: /^不满意$/ }).click()
    await e.page.getByLabel('咨询人意见').fill('没有说明到账时间')
    await screenshot(e.page, 'agent-callback')
    await e.page.getByRole('button', { name: '登记评价' }).click()
    await e.page.getByText(`${t.number} 已转重办`).waitFor()
    const after = await apiCall(e.server.url, 'GET', `/tickets/${t.id}`)
    expect(after).toMatchObject({ status: 'assigned', round: 2, unit: { code: 'rsj' }, rounds: [{ rating: { rating: 'unsatisfied', comment: '没有说明到账时间' } }] })
    await expect.poll(() => e.page.getByRole('button', { name: `回访 ${t.number}` }).count()).toBe(0)
  }, 60_000)

  it('lets the office redo a closed ticket with another unit, and shows the earlier round', async () => {
    const t = await repliedTicket('医保断缴后补缴，还能报销住院费用吗')
    await apiCall(e.server.url, 'POST', `/tickets/${t.id}/close`, {}, agent)
    await signIn(e.page, e.server.url, 'e2e-admin-token-0123456789abc')
    await e.page.getByRole('menuitem', { name: '工单办理' }).click()
    await e.page.locator('.el-radio-button', { hasText: '已回复/已办结' }).click()
    await e.page.getByLabel('查找工单').fill(t.number)
    await e.page.getByLabel('查找工单').press('Enter')
    await e.page.getByRole('button', { name: `办理 ${t.number}` }).click()
    const drawer = e.page.getByRole('dialog', { name: `工单 ${t.number}` })
    await drawer.getByRole('button', { name: '重办', exact: true }).click()
    await drawer.getByRole('combobox', { name: '重办单位' }).click()
    await e.page.getByRole('option', { name: '区医疗保障局' }).click()
    await drawer.getByLabel('重办理由').fill('涉及医保待遇，改由医保局答复')
    await drawer.getByRole('button', { name: '重办', exact: true }).last().click()
    await expect.poll(async () => (await apiCall(e.server.url, 'GET', `/tickets/${t.id}`)).unit.code).toBe('ybj')
    await drawer.getByText('此前各轮办理').waitFor()
    await drawer.getByText(/第 1 轮 · 区人力社保局/).waitFor()
    await screenshot(e.page, 'office-redo')
  }, 60_000)

  it('shows the office open and overdue promises per unit, and lets the unit close one with a note', async () => {
    const t = await repliedTicket('小区门口的路灯坏了，能不能尽快修', [{ content: '十个工作日内协调维修路灯', workingDays: 10 }])
    await signIn(e.page, e.server.url, 'e2e-admin-token-0123456789abc')
    await e.page.getByRole('menuitem', { name: '承诺跟踪' }).click()
    await e.page.getByText('十个工作日内协调维修路灯').waitFor()
    const figures = e.page.locator('.block')
    await expect.poll(() => figures.innerText()).toContain('区人力社保局')
    await screenshot(e.page, 'office-promises')

    await signIn(e.page, e.server.url, rsj)
    await e.page.getByRole('menuitem', { name: '承诺事项' }).click()
    await e.page.getByRole('button', { name: '办结承诺 十个工作日内协调维修路灯' }).click()
    await e.page.getByLabel('落实情况').fill('已联系物业更换灯具，经回访正常')
    await e.page.getByRole('button', { name: '确认办结' }).click()
    await e.page.getByText('承诺事项已办结（按期办结）').waitFor()
    const detail = await apiCall(e.server.url, 'GET', `/tickets/${t.id}`)
    expect(detail.promises[0]).toMatchObject({ state: 'fulfilled', keptOnTime: true, fulfilmentNote: '已联系物业更换灯具，经回访正常' })
  }, 60_000)
})
