import { describe, expect, it } from 'vitest'
import { validateYearSchedule } from './schedule-input.ts'

const url = 'https://www.gov.cn/zhengce/example.htm'

describe('validateYearSchedule', () => {
  it('accepts holidays on weekends and make-up days on weekends', () => {
    expect(validateYearSchedule(2030, {
      holidays: [{ date: '2030-05-01', name: '劳动节' }, { date: '2030-05-04', name: '劳动节' }],
      workdays: [{ date: '2030-05-05', name: '劳动节' }],
      sourceUrl: url,
    })).toEqual([])
  })

  it('names each bad field: other year, weekday make-up day, a date both off and worked, a duplicate', () => {
    const problems = validateYearSchedule(2030, {
      holidays: [{ date: '2031-01-01', name: '元旦' }, { date: '2030-05-04', name: '劳动节' }, { date: '2030-05-04', name: '劳动节' }],
      workdays: [{ date: '2030-05-06', name: '劳动节' }, { date: '2030-05-04', name: '劳动节' }],
      sourceUrl: url,
    })
    expect(problems.map((p) => p.field)).toEqual(['holidays.0.date', 'holidays.2.date', 'workdays.0.date', 'workdays.1.date'])
    expect(problems[0].message).toContain('不在 2030 年内')
    expect(problems[2].message).toContain('周六或周日')
    expect(problems[3].message).toContain('同时')
  })

  it('refuses an impossible date', () => {
    expect(validateYearSchedule(2030, { holidays: [{ date: '2030-02-30', name: '春节' }], workdays: [], sourceUrl: url })[0].field).toBe('holidays.0.date')
  })
})
