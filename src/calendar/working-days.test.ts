import { describe, expect, it } from 'vitest'
import {
  addDays, dayInfo, isIsoDate, nthWorkingDayAfter, statutoryHoliday, weekdayOf, workingDaysBetween,
  type ScheduleLookup, type YearSchedule,
} from './working-days.ts'
import { endOfShanghaiDay, shanghaiDate, startOfShanghaiDay } from '../common/time.ts'
import { buildPackageSchedules } from './package-schedule.ts'

// A made-up 2030 with a three-day holiday on Wed–Fri 2030-05-01..03 and Sunday 2030-05-05 worked.
const y2030: YearSchedule = {
  year: 2030,
  holidays: new Map([['2030-05-01', '劳动节'], ['2030-05-02', '劳动节'], ['2030-05-03', '劳动节'], ['2030-05-04', '劳动节']]),
  workdays: new Map([['2030-05-05', '劳动节']]),
}
const lookup: ScheduleLookup = (year) => (year === 2030 ? y2030 : undefined)

describe('dates in Asia/Shanghai', () => {
  it('takes the Shanghai calendar date of an instant, not the UTC one', () => {
    expect(shanghaiDate(new Date('2025-09-30T15:59:59Z'))).toBe('2025-09-30')
    expect(shanghaiDate(new Date('2025-09-30T16:00:00Z'))).toBe('2025-10-01')
    expect(shanghaiDate(new Date('2025-12-31T16:30:00Z'))).toBe('2026-01-01')
  })

  it('starts a Shanghai day at 16:00 UTC the day before', () => {
    expect(startOfShanghaiDay('2025-10-01')).toBe('2025-09-30T16:00:00.000Z')
    expect(startOfShanghaiDay('2028-03-01')).toBe('2028-02-29T16:00:00.000Z')
  })

  it('ends a Shanghai day at 15:59:59 UTC', () => {
    expect(endOfShanghaiDay('2025-10-14')).toBe('2025-10-14T15:59:59.000Z')
    expect(endOfShanghaiDay('2028-02-29')).toBe('2028-02-29T15:59:59.000Z')
  })

  it('recognises real dates only', () => {
    expect(isIsoDate('2028-02-29')).toBe(true)
    expect(isIsoDate('2027-02-29')).toBe(false)
    expect(isIsoDate('2025-13-01')).toBe(false)
    expect(isIsoDate('2025-1-01')).toBe(false)
  })

  it('walks every day from 1990 to 2100 exactly as Date does', () => {
    const wrong: string[] = []
    for (let ms = Date.UTC(1990, 0, 1); ms <= Date.UTC(2100, 11, 31); ms += 86_400_000) {
      const date = new Date(ms).toISOString().slice(0, 10)
      const next = new Date(ms + 86_400_000).toISOString().slice(0, 10)
      if (addDays(date, 1) !== next || weekdayOf(date) !== new Date(ms).getUTCDay() || !isIsoDate(date)) wrong.push(date)
    }
    expect(wrong).toEqual([])
  })

  it('adds days across month and year ends', () => {
    expect(addDays('2025-12-31', 1)).toBe('2026-01-01')
    expect(addDays('2024-03-01', -1)).toBe('2024-02-29')
  })
})

