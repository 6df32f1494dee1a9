// Webhook URLs that would make the server call into its own network, and receivers that answer
// with more than the dispatcher should read. Each case was accepted (or read in full) before.
import { createServer, type Server } from 'node:http'
import { Writable } from 'node:stream'
import pino from 'pino'
import { eq } from 'drizzle-orm'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../../test/app.testkit.ts'
import { testConfig } from '../config.ts'
import { first } from '../db/query.ts'
import { eventDeliveries, integrations, outboxEvents } from './integrations.table.ts'
import { createDispatcher } from './integrations.dispatcher.ts'
import { createAddressPolicy } from './integrations.address.ts'
import { createWebhookTransport, MAX_ANSWER_BYTES } from './integrations.transport.ts'
import { loopbackWebhook, openTicket, startReceiver, type Receiver } from './integrations.testkit.ts'

describe('webhook URLs at registration', () => {
  let t: TestApp
  beforeEach(async () => { t = await createTestApp() })
  afterEach(async () => { await t.close() })

  const register = (webhookUrl: string) => t.call({ method: 'POST', url: '/api/v1/integrations', payload: { name: '信箱', webhookUrl } })

  it.each([
    'http://169.254.169.254/latest/meta-data/', 'http://127.0.0.1:3000/hook', 'http://[::1]:3000/', 'http://0x7f000001/',
    'http://localhost:3000/api/v1/tokens', 'http://[::ffff:127.0.0.1]/', 'http://10.0.0.8/qa', 'http://0.0.0.0:3000/',
  ])('refuses %s with WEBHOOK_URL_REFUSED instead of registering it', async (url) => {
    const res = await register(url)
    expect(res.statusCode).toBe(400)
    expect(res.json()).toMatchObject({ code: 'WEBHOOK_URL_REFUSED', details: [{ field: 'webhookUrl', message: expect.stringContaining('WEBHOOK_ALLOWED_HOSTS') }] })
  })

  it('refuses a URL carrying credentials, without echoing them', async () => {
    const res = await register('https://mailbox:s3cr3t-pw@hooks.example.org/qa')
    expect(res.statusCode).toBe(400)
    expect(res.json()).toMatchObject({ code: 'WEBHOOK_URL_CREDENTIALS', details: [{ field: 'webhookUrl' }] })
    expect(res.body).not.toContain('s3cr3t-pw')
  })

  it('refuses a loopback URL when an integration is updated', async () => {
    const id = (await register('https://hooks.example.org/qa')).json().id
    const res = await t.call({ method: 'PATCH', url: `/api/v1/integrations/${id}`, payload: { webhookUrl: 'http://2130706433:3000/' } })
    expect(res.json()).toMatchObject({ code: 'WEBHOOK_URL_REFUSED', details: [{ field: 'webhookUrl' }] })
  })

  it('registers a loopback receiver that WEBHOOK_ALLOWED_HOSTS lists', async () => {
    await t.close()
    t = await createTestApp({ webhook: loopbackWebhook() })
    expect((await register('http://127.0.0.1:3000/hook')).statusCode).toBe(201)
  })
})

