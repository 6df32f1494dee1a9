import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { apiCall, browserAvailable, createToken, screenshot, signIn, startE2E, type E2E } from './browser.ts'

interface Entry { id: number; question: string; answer: string; similarQuestions: string[]; workingVersion: { version: number; state: string; reviewStep: number | null } | null }

describe.skipIf(!browserAvailable)('reviewer in Chromium', () => {
  let e: E2E
  let unit: string
  let page = 1

  /** The unit revises one of its published entries and sends the new version to review. */
  async function revise(change: (entry: Entry) => Record<string, unknown>): Promise<Entry> {
    const { items: [entry] } = await apiCall<{ items: Entry[] }>(e.server.url, 'GET', `/entries?unit=rsj&status=published&pageSize=1&page=${page++}`)
    await apiCall(e.server.url, 'PATCH', `/entries/${entry.id}`, { ...change(entry), changeNote: '补充线上办理渠道' }, unit)
    await apiCall(e.server.url, 'POST', `/entries/${entry.id}/submit`, {}, unit)
    return entry
  }
  const item = (question: string) => e.page.locator('button.item', { hasText: question })

  beforeAll(async () => {
    e = await startE2E()
    unit = await createToken(e.server.url, { name: '人社局政策解读专员', role: 'unit', unitCode: 'rsj' })
    const reviewer = await createToken(e.server.url, { name: '区政府办公室初审员', role: 'reviewer', reviewStep: 0 })
    await signIn(e.page, e.server.url, reviewer)
  }, 120_000)
  afterAll(async () => { await e?.close() })

  it('shows the change against the published version and approves it to the next step', async () => {
    const entry = await revise((x) => ({ answer: `${x.answer}也可在“渝快办”平台线上办理。`, similarQuestions: [...x.similarQuestions, '这个能在网上办吗'] }))
    await e.page.getByRole('button', { name: '刷新' }).click()
    await item(entry.question).click()
    await expect.poll(() => e.page.locator('.detail h2').innerText()).toBe(entry.question)
    expect(await e.page.locator('.detail ins').allInnerTexts()).toContain('也可在“渝快办”平台线上办理。')
    expect(await e.page.locator('.detail li.add').allInnerTexts()).toEqual([expect.stringContaining('这个能在网上办吗')])
    await screenshot(e.page, 'review')

    await e.page.getByRole('button', { name: '通过' }).click()
    await expect.poll(async () => (await apiCall<Entry>(e.server.url, 'GET', `/entries/${entry.id}`)).workingVersion?.reviewStep).toBe(1)
    await item(entry.question).waitFor({ state: 'detached' })
  })

  it('returns a version to the unit only with a comment', async () => {
    const entry = await revise((x) => ({ answer: x.answer.replace(/。/, '，具体以窗口答复为准。') }))
    await e.page.getByRole('button', { name: '刷新' }).click()
    await item(entry.question).click()
    await e.page.getByRole('button', { name: '退回单位' }).click()
    await e.page.getByText('退回须填写审核意见').waitFor()
    await e.page.getByLabel('审核意见').fill('“以窗口答复为准”过于笼统，请写明办理窗口和所需材料。')
    await e.page.getByRole('button', { name: '退回单位' }).click()
    await expect.poll(async () => (await apiCall<Entry>(e.server.url, 'GET', `/entries/${entry.id}`)).workingVersion?.state).toBe('returned')
    const { items } = await apiCall(e.server.url, 'GET', `/entries/${entry.id}/versions`)
    const trail = items.flatMap((v: { trail: { action: string; comment: string | null }[] }) => v.trail)
    expect(trail).toContainEqual(expect.objectContaining({ action: 'return', comment: '“以窗口答复为准”过于笼统，请写明办理窗口和所需材料。' }))
  })
})
