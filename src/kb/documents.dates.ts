// The dates of a policy document and its validity (E3): what may be entered, and when a document in
// force lapses by itself. Pure; tested in documents.dates.test.ts. The API (documents.service.ts) and
// the spreadsheet import (sync.documents.ts) both check a document with documentDateProblems().
import type { Validity } from './kb.types.ts'

export interface DocumentDates {
  publishedOn?: string | null
  effectiveOn?: string | null
  /** 失效日期: the last day the document is in force; from the next day (Beijing time) it is not. */
  expiresOn?: string | null
  validity?: Validity
}

export interface DateProblem { field: 'expiresOn' | 'validity'; message: string }

/** Whether a document expiring on `expiresOn` has lapsed on `today` (both YYYY-MM-DD, Beijing dates). */
export const hasLapsed = (expiresOn: string | null | undefined, today: string): boolean => !!expiresOn && expiresOn < today

/**
 * What is contradictory in a document's dates, as of `today` (a Beijing date). 施行日期 before 发布日期
 * is not among them: a policy may take effect retroactively (追溯施行, e.g. a subsidy "自 2024 年 1 月 1
 * 日起执行" published in March), so that order is legitimate and accepted.
 */
export function documentDateProblems(d: DocumentDates, today: string): DateProblem[] {
  const problems: DateProblem[] = []
  const { publishedOn, effectiveOn, expiresOn } = d
  if (expiresOn && effectiveOn && expiresOn < effectiveOn) {
    problems.push({ field: 'expiresOn', message: `失效日期 ${expiresOn} 早于施行日期 ${effectiveOn}，请核对` })
  } else if (expiresOn && publishedOn && expiresOn < publishedOn) {
    problems.push({ field: 'expiresOn', message: `失效日期 ${expiresOn} 早于发布日期 ${publishedOn}，请核对` })
  }
  if ((d.validity ?? 'in_force') === 'in_force' && hasLapsed(expiresOn, today)) {
    problems.push({ field: 'validity', message: `失效日期 ${expiresOn} 已过，效力不能是现行有效：请改为失效或废止，或更正失效日期` })
  }
  return problems
}
