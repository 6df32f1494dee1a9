import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { apiCall, browserAvailable, createToken, screenshot, signIn, startE2E, type E2E } from './browser.ts'

interface Entry { id: number; question: string; inForce: boolean }

describe.skipIf(!browserAvailable)('agent desk in Chromium', () => {
  let e: E2E
  let agent: string
  beforeAll(async () => {
    e = await startE2E()
    agent = await createToken(e.server.url, { name: '12345 热线坐席 8 号', role: 'agent' })
  }, 120_000)
  afterAll(async () => { await e?.close() })

  const search = () => e.page.getByRole('combobox', { name: '来电咨询内容' })
  const selectedQuestion = () => e.page.locator('[role="option"][aria-selected="true"] .q').innerText()

  /** Esc is the agent's "next caller": it clears the question, the caller's details and what was recorded. */
  async function nextCall() {
    await e.page.keyboard.press('Escape')
    await expect.poll(() => search().inputValue()).toBe('')
  }

  it('answers at once: candidates appear while typing, the arrows move between them and Enter records the consultation', async () => {
    const { items: [entry] } = await apiCall<{ items: Entry[] }>(e.server.url, 'GET', '/entries?status=published&inForce=true&q=灵活就业&pageSize=1')
    await signIn(e.page, e.server.url, agent)
    await search().pressSequentially(entry.question, { delay: 15 })
    await e.page.locator('#cand-0').waitFor()
    // Candidates for a part of the question may show first: wait for those of the whole question.
    await expect.poll(() => e.page.locator('#cand-0 mark.hl').count()).toBeGreaterThan(0)
    await expect.poll(() => e.page.locator('#cand-0').innerText()).toMatch(/依据：/)

    await e.page.keyboard.press('ArrowDown')
    await expect.poll(() => e.page.locator('#cand-1').getAttribute('aria-selected')).toBe('true')
    await e.page.keyboard.press('ArrowUp')
    await expect.poll(() => e.page.locator('#cand-0').getAttribute('aria-selected')).toBe('true')
    const chosen = await selectedQuestion()
    expect(chosen).toBe(entry.question)
    await screenshot(e.page, 'agent')

    await e.page.keyboard.press('Enter')
    // The agent reads the entry's question, not internal ids.
    const done = e.page.getByText(`已记录：按“${entry.question}”答复`)
    await done.waitFor()
    expect(await done.innerText()).not.toMatch(/#\d+|登记号/)
    const { items: [recorded] } = await apiCall(e.server.url, 'GET', '/consultations?pageSize=1')
    expect(recorded).toMatchObject({ outcome: 'answered', answeredEntryId: entry.id, channel: 'hotline' })
    await nextCall()
  })

  it('opens a ticket when none fits: Alt+N pre-fills the form, Ctrl+Enter registers it and the due date is explained', async () => {
    const question = '我家小区门口的路灯坏了好几天了，应该找哪个部门来修'
    await search().fill(question)
    await e.page.getByLabel('来电人').fill('刘晓梅')
    await e.page.getByLabel('联系电话').fill('13900001234')
    await search().focus()
    await e.page.keyboard.press('Alt+KeyN')
    const dialog = e.page.getByRole('dialog', { name: '都不合适：登记台账并交办' })
    await dialog.waitFor()
    expect(await dialog.getByLabel('咨询内容').inputValue()).toBe(question)
    expect(await dialog.getByLabel('咨询人姓名').inputValue()).toBe('刘晓梅')
    expect(await dialog.getByLabel('联系电话').inputValue()).toBe('13900001234')
    await e.page.keyboard.press('Control+Enter')

    const number = e.page.getByTestId('ticket-number')
    await number.waitFor()
    expect(await number.innerText()).toMatch(/^ZX\d{8}-\d{4}$/)
    const reason = await e.page.getByTestId('due-reason').innerText()
    expect(reason).toMatch(/受理当日 \d{4}-\d{2}-\d{2}（周.）不计/)
    await screenshot(e.page, 'agent-ticket')

    const { items: [ticket] } = await apiCall(e.server.url, 'GET', `/tickets?q=${await number.innerText()}`)
    expect(ticket.question).toBe(question)
    const dueShown = await e.page.getByTestId('ticket-due').innerText()
    const dueDay = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date(ticket.dueAt))
    expect(dueShown.startsWith(dueDay)).toBe(true)
    const full = await apiCall(e.server.url, 'GET', `/tickets/${ticket.id}`, undefined, agent)
    expect(full.asker).toMatchObject({ name: '刘晓梅', phone: '13900001234' })
    await nextCall()
  })

  it('warns before an answer that rests on a repealed or expired policy', async () => {
    const { items: [stale] } = await apiCall<{ items: Entry[] }>(e.server.url, 'GET', '/entries?status=published&inForce=false&pageSize=1')
    await search().fill(stale.question)
    const card = e.page.locator('[role="option"]', { hasText: stale.question }).first()
    await card.waitFor()
    expect(await card.innerText()).toContain('所依据的政策已失效或废止')
    // Never a green "high" tag, and no answering from it, however close the wording.
    expect(await card.locator('.el-tag').first().innerText()).toMatch(/^依据失效/)
    await card.click()
    expect(await card.getByRole('button', { name: /依据失效，不能答复/ }).isDisabled()).toBe(true)
    await nextCall()
  })

  it('says which typed characters it read by their sound', async () => {
    await search().fill('城乡居民养老保险咋交废')
    await e.page.locator('#cand-0').waitFor()
    await expect.poll(() => e.page.getByRole('note').innerText()).toMatch(/已按读音纠正：“交废”按“(交费|缴费)”匹配/)
    await nextCall()
    expect(await e.page.getByRole('note').count()).toBe(0)
  })

  it('lists the candidates in the order of the confidence it shows', async () => {
    await search().fill('失业保险金怎么领')
    await e.page.locator('#cand-1').waitFor()
    const shown = await e.page.locator('[role="option"] .head .el-tag').allInnerTexts()
    const percents = shown.map((t) => Number(/(\d+)%/.exec(t)?.[1] ?? 0))
    expect(percents).toEqual([...percents].sort((a, b) => b - a))
    await nextCall()
  })
})
