import { describe, expect, it } from 'vitest'
import { chineseDateTime, rangeBound, shanghaiDate, shanghaiDateTime, shanghaiDays, waitText } from './time.ts'

describe('Shanghai days as UTC ranges', () => {
  it('covers whole days, both ends included', () => {
    expect(shanghaiDays('2025-10-01', '2025-10-31')).toEqual({ fromUtc: '2025-09-30T16:00:00.000Z', toUtc: '2025-10-31T16:00:00.000Z' })
    expect(shanghaiDays('2028-02-29', '2028-02-29')).toEqual({ fromUtc: '2028-02-28T16:00:00.000Z', toUtc: '2028-02-29T16:00:00.000Z' })
  })

  it('leaves an end open when it is not given', () => {
    expect(shanghaiDays(undefined, '2025-12-31')).toEqual({ fromUtc: undefined, toUtc: '2025-12-31T16:00:00.000Z' })
    expect(shanghaiDays()).toEqual({ fromUtc: undefined, toUtc: undefined })
  })

  it('reads a list filter as a day or as an exact time, `to` included either way', () => {
    expect(rangeBound('2025-10-01', false)).toBe('2025-09-30T16:00:00.000Z')
    expect(rangeBound('2025-12-31', true)).toBe('2025-12-31T16:00:00.000Z')
    expect(rangeBound('2025-10-01T09:00:00+08:00', false)).toBe('2025-10-01T01:00:00.000Z')
    expect(rangeBound('2025-10-01T09:00:00+08:00', true)).toBe('2025-10-01T01:00:00.001Z')
    expect(rangeBound(undefined, true)).toBeUndefined()
    expect(() => rangeBound('2025-10-01T25:00:00+08:00', false)).toThrow(/from=/)
  })

  it('agrees with the day an instant falls on', () => {
    const { fromUtc, toUtc } = shanghaiDays('2025-10-09', '2025-10-09')
    expect(shanghaiDate(fromUtc!)).toBe('2025-10-09')
    expect(shanghaiDate(new Date(Date.parse(toUtc!) - 1))).toBe('2025-10-09')
    expect(shanghaiDate(toUtc!)).toBe('2025-10-10')
  })

  it('shows nothing for no time or an unreadable one', () => {
    expect(shanghaiDate(null)).toBe('')
    expect(shanghaiDate('not a time')).toBe('')
    expect(shanghaiDateTime(undefined)).toBe('')
    expect(chineseDateTime(undefined)).toBe('')
    expect(chineseDateTime('not a time')).toBe('')
  })

  it('writes an instant as a person reads it in Chinese, in Beijing time', () => {
    expect(chineseDateTime('2026-12-07T08:05:31.569Z')).toBe('2026年12月7日 16:05')
    // The evening in UTC is the next morning in Beijing; a deadline ends at 23:59 of its day.
    expect(chineseDateTime('2026-12-31T16:30:00Z')).toBe('2027年1月1日 00:30')
    expect(chineseDateTime('2026-12-14T15:59:59.000Z')).toBe('2026年12月14日 23:59')
    expect(chineseDateTime('2025-10-09T10:00:00+08:00')).toBe('2025年10月9日 10:00')
    expect(chineseDateTime(new Date('2025-03-01T00:00:00Z'))).toBe('2025年3月1日 08:00')
  })
})

describe('waitText', () => {
  it('says a wait in seconds, minutes or hours, rounded up', () => {
    expect(waitText(0.2)).toBe('1 秒')
    expect(waitText(45)).toBe('45 秒')
    expect(waitText(3387)).toBe('约 57 分钟')
    expect(waitText(86_400)).toBe('约 24 小时')
  })
})
