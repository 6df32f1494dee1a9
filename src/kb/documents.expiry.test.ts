import { describe, expect, it } from 'vitest'
import { createDocumentExpiry } from './documents.expiry.ts'
import type { LapsedDocument } from './documents.service.ts'

describe('documents lapsing on their 失效日期', () => {
  const setUp = (fail = () => false) => {
    let now = new Date('2026-12-07T15:59:00Z') // 23:59 in Beijing
    const runs: string[] = []
    const logged: unknown[] = []
    const expiry = createDocumentExpiry({
      clock: () => now,
      log: { info: (o: unknown) => logged.push(o), error: (o: unknown) => logged.push(o) },
      async expireLapsed(at: Date): Promise<LapsedDocument[]> {
        if (fail()) throw new Error('database unavailable')
        runs.push(at.toISOString())
        return []
      },
    })
    return { expiry, runs, logged, set: (iso: string) => { now = new Date(iso) } }
  }

  it('runs at once, then again only when the Beijing date has changed', async () => {
    const { expiry, runs, set } = setUp()
    await expiry.check()
    await expiry.check()
    expect(runs).toEqual(['2026-12-07T15:59:00.000Z'])
    set('2026-12-07T16:00:30Z') // 00:00:30 on 8 December in Beijing, still the 7th in UTC
    await expiry.check()
    await expiry.check()
    expect(runs).toEqual(['2026-12-07T15:59:00.000Z', '2026-12-07T16:00:30.000Z'])
  })

  it('tries a failed run again at the next check, and logs the failure', async () => {
    let failing = true
    const { expiry, runs, logged } = setUp(() => failing)
    await expiry.check()
    expect(runs).toEqual([])
    expect(logged).toHaveLength(1)
    failing = false
    await expiry.check()
    expect(runs).toHaveLength(1)
  })
})