describe('dayInfo', () => {
  it('names the holiday, the weekend and the make-up working day', () => {
    expect(dayInfo('2030-05-02', lookup)).toEqual({ date: '2030-05-02', working: false, reason: '劳动节', provisional: false })
    expect(dayInfo('2030-05-05', lookup)).toMatchObject({ working: true, reason: '劳动节调休上班' })
    expect(dayInfo('2030-05-11', lookup)).toMatchObject({ working: false, reason: '周末', provisional: false })
    expect(dayInfo('2030-05-06', lookup)).toMatchObject({ working: true, reason: null })
  })

  it('falls back to weekdays, provisionally, in a year without a schedule', () => {
    expect(dayInfo('2031-01-02', lookup)).toMatchObject({ working: true, provisional: true })
    expect(dayInfo('2031-01-04', lookup)).toMatchObject({ working: false, reason: '周末', provisional: true })
  })

  it('keeps the statutory holidays off, provisionally, in a year without a schedule', () => {
    expect(dayInfo('2031-01-01', lookup)).toMatchObject({ working: false, reason: '元旦（法定假日）', provisional: true })
    expect(dayInfo('2031-05-02', lookup)).toMatchObject({ working: false, reason: '劳动节（法定假日）' })
    expect(dayInfo('2031-10-03', lookup)).toMatchObject({ working: false, reason: '国庆节（法定假日）' })
    expect(dayInfo('2031-10-08', lookup)).toMatchObject({ working: true })
    // 2027: 除夕 is Friday 5 February, 初一 to 初三 6–8 February; 清明 5 April, 端午 9 June, 中秋 15 September.
    for (const [date, name] of [['2027-02-05', '春节'], ['2027-02-08', '春节'], ['2027-04-05', '清明节'], ['2027-06-09', '端午节'], ['2027-09-15', '中秋节']]) {
      expect(dayInfo(date, () => undefined)).toMatchObject({ working: false, reason: `${name}（法定假日）`, provisional: true })
    }
    expect(dayInfo('2027-02-09', () => undefined)).toMatchObject({ working: true, provisional: true })
  })

  it('finds every statutory holiday of 2025 and 2026 off in their published schedules', () => {
    // The same rules and lunar data, checked against the State Council's notices (the package's data).
    const published = buildPackageSchedules()
    for (const year of [2025, 2026]) {
      const schedule = published.get(year)!
      for (let day = 0; day < 365; day++) {
        const date = addDays(`${year}-01-01`, day)
        if (statutoryHoliday(date)) expect(schedule.holidays.has(date), date).toBe(true)
      }
    }
  })
})

describe('nthWorkingDayAfter', () => {
  it('does not count the day of receipt even when it is a working day', () => {
    // Monday 2030-04-29 received: Tue 30 is day 1; Wed–Sat are off; Sun 5 worked is day 2.
    const due = nthWorkingDayAfter('2030-04-29', 2, lookup)
    expect(due).toMatchObject({ date: '2030-05-05', provisional: false, counted: ['2030-04-30', '2030-05-05'] })
    expect(due.skipped).toEqual([
      { date: '2030-05-01', reason: '劳动节' }, { date: '2030-05-02', reason: '劳动节' },
      { date: '2030-05-03', reason: '劳动节' }, { date: '2030-05-04', reason: '劳动节' },
    ])
  })

  it('counts from the next day when received on a holiday', () => {
    expect(nthWorkingDayAfter('2030-05-02', 1, lookup).date).toBe('2030-05-05')
  })

  it('is provisional when a counted or skipped day lies in a year with no schedule', () => {
    expect(nthWorkingDayAfter('2030-12-30', 1, lookup)).toMatchObject({ date: '2030-12-31', provisional: false })
    expect(nthWorkingDayAfter('2030-12-30', 2, lookup)).toMatchObject({ date: '2031-01-02', provisional: true })
  })

  it('refuses a non-positive number of working days', () => {
    expect(() => nthWorkingDayAfter('2030-05-01', 0, lookup)).toThrow(RangeError)
    expect(() => nthWorkingDayAfter('2030-05-01', 1.5, lookup)).toThrow(RangeError)
  })

  it('stops instead of looping when a schedule has no working day at all', () => {
    const allOff: ScheduleLookup = (year) => ({ year, holidays: { get: () => '停工', has: () => true } as unknown as Map<string, string>, workdays: new Map() })
    expect(() => nthWorkingDayAfter('2030-01-01', 1, allOff)).toThrow(/no 1 working days/)
  })
})

describe('workingDaysBetween', () => {
  it('counts working days after the first date up to and including the second', () => {
    expect(workingDaysBetween('2030-04-29', '2030-05-05', lookup)).toBe(2)
    expect(workingDaysBetween('2030-04-29', '2030-04-29', lookup)).toBe(0)
    expect(workingDaysBetween('2030-05-01', '2030-05-04', lookup)).toBe(0)
  })

  it('is negative once the second date is past', () => {
    expect(workingDaysBetween('2030-05-07', '2030-05-05', lookup)).toBe(-2)
  })

  it('gives back N between a receipt and its due date', () => {
    for (const received of ['2030-04-26', '2030-04-27', '2030-05-01', '2030-12-24']) {
      for (const n of [1, 3, 5, 15]) {
        expect(workingDaysBetween(received, nthWorkingDayAfter(received, n, lookup).date, lookup)).toBe(n)
      }
    }
  })
})
