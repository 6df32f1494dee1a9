import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { apiCall, browserAvailable, screenshot, startE2E, type E2E } from './browser.ts'
import { accessibilityViolations } from './a11y.ts'

interface Entry { id: number; question: string; inForce: boolean; topic: { code: string } | null }

const PHONE = { width: 390, height: 844 }
const DESKTOP = { width: 1366, height: 768 }

describe.skipIf(!browserAvailable)('public 政策问答 pages in Chromium', () => {
  let e: E2E
  const visited: string[] = []
  beforeAll(async () => {
    // The portal answers at once at a pinned threshold: the demo library's calibration never reaches the automatic level.
    e = await startE2E({ AUTO_ANSWER_CHANNELS: 'portal', MATCH_THRESHOLD: '0.6', PORTAL_DISTRICT_NAME: '渝兴区', PORTAL_CONTACT: '政策咨询热线 023-12345（工作日 9:00–17:00）' })
    await e.page.context().clearCookies()
  }, 120_000)
  afterAll(async () => { await e?.close() })

  const page = () => e.page
  /** No serious or critical accessibility violations on the page as it stands. */
  async function accessible() {
    const found = await accessibilityViolations(page())
    visited.push(new URL(page().url()).pathname)
    expect(found, `${page().url()}\n${found.map((v) => `${v.rule} ${v.target}: ${v.detail}`).join('\n')}`).toEqual([])
  }

  it('has an accessibility check that finds unlabeled controls, skipped headings and low contrast', async () => {
    await page().setContent(`<html><head><title>t</title></head><body><main><h1>a</h1><h3>b</h3>
      <input type="text"><p style="color:#aaa;background:#fff">浅色文字</p><button></button></main></body></html>`)
    const rules = new Set((await accessibilityViolations(page())).map((v) => v.rule))
    // axe-core reports a skipped heading level as moderate (not counted); the built-in checks count it.
    expect([...rules].sort()).toEqual(expect.arrayContaining(['button-name', 'color-contrast', 'html-has-lang', 'label']))
  })

  it('searches with suggestions while typing, answers at once, and takes the feedback', async () => {
    await page().setViewportSize(PHONE)
    const { items: [entry] } = await apiCall<{ items: Entry[] }>(e.server.url, 'GET', '/entries?status=published&inForce=true&q=灵活就业&pageSize=1')
    await page().goto(`${e.server.url}/`)
    expect(await page().title()).toBe('渝兴区政策问答')
    await accessible()
    await screenshot(page(), 'portal-home-phone')

    const box = page().getByRole('combobox', { name: '输入您想了解的政策问题' })
    await box.pressSequentially(entry!.question.slice(0, 6), { delay: 40 })
    const options = page().getByRole('option')
    await options.first().waitFor()
    expect(await box.getAttribute('aria-expanded')).toBe('true')
    await accessible()
    await box.press('Escape')
    expect(await box.getAttribute('aria-expanded')).toBe('false')
    await box.fill(entry!.question)
    await page().getByRole('button', { name: '搜索', exact: true }).click()
    const answer = page().locator('.answer-top')
    await answer.waitFor()
    expect(await answer.getByRole('link').first().innerText()).toBe(entry!.question)
    await accessible()
    await screenshot(page(), 'portal-search-phone')

    await page().getByRole('button', { name: '是，已解答' }).click()
    await page().getByRole('heading', { name: '感谢您的反馈' }).waitFor()
    const feedback = await apiCall(e.server.url, 'GET', `/answer-feedback?entryId=${entry!.id}`)
    expect(feedback).toMatchObject({ total: 1, items: [{ verdict: 'helpful', query: entry!.question, channel: 'portal' }] })
  })

  it('asks when nothing fits, gives a number and a code, and shows the reply once the unit has answered', async () => {
    await page().goto(`${e.server.url}/search?q=${encodeURIComponent('宠物狗走失了去哪里登记寻找')}`)
    await page().getByText('没有找到确定的答复').waitFor()
    expect(await page().locator('.answer-top').count()).toBe(0)
    await page().getByRole('link', { name: '向我们提问' }).first().click()
    expect(await page().getByLabel('您的问题（必填）').inputValue()).toBe('宠物狗走失了去哪里登记寻找')
    await accessible()
    await page().getByLabel('您的问题（必填）').fill('宠物狗走失了去哪里登记寻找？有没有统一的寻宠平台？')
    await page().getByLabel('姓名或称呼').fill('陈阿姨')
    await page().getByLabel('联系电话').fill('13600001234')
    await page().getByLabel('短信').check()
    await page().getByRole('button', { name: '提交问题' }).click()
    await page().getByRole('heading', { name: '您的问题已受理' }).waitFor()
    const number = (await page().locator('.number').innerText()).trim()
    const code = (await page().locator('.code-value').innerText()).trim()
    expect(number).toMatch(/^ZX\d{8}-\d{4}$/)
    expect(code).toMatch(/^[A-Z0-9]{4}-[A-Z0-9]{4}$/)
    await accessible()
    await screenshot(page(), 'portal-receipt-phone')

    // The office and the unit work the ticket in the console (here through the API).
    const { items: [t] } = await apiCall(e.server.url, 'GET', `/tickets?q=${number}`)
    expect(t.channel).toBe('portal')
    if (t.status === 'registered') await apiCall(e.server.url, 'POST', `/tickets/${t.id}/assign`, { unitCode: 'zwb' })
    await apiCall(e.server.url, 'POST', `/tickets/${t.id}/answer`, { answer: '陈阿姨您好：可在“渝兴区宠物服务”平台登记走失信息，也可到所在镇街派出所报备。' })

    await page().locator('main').getByRole('link', { name: '查询办理进度' }).click()
    expect(await page().getByLabel('编号').inputValue()).toBe(number)
    await page().getByLabel('查询码').fill(code.toLowerCase())
    await page().getByRole('button', { name: '查询' }).click()
    await page().getByRole('heading', { name: '答复内容' }).waitFor()
    const body = await page().locator('main').innerText()
    expect(body).toContain('可在“渝兴区宠物服务”平台登记走失信息')
    expect(body).not.toContain('陈阿姨')
    expect(body).not.toContain('13600001234')
    await accessible()
    await page().setViewportSize(DESKTOP)
    await screenshot(page(), 'portal-follow-desktop')

    // A month's list holds the tickets received in that month and is public once the month is over:
    // publish a replied ticket of October 2025 (the office does so on the API or the console), then read it publicly.
    await apiCall(e.server.url, 'POST', `/tickets/${t.id}/reply`, { method: 'sms' })
    const { ticket: october } = await apiCall(e.server.url, 'POST', '/consultations', {
      channel: 'hotline', question: '养犬登记需要带哪些材料？', receivedAt: '2025-10-09T10:00:00+08:00', unitCode: 'rsj', openTicket: true,
      asker: { name: '陈阿姨', phone: '13600001234' },
    })
    await apiCall(e.server.url, 'POST', `/tickets/${october.id}/answer`, { answer: '陈阿姨您好：携带身份证、犬只免疫证明到所在镇街办理养犬登记。' })
    await apiCall(e.server.url, 'POST', `/tickets/${october.id}/reply`, { method: 'phone', repliedAt: '2025-10-11T10:00:00+08:00' })
    await apiCall(e.server.url, 'POST', '/publications/2025-10', { ticketIds: [october.id] })
    await page().goto(`${e.server.url}/replies`)
    await page().getByRole('link', { name: '2025年10月' }).click()
    await page().getByRole('heading', { name: '2025年10月答复公开' }).waitFor()
    expect(await page().locator('main').innerText()).toContain('答复部门')
    expect(await page().locator('main').innerText()).toContain('犬只免疫证明')
    expect(await page().locator('main').innerText()).not.toContain('陈阿姨')
    await accessible()
    await screenshot(page(), 'portal-replies-desktop')
  })

  it('browses a topic, opens an entry, a lapsed one, and sends a suggestion on a policy document', async () => {
    await page().setViewportSize(DESKTOP)
    await page().goto(`${e.server.url}/topics`)
    await accessible()
    await page().locator('.topic h2 a').first().click()
    await page().locator('ol.entries a').first().click()
    await page().getByRole('heading', { name: '答复', exact: true }).waitFor()
    expect(await page().getByText('答复单位').count()).toBeGreaterThan(0)
    await accessible()
    await screenshot(page(), 'portal-entry-desktop')

    const { items: [lapsed] } = await apiCall<{ items: Entry[] }>(e.server.url, 'GET', '/entries?status=published&inForce=false&pageSize=1')
    await page().goto(`${e.server.url}/qa/${lapsed!.id}`)
    await page().getByText('政策已失效', { exact: true }).waitFor()
    await accessible()

    await page().goto(`${e.server.url}/qa/${(await apiCall<{ items: Entry[] }>(e.server.url, 'GET', '/entries?status=published&inForce=true&q=创业&pageSize=1')).items[0]!.id}`)
    await page().locator('.docs a').first().click()
    await page().getByRole('heading', { name: '对这份文件提出意见建议' }).waitFor()
    await page().getByLabel('您的意见建议（必填）').fill('建议把补贴申请材料的清单放到办事指南首页，方便查找。')
    await page().getByRole('button', { name: '提交建议' }).click()
    await page().getByRole('heading', { name: '您的建议已受理' }).waitFor()
    await accessible()
    await screenshot(page(), 'portal-document-desktop')
  })

  it('keeps a large-type, high-contrast mode across pages and works from the keyboard', async () => {
    await page().setViewportSize(PHONE)
    await page().goto(`${e.server.url}/`)
    await page().keyboard.press('Tab')
    expect(await page().evaluate(() => document.activeElement?.textContent)).toBe('跳到主要内容')
    await page().getByRole('button', { name: '大字模式' }).click()
    await page().waitForSelector('html.large')
    await page().goto(`${e.server.url}/topics`)
    expect(await page().evaluate(() => document.documentElement.className)).toBe('large')
    expect(await page().evaluate(() => getComputedStyle(document.documentElement).fontSize)).toBe('22px')
    await accessible()
    await page().goto(`${e.server.url}/`)
    await screenshot(page(), 'portal-large-phone')
    await page().getByRole('button', { name: '标准字号' }).click()
    await page().waitForSelector('html:not(.large)')
    expect(new Set(visited).size).toBeGreaterThanOrEqual(9)
  })
})
