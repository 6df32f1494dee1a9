import { describe, expect, it } from 'vitest'
import { monthPeriod, resolvePeriod, share } from './format.ts'
import { monthsBefore, shanghaiDate, shanghaiDateTime } from '../common/time.ts'
import { replyMethodLabel } from '../consultations/consultations.labels.ts'

describe('Shanghai dates for the ledger', () => {
  it('shows a UTC time as Shanghai local time', () => expect(shanghaiDateTime('2025-10-09T06:03:00.000Z')).toBe('2025-10-09 14:03'))
  it('moves a late-evening UTC time to the next Shanghai day', () => expect(shanghaiDate('2025-10-09T17:00:00.000Z')).toBe('2025-10-10'))
  it('leaves an empty time empty', () => expect(shanghaiDateTime(null)).toBe(''))
})

describe('statistics periods', () => {
  const now = new Date('2025-10-20T02:00:00.000Z')

  it('covers whole Shanghai days with both ends included', () => {
    expect(resolvePeriod({ from: '2025-10-01', to: '2025-10-31' }, now)).toEqual({
      from: '2025-10-01', to: '2025-10-31', fromUtc: '2025-09-30T16:00:00.000Z', toUtc: '2025-10-31T16:00:00.000Z',
    })
  })

  it('defaults to this month so far', () => {
    expect(resolvePeriod({}, now)).toMatchObject({ from: '2025-10-01', to: '2025-10-20' })
  })

  it('refuses an impossible date and a reversed period', () => {
    expect(() => resolvePeriod({ from: '2025-02-30' }, now)).toThrow(/不是有效日期/)
    expect(() => resolvePeriod({ from: '2025-10-05', to: '2025-10-01' }, now)).toThrow(/晚于/)
  })

  it('knows how long February is', () => expect(monthPeriod('2024-02')).toMatchObject({ from: '2024-02-01', to: '2024-02-29' }))
})

describe('labels and shares', () => {
  it('names reply methods in Chinese and keeps free text', () => {
    expect(replyMethodLabel('phone')).toBe('电话')
    expect(replyMethodLabel('短信告知')).toBe('短信告知')
  })
  it('rounds a share to four decimals and gives null for nothing', () => {
    expect(share(2, 3)).toBe(0.6667)
    expect(share(0, 0)).toBeNull()
  })
})

describe('months before a date', () => {
  it('goes back whole calendar months', () => expect(monthsBefore(new Date('2025-10-20T02:00:00.000Z'), 12).toISOString()).toBe('2024-10-20T02:00:00.000Z'))
  it('clamps to the end of a shorter month', () => expect(monthsBefore(new Date('2025-03-31T00:00:00.000Z'), 1).toISOString()).toBe('2025-02-28T00:00:00.000Z'))
})
