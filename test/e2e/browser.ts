// Headless Debian Chromium driven by playwright-core, against the real server in a child process.
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium, type Browser, type Page } from 'playwright-core'
import { startServer, type RunningServer } from '../../bench/server.ts'

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
/** In CI the browser is installed by .ci/run, so its absence is a failure there; elsewhere the tests are skipped. */
export const browserAvailable = existsSync(CHROMIUM) || process.env.CI === 'true'
/** `SCREENSHOTS=update` refreshes the README's pictures; otherwise they go to the test's temporary folder, so a test run leaves the tree clean. */
export const SCREENSHOTS = process.env.SCREENSHOTS === 'update' ? fileURLToPath(new URL('../../docs/screens/', import.meta.url)) : null
export const E2E_ADMIN = 'e2e-admin-token-0123456789abc'

export interface E2E { server: RunningServer; browser: Browser; page: Page; dir: string; close(): Promise<void> }

let screenshotDir = ''

export async function startE2E(env: Record<string, string> = {}): Promise<E2E> {
  const dir = mkdtempSync(join(tmpdir(), 'qa-e2e-'))
  screenshotDir = SCREENSHOTS ?? join(dir, 'screens')
  // The server (migrations, demo data, search index) and Chromium start side by side.
  const [server, browser] = await Promise.all([
    startServer(join(dir, 'e2e.sqlite'), E2E_ADMIN, null, { SEED_DEMO: '1', AUTO_ANSWER_CHANNELS: 'none', ...env }),
    chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    }),
  ])
  const page = await browser.newPage({ viewport: { width: 1366, height: 768 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' })
  // Fail with the locator that did not appear, well before vitest's own timeout.
  page.setDefaultTimeout(10_000)
  return {
    server, browser, page, dir,
    async close() {
      await browser.close()
      await server.stop()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

/** Signs in with an access token (the console's second way in; people use accounts: signInWithAccount). */
export async function signIn(page: Page, baseUrl: string, token: string) {
  await page.goto(`${baseUrl}/console/`)
  await page.evaluate(() => sessionStorage.clear())
  await page.context().clearCookies()
  await page.goto(`${baseUrl}/console/`)
  await page.getByRole('button', { name: '使用访问令牌登录' }).click()
  await page.getByLabel('访问令牌').fill(token)
  await page.keyboard.press('Enter')
  await page.getByRole('button', { name: '退出' }).waitFor()
}

/** Signs in with a user name and password on whatever console address the page is at. */
export async function signInWithAccount(page: Page, username: string, password: string) {
  await page.getByLabel('用户名').fill(username)
  await page.getByLabel('密码', { exact: true }).fill(password)
  await page.keyboard.press('Enter')
  await page.getByRole('button', { name: '退出' }).waitFor()
}

export async function screenshot(page: Page, name: string) {
  mkdirSync(screenshotDir, { recursive: true })
  // Not mid-load: Element Plus's v-loading mask greys the screen while a call is in flight.
  await page.locator('.el-loading-mask:visible').first().waitFor({ state: 'detached', timeout: 5000 }).catch(() => {})
  await page.waitForTimeout(300)
  // Toasts from the step before would cover the screen being shown.
  const hide = await page.addStyleTag({ content: '.el-message { visibility: hidden !important; }' })
  await page.screenshot({ path: join(screenshotDir, `${name}.png`), fullPage: false })
  await hide.evaluate((el) => (el as Element).remove())
}

/** Calls the API directly, to set up a test's data or to check what the screen did. */
export async function apiCall<T = any>(baseUrl: string, method: string, path: string, body?: unknown, token = E2E_ADMIN): Promise<T> {
  const res = await fetch(`${baseUrl}/api/v1${path}`, {
    method, headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  const text = await res.text()
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`)
  return (text ? JSON.parse(text) : undefined) as T
}

export async function createToken(baseUrl: string, body: Record<string, unknown>): Promise<string> {
  const res = await fetch(`${baseUrl}/api/v1/tokens`, {
    method: 'POST', headers: { authorization: `Bearer ${E2E_ADMIN}`, 'content-type': 'application/json' }, body: JSON.stringify(body),
  })
  if (res.status !== 201) throw new Error(`token: ${res.status} ${await res.text()}`)
  return ((await res.json()) as { token: string }).token
}
