import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { eq } from 'drizzle-orm'
import { createTestApp, type TestApp } from '../../test/app.testkit.ts'
import { outboxEvents } from './integrations.table.ts'
import { openTicket } from './integrations.testkit.ts'

describe('integrations admin API', () => {
  let t: TestApp
  beforeEach(async () => { t = await createTestApp() })
  afterEach(async () => { await t.close() })

  const register = async (payload: Record<string, unknown> = { name: '区政府网站公开信箱', webhookUrl: 'https://www.example.gov.cn/hooks/qa' }) =>
    t.call({ method: 'POST', url: '/api/v1/integrations', payload })

  it('registers an integration and shows its token and secret only once', async () => {
    const res = await register()
    expect(res.statusCode).toBe(201)
    const body = res.json()
    expect(body).toMatchObject({ name: '区政府网站公开信箱', webhookUrl: 'https://www.example.gov.cn/hooks/qa', active: true, events: { pending: 0, delivered: 0, dead: 0 } })
    expect(body.credentials.secret).toMatch(/^whsec_/)
    expect(body.credentials.token).toMatch(/^pqa_/)

    const me = await t.call({ method: 'GET', url: '/api/v1/me', token: body.credentials.token })
    expect(me.json()).toMatchObject({ role: 'integration', id: body.token.id })

    const list = await t.call({ method: 'GET', url: '/api/v1/integrations' })
    expect(list.json().items).toHaveLength(1)
    expect(list.body).not.toContain(body.credentials.secret)
    expect(list.json().items[0].credentials).toBeUndefined()
    expect((await t.call({ method: 'GET', url: `/api/v1/integrations/${body.id}` })).body).not.toContain(body.credentials.secret)
  })

  it('updates the webhook URL and pauses an integration', async () => {
    const { id } = (await register()).json()
    const res = await t.call({ method: 'PATCH', url: `/api/v1/integrations/${id}`, payload: { webhookUrl: 'https://hooks.example.org:8443/qa', active: false } })
    expect(res.statusCode).toBe(200)
    expect(res.json()).toMatchObject({ webhookUrl: 'https://hooks.example.org:8443/qa', active: false })
    const noUrl = await t.call({ method: 'PATCH', url: `/api/v1/integrations/${id}`, payload: { webhookUrl: null } })
    expect(noUrl.json().webhookUrl).toBeNull()
  })

  it('refuses a webhook URL that is not http(s), naming the field', async () => {
    const res = await register({ name: '信箱', webhookUrl: 'ftp://example.com/x' })
    expect(res.statusCode).toBe(400)
    expect(res.json()).toMatchObject({ code: 'VALIDATION_FAILED', details: [{ field: 'webhookUrl' }] })
  })

  it('rotates the secret: a new one, shown once', async () => {
    const first = (await register()).json()
    const res = await t.call({ method: 'POST', url: `/api/v1/integrations/${first.id}/rotate-secret` })
    expect(res.statusCode).toBe(200)
    expect(res.json().credentials.secret).toMatch(/^whsec_/)
    expect(res.json().credentials.secret).not.toBe(first.credentials.secret)
    expect(res.json().secretRotatedAt).not.toBeNull()
  })

  it('deletes an integration: its token stops working and its queued events are parked', async () => {
    const reg = (await register()).json()
    await openTicket(t.app.services, { registeredBy: reg.token.id })
    const res = await t.call({ method: 'DELETE', url: `/api/v1/integrations/${reg.id}` })
    expect(res.statusCode).toBe(200)
    expect(res.json()).toMatchObject({ active: false, events: { pending: 0, dead: 1 } })
    expect(res.json().deletedAt).not.toBeNull()
    expect((await t.call({ method: 'GET', url: '/api/v1/events', token: reg.credentials.token })).statusCode).toBe(401)
    expect((await t.call({ method: 'GET', url: '/api/v1/integrations' })).json().items).toHaveLength(0)
    expect((await t.call({ method: 'GET', url: '/api/v1/integrations?includeDeleted=true' })).json().items).toHaveLength(1)
    expect((await t.call({ method: 'DELETE', url: `/api/v1/integrations/${reg.id}` })).json().code).toBe('INTEGRATION_NOT_FOUND')
    // Nothing more is written for it.
    await openTicket(t.app.services, { registeredBy: reg.token.id })
    expect(await t.app.services.db.select().from(outboxEvents).where(eq(outboxEvents.integrationId, reg.id))).toHaveLength(1)
  })

  it('answers 404 for an unknown integration or event', async () => {
    expect((await t.call({ method: 'GET', url: '/api/v1/integrations/999' })).json().code).toBe('INTEGRATION_NOT_FOUND')
    expect((await t.call({ method: 'PATCH', url: '/api/v1/integrations/999', payload: { active: true } })).json().code).toBe('INTEGRATION_NOT_FOUND')
    const ev = await t.call({ method: 'GET', url: '/api/v1/integration-events/8a0c1f8e-2d4b-4c55-9d0e-3f3b8e6f6a11' })
    expect(ev.statusCode).toBe(404)
    expect(ev.json().code).toBe('INTEGRATION_EVENT_NOT_FOUND')
  })

  it('keeps the admin routes to admins and polling to integrations', async () => {
    const agent = await t.token('agent')
    expect((await t.call({ method: 'GET', url: '/api/v1/integrations', token: agent })).statusCode).toBe(403)
    expect((await t.call({ method: 'GET', url: '/api/v1/events', token: agent })).statusCode).toBe(403)
    expect((await t.call({ method: 'GET', url: '/api/v1/events' })).statusCode).toBe(403)
  })

  it('refuses polling by an integration-role token that was never registered as an integration', async () => {
    const stray = await t.token('integration')
    const res = await t.call({ method: 'GET', url: '/api/v1/events', token: stray })
    expect(res.statusCode).toBe(403)
    expect(res.json().code).toBe('INTEGRATION_NOT_REGISTERED')
  })
})
