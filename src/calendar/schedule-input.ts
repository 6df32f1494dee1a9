import { isIsoDate, isWeekend, yearOf } from './working-days.ts'

export interface NamedDay { date: string; name: string }
export interface YearScheduleInput { holidays: NamedDay[]; workdays: NamedDay[]; sourceUrl: string }
export type FieldProblem = { field: string; message: string }

/**
 * The rules a year's schedule must follow, with the field at fault for each breach: every date in
 * that year, none listed twice, a make-up working day (调休) on a Saturday or Sunday, and no date
 * both off and worked. A holiday may fall on a weekend: the notices name whole periods.
 */
export function validateYearSchedule(year: number, input: YearScheduleInput): FieldProblem[] {
  const problems: FieldProblem[] = []
  const holidayDates = new Set<string>()
  const check = (list: NamedDay[], key: 'holidays' | 'workdays', seen: Set<string>) => {
    list.forEach(({ date }, i) => {
      const field = `${key}.${i}.date`
      if (!isIsoDate(date)) return problems.push({ field, message: `${date} 不是合法日期` })
      if (yearOf(date) !== year) return problems.push({ field, message: `${date} 不在 ${year} 年内` })
      if (seen.has(date)) return problems.push({ field, message: `${date} 重复列出` })
      seen.add(date)
      if (key === 'workdays') {
        if (!isWeekend(date)) problems.push({ field, message: `调休上班日 ${date} 应为周六或周日` })
        if (holidayDates.has(date)) problems.push({ field, message: `${date} 不能同时列为放假日和调休上班日` })
      }
    })
  }
  check(input.holidays, 'holidays', holidayDates)
  check(input.workdays, 'workdays', new Set())
  return problems
}
