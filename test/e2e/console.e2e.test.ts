// Accounts, addresses and the office's new screens, in Chromium against the real server.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { apiCall, browserAvailable, createToken, screenshot, signInWithAccount, startE2E, type E2E } from './browser.ts'

const PASSWORD = 'Bangong-2026-shi'

describe.skipIf(!browserAvailable)('sign-in, addresses and the office screens in Chromium', () => {
  let e: E2E
  let ticket: { id: number; number: string }
  let earlierNumber = ''
  beforeAll(async () => {
    e = await startE2E()
    await apiCall(e.server.url, 'POST', '/accounts', { username: 'duban', displayName: '督办办公室 李明', role: 'admin', password: PASSWORD })
    await apiCall(e.server.url, 'POST', '/accounts', { username: 'zuoxi9', displayName: '坐席 9 号', role: 'agent', password: PASSWORD })
    const agent = await createToken(e.server.url, { name: '坐席', role: 'agent' })
    const c = await apiCall<{ ticket: { id: number; number: string } }>(e.server.url, 'POST', '/consultations',
      { channel: 'hotline', question: '公租房租金补贴今年怎么申请', openTicket: true, unitCode: 'zjw', asker: { name: '赵强', phone: '13711112222' } }, agent)
    ticket = c.ticket
    // An earlier ticket on the same subject, already answered by the unit.
    await apiCall(e.server.url, 'POST', '/accounts', { username: 'zjw-officer', displayName: '住建委 孙伟', role: 'unit', unitCode: 'zjw', password: PASSWORD })
    const earlier = await apiCall<{ ticket: { id: number } }>(e.server.url, 'POST', '/consultations',
      { channel: 'phone', question: '公租房租金补贴需要什么条件', openTicket: true, unitCode: 'zjw' }, agent)
    await apiCall(e.server.url, 'POST', `/tickets/${earlier.ticket.id}/answer`, { answer: '公租房租金补贴面向本区户籍低收入住房困难家庭，每年 3 月集中受理。' })
    await apiCall(e.server.url, 'POST', `/tickets/${earlier.ticket.id}/reply`, { method: 'phone' })
    earlierNumber = (await apiCall<{ number: string }>(e.server.url, 'GET', `/tickets/${earlier.ticket.id}`)).number
  }, 120_000)
  afterAll(async () => { await e?.close() })

  it('returns to a shared link to a ticket after sign-in; back leaves the ticket for the list', async () => {
    await e.page.goto(`${e.server.url}/console/#/tickets/${ticket.id}`)
    await e.page.getByLabel('用户名').waitFor()
    await screenshot(e.page, 'sign-in')
    await signInWithAccount(e.page, 'duban', PASSWORD)
    await e.page.getByText(`工单 ${ticket.number}`).waitFor()
    expect(e.page.url()).toContain(`#/tickets/${ticket.id}`)

    await e.page.keyboard.press('Escape')
    await expect.poll(() => e.page.url()).toMatch(/#\/tickets$/)
    await expect.poll(() => e.page.getByText(`工单 ${ticket.number}`).isVisible()).toBe(false)
    await e.page.goBack()
    await e.page.getByText(`工单 ${ticket.number}`).waitFor()
    await e.page.goForward()
    await expect.poll(() => e.page.getByText(`工单 ${ticket.number}`).isVisible()).toBe(false)
    await e.page.goBack()

    // A reload keeps the session (HttpOnly cookie) and the address.
    await e.page.reload()
    await e.page.getByText(`工单 ${ticket.number}`).waitFor()
    expect(await e.page.evaluate(() => document.cookie)).not.toContain('pqa_session')
  })

  it('offers the unit reference answers from the library and an earlier ticket, and starts the answer from one', async () => {
    const page = await e.browser.newPage({ viewport: { width: 1366, height: 768 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' })
    try {
      await page.goto(`${e.server.url}/console/#/tickets/${ticket.id}`)
      await page.getByLabel('用户名').fill('zjw-officer')
      await page.getByLabel('密码', { exact: true }).fill(PASSWORD)
      await page.keyboard.press('Enter')
      const earlier = page.getByTestId('reference-ticket').filter({ hasText: '每年 3 月集中受理' })
      await earlier.waitFor()
      expect(await page.getByTestId('reference-entry').count()).toBeGreaterThan(0)
      await earlier.getByRole('button', { name: '以此为起点' }).click()
      expect(await page.getByLabel('答复内容').inputValue()).toContain('每年 3 月集中受理')
      await screenshot(page, 'unit-references')
    } finally {
      await page.close()
    }
  })

  it('prints a ticket with its history on its own page', async () => {
    await e.page.goto(`${e.server.url}/console/#/tickets/${ticket.id}/print`)
    const sheet = e.page.getByRole('article', { name: '工单打印' })
    await sheet.waitFor()
    expect(await sheet.innerText()).toContain(ticket.number)
    expect(await sheet.innerText()).toContain('办理记录')
    await e.page.emulateMedia({ media: 'print' })
    expect(await e.page.locator('.top').isVisible()).toBe(false)
    await e.page.emulateMedia({ media: 'screen' })
  })

  it('creates a policy document and marks it repealed, with the number of entries that lose force', async () => {
    await e.page.goto(`${e.server.url}/console/#/documents`)
    await e.page.getByRole('button', { name: '新增政策文件' }).click()
    await e.page.getByLabel('文件标题').fill('关于调整公租房租金补贴标准的通知')
    await e.page.getByLabel('文号').fill('测试房发〔2026〕3号')
    await e.page.getByLabel('发文单位').fill('区住房城乡建委')
    await e.page.getByRole('button', { name: '保存' }).click()
    await e.page.getByText('已保存').waitFor()
    await e.page.getByLabel('查找政策文件').fill('测试房发')
    await e.page.keyboard.press('Enter')
    const row = e.page.locator('.el-table__body tr', { hasText: '测试房发〔2026〕3号' })
    await row.waitFor()
    await row.getByRole('button', { name: /标记废止/ }).click()
    await e.page.getByText('以它为依据的 0 条问答', { exact: false }).waitFor()
    await e.page.getByRole('button', { name: '确定废止' }).click()
    await row.getByText('已废止').waitFor()
    const docs = await apiCall<{ items: { docNumber: string; validity: string }[] }>(e.server.url, 'GET', `/policy-documents?q=${encodeURIComponent('测试房发')}`)
    expect(docs.items[0].validity).toBe('repealed')
    await screenshot(e.page, 'office-documents')
  })

  it('draws the trend charts with this month\'s data, and lists the library\'s upkeep', async () => {
    await e.page.goto(`${e.server.url}/console/#/stats`)
    // The office's screens fit the 1366 px the console is laid out for (the menu wraps): no sideways scrolling.
    expect(await e.page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1366)
    const chart = e.page.getByTestId('chart-consultations')
    await chart.locator('canvas').waitFor()
    // Five channels stacked, and the share answered at once.
    await expect.poll(() => chart.getAttribute('data-series')).toBe('6')
    await e.page.getByTestId('chart-units').locator('canvas').waitFor()
    const trends = await apiCall<{ consultations: { total: number[] } }>(e.server.url, 'GET', '/stats/trends')
    expect(trends.consultations.total.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(2)
    await e.page.getByText('按周', { exact: true }).click()
    await e.page.getByText('依据已失效的条目').waitFor()
    await screenshot(e.page, 'office-trends')
  })

  it('prints the ledger on A4 landscape with the office\'s columns', async () => {
    await e.page.goto(`${e.server.url}/console/#/ledger`)
    await e.page.getByRole('button', { name: '打印' }).click()
    const sheet = e.page.getByRole('article', { name: '台账打印' })
    await sheet.locator('tbody tr').first().waitFor()
    const header = await sheet.locator('thead th').allInnerTexts()
    expect(header).toEqual(['序号', '编号', '受理时间', '渠道', '咨询人', '联系电话', '咨询内容', '交办单位', '交办时间', '办理时限', '答复时间', '答复内容', '回复方式', '是否超期', '状态'])
    expect(await sheet.innerText()).toContain(ticket.number)
    expect(await sheet.innerText()).not.toContain('13711112222')
    await e.page.emulateMedia({ media: 'print' })
    expect(await e.page.getByRole('button', { name: '返回台账' }).isVisible()).toBe(false)
    await e.page.emulateMedia({ media: 'screen' })
  })

  it('picks a replied ticket for this month\'s publication, de-identified', async () => {
    await e.page.goto(`${e.server.url}/console/#/publications`)
    await e.page.locator('.el-table__body tr', { hasText: earlierNumber }).first().waitFor()
    await e.page.locator('.el-table__body tr', { hasText: earlierNumber }).first().locator('.el-checkbox').click()
    await e.page.getByRole('button', { name: /选入公开清单/ }).click()
    await e.page.getByText('已选入，摘要与答复已去标识化').waitFor()
    const month = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 7)
    const list = await apiCall<{ items: { unitName: string; answer: string }[] }>(e.server.url, 'GET', `/publications/${month}`)
    expect(list.items.map((i) => i.answer)).toContain('公租房租金补贴面向本区户籍低收入住房困难家庭，每年 3 月集中受理。')
  })

  it('registers an integration (credentials shown once), rotates its secret and redelivers an event', async () => {
    await e.page.goto(`${e.server.url}/console/#/integrations`)
    await e.page.getByLabel('接入系统名称').fill('区政府网站公开信箱')
    await e.page.getByRole('button', { name: '新建接入系统' }).click()
    const token = await e.page.getByTestId('issued-integration-token').innerText()
    expect(token).toMatch(/^pqa_/)
    // The mailbox sends a letter, and polls twice: the second poll marks the first batch delivered.
    await apiCall(e.server.url, 'POST', '/consultations', { channel: 'mailbox', question: '渝兴区育儿补贴什么时候发放', externalId: 'MB-E2E-1', openTicket: true, unitCode: 'wjw' }, token)
    const first = await apiCall<{ nextCursor: string }>(e.server.url, 'GET', '/events', undefined, token)
    await apiCall(e.server.url, 'GET', `/events?after=${first.nextCursor}`, undefined, token)

    const row = e.page.locator('.el-table__body tr', { hasText: '区政府网站公开信箱' }).first()
    await row.getByRole('button', { name: /更换.*签名密钥/ }).click()
    await e.page.getByRole('button', { name: '更换', exact: true }).click()
    await e.page.getByText('已更换“区政府网站公开信箱”的签名密钥').waitFor()

    await row.getByRole('button', { name: '事件' }).click()
    const event = e.page.locator('.el-table__body tr', { hasText: 'MB-E2E-1' }).first()
    await event.getByText('已送达').waitFor()
    await event.getByRole('button', { name: /重新投递/ }).click()
    await e.page.getByText('已重新排队投递').waitFor()
    await event.getByText('待投递').waitFor()
    await screenshot(e.page, 'office-integrations')
  })

  it('shows sign-ins in the audit log', async () => {
    await e.page.goto(`${e.server.url}/console/#/audit`)
    await e.page.getByRole('combobox', { name: '操作' }).click()
    await e.page.getByRole('option', { name: '登录（signIn）' }).click()
    await e.page.locator('.el-table__body tr', { hasText: '督办办公室 李明' }).first().waitFor()
    await screenshot(e.page, 'office-audit')
  })

  it('signs out, and locks an account after five wrong passwords', async () => {
    await e.page.getByRole('button', { name: '退出' }).click()
    await e.page.getByLabel('用户名').waitFor()
    await e.page.reload()
    await e.page.getByLabel('用户名').waitFor()
    for (let i = 0; i < 5; i++) {
      await e.page.getByLabel('用户名').fill('zuoxi9')
      await e.page.getByLabel('密码', { exact: true }).fill(`wrong-password-${i}`)
      await e.page.getByRole('button', { name: '登录', exact: true }).click()
      await e.page.getByText(i < 4 ? '用户名或密码不正确' : '账号已暂时锁定').waitFor()
    }
    await e.page.getByLabel('密码', { exact: true }).fill(PASSWORD)
    await e.page.getByRole('button', { name: '登录', exact: true }).click()
    await e.page.getByText('账号已暂时锁定').waitFor()
    expect(await e.page.getByRole('button', { name: '退出' }).count()).toBe(0)
  })
})
