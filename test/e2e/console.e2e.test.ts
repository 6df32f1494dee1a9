import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { browserAvailable, screenshot, signIn, startE2E, E2E_ADMIN, type E2E } from './browser.ts'

describe.skipIf(!browserAvailable)('web console in Chromium', () => {
  let e: E2E
  beforeAll(async () => { e = await startE2E() }, 120_000)
  afterAll(async () => { await e?.close() })

  it('signs in with a token and shows the office menu', async () => {
    await signIn(e.page, e.server.url, E2E_ADMIN)
    expect(await e.page.getByText('督办办公室').count()).toBeGreaterThan(0)
    await screenshot(e.page, 'office')
  })

  it('refuses a wrong token with a Chinese message', async () => {
    await e.page.getByRole('button', { name: '退出' }).click()
    await e.page.getByLabel('访问令牌').fill('wrong-token')
    await e.page.keyboard.press('Enter')
    await e.page.getByText('令牌无效或已被吊销').waitFor()
  })
})
