import { describe, expect, it } from 'vitest'
import { documentDateProblems, hasLapsed } from './documents.dates.ts'

const TODAY = '2026-12-07'

describe('the dates of a policy document', () => {
  it('refuses a 失效日期 before the 施行日期, or before the 发布日期, naming expiresOn', () => {
    expect(documentDateProblems({ publishedOn: '2026-05-01', effectiveOn: '2026-06-01', expiresOn: '2026-05-15', validity: 'expired' }, TODAY))
      .toEqual([{ field: 'expiresOn', message: '失效日期 2026-05-15 早于施行日期 2026-06-01，请核对' }])
    expect(documentDateProblems({ publishedOn: '2026-05-01', expiresOn: '2026-04-30', validity: 'repealed' }, TODAY))
      .toEqual([{ field: 'expiresOn', message: '失效日期 2026-04-30 早于发布日期 2026-05-01，请核对' }])
  })

  it('accepts a 施行日期 before the 发布日期 (retroactive effect) and a document in force for a single day', () => {
    expect(documentDateProblems({ publishedOn: '2026-05-01', effectiveOn: '2026-04-01', expiresOn: '2027-03-31', validity: 'in_force' }, TODAY)).toEqual([])
    expect(documentDateProblems({ publishedOn: '2026-12-07', effectiveOn: '2026-12-07', expiresOn: '2026-12-07' }, TODAY)).toEqual([])
  })

  it('refuses 现行有效 (said, or by default) once the 失效日期 has passed, naming validity', () => {
    const lapsed = { publishedOn: '2024-05-01', effectiveOn: '2024-05-01', expiresOn: '2026-12-06' }
    expect(documentDateProblems({ ...lapsed, validity: 'in_force' }, TODAY).map((p) => p.field)).toEqual(['validity'])
    expect(documentDateProblems(lapsed, TODAY).map((p) => p.field)).toEqual(['validity'])
    expect(documentDateProblems({ ...lapsed, validity: 'expired' }, TODAY)).toEqual([])
  })

  it('lapses the day after the 失效日期', () => {
    expect(hasLapsed('2026-12-07', '2026-12-07')).toBe(false)
    expect(hasLapsed('2026-12-06', '2026-12-07')).toBe(true)
    expect(hasLapsed(null, '2026-12-07')).toBe(false)
  })
})
