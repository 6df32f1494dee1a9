import { describe, expect, it } from 'vitest'
import { INSTANT_RANGE, parseInstant, toInstant } from './instants.ts'

const iso = (text: string) => {
  const parsed = parseInstant(text)
  return 'instant' in parsed ? parsed.instant.toISOString() : parsed.problem
}

describe('parseInstant', () => {
  it('reads RFC 3339 date-times with their offset, to the millisecond', () => {
    expect(iso('2025-03-03T09:00:00+08:00')).toBe('2025-03-03T01:00:00.000Z')
    expect(iso('2025-03-03t01:00:00z')).toBe('2025-03-03T01:00:00.000Z')
    expect(iso('2025-03-03 01:00:00.123456789Z')).toBe('2025-03-03T01:00:00.123Z')
    expect(iso('2028-02-29T12:00:00-05:30')).toBe('2028-02-29T17:30:00.000Z')
  })

  it('refuses a leap second instead of giving an Invalid Date', () => {
    expect(iso('2016-12-31T23:59:60Z')).toBe('format')
  })

  it('refuses impossible dates and times, and text without an offset', () => {
    for (const text of ['2025-02-29T00:00:00Z', '2025-04-31T00:00:00Z', '2025-13-01T00:00:00Z', '2025-01-01T24:00:00Z',
      '2025-01-01T00:60:00Z', '2025-01-01T00:00:00+24:00', '2025-01-01T00:00:00', '2025-01-01', '１２０２５-01-01T00:00:00Z', ' 2025-01-01T00:00:00Z']) {
      expect(iso(text), text).toBe('format')
    }
  })

  it('refuses years 0000 and 0001 instead of reading them as 1900 and 1901', () => {
    expect(iso('0000-01-01T00:00:00Z')).toBe('range')
    expect(iso('0001-01-01T00:00:00Z')).toBe('range')
    expect(iso('0099-06-01T00:00:00Z')).toBe('range')
  })

  it(`keeps every instant between ${INSTANT_RANGE.firstDay} and ${INSTANT_RANGE.lastDay}, Beijing time`, () => {
    expect(iso('1900-01-01T00:00:00Z')).toBe('range')
    expect(iso('9999-01-01T00:00:00Z')).toBe('range')
    expect(iso('1999-12-31T15:59:59.999Z')).toBe('range')
    expect(iso('1999-12-31T16:00:00Z')).toBe('1999-12-31T16:00:00.000Z') // 2000-01-01 00:00 in Beijing
    expect(iso('2100-12-31T23:59:59.999+08:00')).toBe('2100-12-31T15:59:59.999Z')
    expect(iso('2100-12-31T16:00:00Z')).toBe('range')
  })
})

describe('toInstant', () => {
  it('answers a refused date-time with a 400 naming the field', () => {
    expect(() => toInstant('2016-12-31T23:59:60Z', 'repliedAt')).toThrow(expect.objectContaining({
      code: 'DATE_TIME_INVALID', statusCode: 400, details: [expect.objectContaining({ field: 'repliedAt' })],
    }))
  })
})
