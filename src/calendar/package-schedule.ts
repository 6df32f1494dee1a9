// The State Council schedules shipped in the chinese-days package (2004–2026 in 1.5.7).
//
// We read the package's published JSON rather than calling isWorkday(): its functions parse
// 'YYYY-MM-DD' as UTC midnight and then read local-time fields, which gives the wrong day on a
// host west of UTC. The JSON is the same data, documented by the package for direct use.
import packageData from 'chinese-days/dist/chinese-days.json' with { type: 'json' }
import type { YearSchedule } from './working-days.ts'

interface PackageData {
  /** 'YYYY-MM-DD' → "English name,中文名,n" */
  holidays: Record<string, string>
  workdays: Record<string, string>
}

// The package shortens some names; the notices (and people) use the full ones.
const FULL_NAMES: Record<string, string> = { 清明: '清明节', 端午: '端午节', 中秋: '中秋节' }

export function chineseName(packageValue: string): string {
  const parts = packageValue.split(',')
  const name = (parts[1] ?? parts[0]).trim()
  return FULL_NAMES[name] ?? name
}

/**
 * One schedule per year the package has. A year "is in the package" when the package lists at least
 * one holiday for it: every published year has 元旦 at least, and the package holds nothing at all for
 * years whose notice it has not seen (2027 in 1.5.7), so a year without holidays is unpublished.
 */
export function buildPackageSchedules(data: PackageData = packageData as PackageData): Map<number, YearSchedule> {
  const years = new Map<number, { year: number; holidays: Map<string, string>; workdays: Map<string, string> }>()
  const yearEntry = (date: string) => {
    const year = Number(date.slice(0, 4))
    let entry = years.get(year)
    if (!entry) years.set(year, entry = { year, holidays: new Map(), workdays: new Map() })
    return entry
  }
  for (const [date, value] of Object.entries(data.holidays)) yearEntry(date).holidays.set(date, chineseName(value))
  // Only years with holidays count as published; a stray make-up day does not publish a year.
  for (const [date, value] of Object.entries(data.workdays)) {
    const year = Number(date.slice(0, 4))
    if (years.has(year)) yearEntry(date).workdays.set(date, chineseName(value))
  }
  return years
}
