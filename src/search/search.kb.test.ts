import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../../test/app.testkit.ts'
import { setUpLibrary } from '../kb/kb.testkit.ts'

// The index follows the library through kb.onChange: no rebuild, no call to search.reindex by hand.
describe('index kept up to date by kb.onChange', () => {
  let t: TestApp
  let lib: Awaited<ReturnType<typeof setUpLibrary>>
  beforeAll(async () => {
    t = await createTestApp()
    lib = await setUpLibrary(t)
  })
  afterAll(async () => { await t.close() })

  const match = async (question: string) => (await t.call({ method: 'POST', url: '/api/v1/match', payload: { question } })).json()

  it('matches an entry once it is published through review, and not before', async () => {
    const builtAt = t.app.services.search.status().builtAt
    const { id } = await lib.entry()
    expect((await match('一次性创业补贴怎么申请')).candidates.map((c: { entryId: number }) => c.entryId)).not.toContain(id)
    await lib.publish(id)
    const body = await match('请问一次性创业补贴咋申请？')
    expect(body.candidates[0]).toMatchObject({ entryId: id, unit: { code: 'rsj' }, topic: { code: 'employment' }, inForce: true })
    expect(t.app.services.search.status()).toMatchObject({ documents: 1, builtAt })
  })
})
