import { sql } from 'drizzle-orm'
import { first } from '../db/query.ts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createKit, type Kit } from '../tickets/tickets.testkit.ts'

describe('the list of public numbers', () => {
  let k: Kit
  beforeAll(async () => { k = await createKit() })
  afterAll(async () => { await k.close() })

  it("holds a unit's contact phone as soon as it is set, and drops the old one", async () => {
    const { units, privacy } = k.app.services
    const unit = await units.createUnit({ code: 'mzj', name: '区民政局', contactPhone: '023-68556058' })
    expect((await privacy.publicNumbers()).has('02368556058')).toBe(true)
    expect(await privacy.mask('请咨询 023-68556058')).toBe('请咨询 023-68556058')
    await units.updateUnit(unit.id, { contactPhone: '023-68556000' })
    expect((await privacy.publicNumbers()).has('02368556058')).toBe(false)
    expect(await privacy.mask('请咨询 023-68556058')).toBe('请咨询 023****6058')
  })

  it('holds the numbers of published entries, and not those of drafts', async () => {
    const { privacy } = k.app.services
    await k.publishEntry({ unitCode: 'rsj', question: '就业补贴找谁？', answer: '请咨询区就业服务中心 023-68552046。' })
    expect((await privacy.publicNumbers()).has('02368552046')).toBe(true)
    const draft = await k.call({ method: 'POST', url: '/api/v1/entries', payload: { question: '草稿里的号码？', answer: '请拨打 023-68559999。', unitCode: 'rsj' } })
    expect(draft.statusCode, draft.body).toBe(201)
    expect((await privacy.publicNumbers()).has('02368559999')).toBe(false)
  })

  it('masks in SQL exactly as in TypeScript, for searches', async () => {
    const { db, privacy } = k.app.services
    const text = '我叫李建国，电话１３８ 1234 5678，请回 023-68552046'
    const asker = { name: sql`${'李建国'}`, phone: sql`${'13812345678'}`, email: sql`${null}` }
    const inSql = (await first(db.all<{ t: string }>(sql`select ${await privacy.maskedSql(sql`${text}`, asker)} as t`)))!.t
    expect(inSql).toBe(await privacy.mask(text, { name: '李建国', phone: '13812345678' }))
    expect(inSql).toBe('我叫李**，电话138****5678，请回 023-68552046')
  })
})
