import { describe, expect, it } from 'vitest'
import { parseDays } from './schedule.ts'

describe('reading a typed holiday schedule', () => {
  it('expands a range into one named day each', () => {
    expect(parseDays('2027-02-06~2027-02-08 春节', 2027).days).toEqual([
      { date: '2027-02-06', name: '春节' }, { date: '2027-02-07', name: '春节' }, { date: '2027-02-08', name: '春节' },
    ])
  })

  it('accepts single days with a comma or spaces, and skips blank lines', () => {
    expect(parseDays('2027-01-01，元旦\n\n2027-02-14  春节调休', 2027).days).toEqual([{ date: '2027-01-01', name: '元旦' }, { date: '2027-02-14', name: '春节调休' }])
  })

  it('names the line of each problem: impossible dates, other years, no name', () => {
    const { problems } = parseDays('2027-02-30 春节\n2026-12-31 元旦\n2027-05-01', 2027)
    expect(problems).toHaveLength(3)
    expect(problems[0]).toContain('第 1 行')
    expect(problems[1]).toContain('不在 2027 年')
    expect(problems[2]).toContain('第 3 行')
  })
})
