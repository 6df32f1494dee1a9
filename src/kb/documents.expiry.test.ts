import { describe, expect, it, vi } from 'vitest'
import { createDocumentExpiry } from './documents.expiry.ts'
import type { LapsedDocument } from './documents.service.ts'

describe('documents lapsing on their 失效日期', () => {
  const setUp = (fail = () => false, checkEveryMs?: number) => {
    let now = new Date('2026-12-07T15:59:00Z') // 23:59 in Beijing
    const runs: string[] = []
    const logged: unknown[] = []
    const expiry = createDocumentExpiry({
      clock: () => now,
      checkEveryMs,
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

  it('runs at start-up and every interval, and not at all when the interval is 0', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] })
    try {
      const on = setUp(() => false, 1000)
      await on.expiry.start()
      expect(on.runs).toHaveLength(1)
      on.set('2026-12-07T16:00:30Z')
      await vi.advanceTimersByTimeAsync(1000)
      expect(on.runs).toHaveLength(2)
      await on.expiry.stop()

      const off = setUp(() => false, 0)
      await off.expiry.start()
      off.set('2026-12-07T16:00:30Z')
      await vi.advanceTimersByTimeAsync(120_000)
      expect(off.runs).toEqual([])
      expect(vi.getTimerCount()).toBe(0)
      await off.expiry.check()
      expect(off.runs).toHaveLength(1)
      await off.expiry.stop()
    } finally {
      vi.useRealTimers()
    }
  })
})
