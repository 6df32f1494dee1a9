import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createKit, type Kit } from './tickets.testkit.ts'

describe('the ledger list', () => {
  let k: Kit
  const ids: Record<string, number> = {}
  const list = async (query: string, token?: string) => {
    const res = await k.call({ method: 'GET', url: `/api/v1/tickets${query}`, token })
    expect(res.statusCode).toBe(200)
    return res.json() as { items: any[]; total: number }
  }
  const numbers = (items: any[]) => items.map((i) => i.id)

  beforeAll(async () => {
    k = await createKit()
    const open = async (name: string, payload: Record<string, unknown>, token?: string) => {
      const res = await k.submit({ question: `${name}：灵活就业人员社保怎么缴？`, ...payload }, token)
      expect(res.status).toBe(201)
      ids[name] = res.body.ticket.id
    }
    await open('old-rsj', { channel: 'hotline', unitCode: 'rsj', receivedAt: '2025-09-30T02:00:00Z', asker: { name: '张三', phone: '13812345678' } })
    await open('old-ybj', { channel: 'phone', unitCode: 'ybj', receivedAt: '2025-06-08T02:00:00Z' })
    await open('mail', { channel: 'mailbox', unitCode: 'rsj', receivedAt: '2025-10-03T02:00:00Z', externalId: 'L-1' }, k.tokens.integration)
    await open('fresh', { channel: 'window', unitCode: 'ybj' })
    await open('replied-on-time', { channel: 'hotline', unitCode: 'rsj', receivedAt: '2025-01-24T02:00:00Z' })
    await k.act(ids['replied-on-time'], 'answer', { answer: '答复' }, k.tokens.rsj)
    await k.act(ids['replied-on-time'], 'reply', { method: 'phone', repliedAt: '2025-02-06T02:00:00Z' }, k.tokens.rsj)
  })
  afterAll(async () => { await k.close() })

  it('sorts by due date, earliest first, by default', async () => {
    const { items, total } = await list('')
    expect(total).toBe(5)
    const due = items.map((i) => i.dueAt)
    expect(due).toEqual([...due].sort())
    expect(items[0].id).toBe(ids['replied-on-time'])
    expect(numbers((await list('?sort=-dueAt')).items)[0]).toBe(ids.fresh)
  })

  it('shows remaining working days and the overdue flag on each row', async () => {
    const { items } = await list('')
    const byId = new Map(items.map((i) => [i.id, i]))
    expect(byId.get(ids.fresh)).toMatchObject({ remainingWorkingDays: 5, overdue: false })
    expect(byId.get(ids['old-rsj']).overdue).toBe(true)
    expect(byId.get(ids['old-rsj']).remainingWorkingDays).toBeLessThan(0)
    expect(byId.get(ids['replied-on-time'])).toMatchObject({ remainingWorkingDays: null, overdue: false, status: 'replied' })
  })

  it('filters by unit, status, channel, date and overdue', async () => {
    expect(numbers((await list('?unitCode=ybj')).items).sort()).toEqual([ids['old-ybj'], ids.fresh].sort())
    expect(numbers((await list('?status=replied')).items)).toEqual([ids['replied-on-time']])
    expect((await list('?status=assigned&status=replied')).total).toBe(5)
    expect(numbers((await list('?channel=mailbox')).items)).toEqual([ids.mail])
    expect(numbers((await list('?from=2025-09-30&to=2025-10-03&sort=receivedAt')).items)).toEqual([ids['old-rsj'], ids.mail])
    expect(numbers((await list('?from=2025-10-01')).items).sort()).toEqual([ids.mail, ids.fresh].sort())
    expect(numbers((await list('?overdue=true')).items).sort()).toEqual([ids['old-rsj'], ids['old-ybj'], ids.mail].sort())
    expect(numbers((await list('?overdue=false')).items).sort()).toEqual([ids.fresh, ids['replied-on-time']].sort())
  })

  it('pages through the results', async () => {
    const page = await list('?page=2&pageSize=2')
    expect(page).toMatchObject({ total: 5, page: 2, pageSize: 2 })
    expect(page.items).toHaveLength(2)
  })

  it('masks the asker and numbers in the question on every row, even for admins', async () => {
    const row = (await list('?unitCode=rsj&sort=receivedAt')).items.find((i) => i.id === ids['old-rsj'])
    expect(row.askerName).toBe('张*')
    expect(JSON.stringify(row)).not.toContain('13812345678')
  })

  it('shows a unit only its own tickets, whatever it asks for', async () => {
    expect(numbers((await list('', k.tokens.ybj)).items).sort()).toEqual([ids['old-ybj'], ids.fresh].sort())
    expect((await list('?unitCode=rsj', k.tokens.ybj)).total).toBe(0)
  })

  it('shows an integration only what it submitted', async () => {
    expect(numbers((await list('', k.tokens.integration)).items)).toEqual([ids.mail])
    expect((await list('', k.tokens.integration2)).total).toBe(0)
  })

  it('refuses reviewers', async () => {
    const reviewer = await k.token('reviewer', { reviewStep: 0 })
    expect((await k.call({ method: 'GET', url: '/api/v1/tickets', token: reviewer })).statusCode).toBe(403)
  })

  it('rejects an unknown status or sort', async () => {
    expect((await k.call({ method: 'GET', url: '/api/v1/tickets?status=lost' })).json().code).toBe('VALIDATION_FAILED')
    expect((await k.call({ method: 'GET', url: '/api/v1/tickets?sort=number' })).json().code).toBe('VALIDATION_FAILED')
  })
})