describe('webhook delivery', () => {
  let t: TestApp
  let receiver: Receiver
  const logLines: string[] = []
  const log = pino({ level: 'info' }, new Writable({ write(chunk, _enc, done) { logLines.push(String(chunk)); done() } }))

  beforeEach(async () => {
    logLines.length = 0
    t = await createTestApp()
    receiver = await startReceiver()
  })
  afterEach(async () => {
    await t.close()
    await receiver.close()
  })

  /** An integration whose URL was stored before registration checked it (or by hand in the table). */
  async function storedIntegration(webhookUrl: string) {
    const token = await t.app.services.auth.createToken({ name: '接入系统：旧登记', role: 'integration' })
    const [row] = await t.app.services.db.insert(integrations).values({ name: '旧登记', webhookUrl, tokenId: token.id, secret: 'whsec_test' }).returning()
    await openTicket(t.app.services, { registeredBy: token.id })
    return row
  }
  const dispatcher = (webhook = testConfig().webhook) => createDispatcher({ db: t.app.services.db, webhook, log })

  it('refuses at delivery a loopback URL stored before the check, and posts nothing', async () => {
    await storedIntegration(receiver.url)
    expect(await t.app.services.integrations.dispatchDue()).toMatchObject({ attempted: 1, failed: 1 })
    expect(receiver.received).toHaveLength(0)
    const [event] = await t.app.services.db.select().from(outboxEvents)
    expect(event!.lastError).toContain('拒绝投递')
  })

  it('refuses at delivery a name that resolves to loopback, and connects to the checked address when allowed', async () => {
    await storedIntegration(receiver.url.replace('127.0.0.1', 'receiver.internal.test'))
    const resolve = (host: string, cb: (err: null, a: { address: string; family: number }[]) => void) =>
      queueMicrotask(() => cb(null, host === 'receiver.internal.test' ? [{ address: '127.0.0.1', family: 4 }] : []))
    const refusing = createDispatcher({ db: t.app.services.db, webhook: testConfig().webhook, log, transport: createWebhookTransport({ policy: createAddressPolicy([], resolve), timeoutMs: 2000 }) })
    expect(await refusing.dispatchDue()).toMatchObject({ failed: 1 })
    expect(receiver.received).toHaveLength(0)
    expect((await first(t.app.services.db.select().from(outboxEvents)))!.lastError).toContain('127.0.0.1')
    await refusing.stop()

    // The name does not exist in any real DNS: a delivery proves the socket went to the address the policy checked.
    const allowing = createDispatcher({ db: t.app.services.db, webhook: testConfig().webhook, log, transport: createWebhookTransport({ policy: createAddressPolicy(['127.0.0.0/8'], resolve), timeoutMs: 2000 }) })
    expect(await allowing.dispatchDue(new Date(Date.now() + 3600_000))).toMatchObject({ delivered: 1 })
    expect(receiver.received).toHaveLength(1)
    await allowing.stop()
  })

  it('refuses a stored URL with credentials and never writes them to the log or the delivery record', async () => {
    await storedIntegration(receiver.url.replace('http://', 'http://mailbox:s3cr3t-pw@'))
    const d = dispatcher(loopbackWebhook())
    expect(await d.dispatchDue()).toMatchObject({ failed: 1 })
    await d.stop()
    expect(receiver.received).toHaveLength(0)
    const delivery = (await first(t.app.services.db.select().from(eventDeliveries)))!
    const event = (await first(t.app.services.db.select().from(outboxEvents)))!
    expect(event.lastError).toContain('用户名或密码')
    for (const text of [delivery.url, delivery.error ?? '', event.lastError ?? '', ...logLines]) expect(text).not.toContain('s3cr3t-pw')
    expect(logLines.join('')).toContain('webhook delivery failed')
  })
})

describe('a receiver answering with a huge body', () => {
  let server: Server
  let port: number
  let finished: boolean
  let t: TestApp
  const BODY_CHUNK = Buffer.alloc(64 * 1024, 'x')
  const BODY_CHUNKS = 1024 // 64 MiB, far more than any socket buffer holds

  beforeEach(async () => {
    finished = false
    server = createServer((req, res) => {
      req.resume()
      res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' })
      res.write('出错了 token: pqa_leakedSecret123 手机 13812345678 \u001b[31m\r\n')
      let sent = 0
      const pump = () => {
        while (sent < BODY_CHUNKS) {
          sent++
          if (!res.write(BODY_CHUNK)) return res.once('drain', pump)
        }
        finished = true
        res.end()
      }
      res.on('close', () => res.removeAllListeners('drain'))
      pump()
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    port = (server.address() as { port: number }).port
    t = await createTestApp({ webhook: loopbackWebhook() })
  })
  afterEach(async () => {
    await t.close()
    server.closeAllConnections()
    await new Promise((resolve) => server.close(resolve))
  })

  it(`reads at most ${MAX_ANSWER_BYTES} bytes and keeps only the status and a short scrubbed excerpt`, async () => {
    const reg = (await t.call({ method: 'POST', url: '/api/v1/integrations', payload: { name: '信箱', webhookUrl: `http://127.0.0.1:${port}/hook` } })).json()
    await openTicket(t.app.services, { registeredBy: reg.token.id })
    expect(await t.app.services.integrations.dispatchDue()).toMatchObject({ failed: 1 })
    expect(finished).toBe(false)
    const event = (await first(t.app.services.db.select().from(outboxEvents).where(eq(outboxEvents.integrationId, reg.id))))!
    const delivery = (await first(t.app.services.db.select().from(eventDeliveries)))!
    for (const text of [event.lastError!, delivery.error!]) {
      expect(text).toMatch(/^HTTP 500：出错了 token: \[已隐去\] 手机 \[数字\] x+…$/)
      expect([...text].length).toBeLessThanOrEqual(220)
      expect(text).not.toMatch(/[\u0000-\u001f]/)
    }
  })
})
