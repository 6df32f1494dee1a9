import { describe, expect, it } from 'vitest'
import chineseDays from 'chinese-days'
import { buildPackageSchedules, chineseName } from './package-schedule.ts'
import { addDays, dayInfo, type ScheduleLookup } from './working-days.ts'

const schedules = buildPackageSchedules()
const lookup: ScheduleLookup = (year) => schedules.get(year)

function* everyDay(from: string, to: string) {
  for (let d = from; d <= to; d = addDays(d, 1)) yield d
}

describe('the chinese-days schedules', () => {
  it('cover 2004 to 2026 and nothing after', () => {
    const years = [...schedules.keys()].sort()
    expect(years[0]).toBe(2004)
    expect(years.at(-1)).toBe(2026)
    expect(years).toHaveLength(23)
    expect(schedules.has(2027)).toBe(false)
  })

  it('match the package’s own isWorkday on every day it covers', () => {
    const mismatches: string[] = []
    for (const date of everyDay('2004-01-01', '2026-12-31')) {
      const [y, m, d] = date.split('-').map(Number)
      // A local-time Date: the package reads local fields, so this is right in any time zone.
      if (chineseDays.isWorkday(new Date(y, m - 1, d)) !== dayInfo(date, lookup).working) mismatches.push(date)
    }
    expect(mismatches).toEqual([])
  })

  it('use the full names people know', () => {
    expect(chineseName('Mid-autumn Festival,中秋,1')).toBe('中秋节')
    expect(chineseName('Tomb-sweeping Day,清明,1')).toBe('清明节')
    expect(chineseName('National Day,国庆节,3')).toBe('国庆节')
    expect(schedules.get(2025)!.workdays.get('2025-10-11')).toBe('国庆节')
  })
})
