import { describe, expect, it } from 'vitest'
import { CODE_ALPHABET, formatLookupCode, lookupCodeHash, lookupCodeMatches, newLookupCode, normalizeLookupCode, storedLookupCode } from './tickets.lookup-code.ts'

describe('the 查询码', () => {
  it('makes eight random symbols a person reads without confusion, shown in two groups of four', () => {
    const codes = Array.from({ length: 200 }, newLookupCode)
    for (const code of codes) {
      expect(code).toHaveLength(8)
      expect([...code].every((c) => CODE_ALPHABET.includes(c))).toBe(true)
      expect(formatLookupCode(code)).toMatch(/^[A-Z0-9]{4}-[A-Z0-9]{4}$/)
    }
    expect(new Set(codes).size).toBe(codes.length)
    expect(new Set(codes.join('')).size).toBe(CODE_ALPHABET.length)
  })

  it('reads back what a person types, in any case, width or grouping, and the six digits told before', () => {
    expect(normalizeLookupCode('k7qm-3wxa')).toBe('K7QM3WXA')
    expect(normalizeLookupCode(' K7QM 3WXA ')).toBe('K7QM3WXA')
    expect(normalizeLookupCode('Ｋ７ＱＭ－３ＷＸＡ'.replace('－', '-'))).toBe('K7QM3WXA')
    expect(normalizeLookupCode('288 167')).toBe('288167')
    expect(formatLookupCode('288167')).toBe('288167')
    for (const bad of ['OOOO-1111', 'ABC', '2881670', '28816', 'K7QM-3WXA-9']) expect(normalizeLookupCode(bad)).toBeUndefined()
  })

  it('checks a code against the code a ticket keeps or against its hash only', () => {
    const kept = { lookupCode: 'K7QM3WXA', lookupCodeHash: null }
    const hashed = { lookupCode: null, lookupCodeHash: lookupCodeHash('K7QM3WXA') }
    const legacy = { lookupCode: '288167', lookupCodeHash: null }
    for (const stored of [kept, hashed]) {
      expect(lookupCodeMatches(stored, 'k7qm-3wxa')).toBe(true)
      expect(lookupCodeMatches(stored, 'K7QM-3WXC')).toBe(false)
      expect(lookupCodeMatches(stored, '')).toBe(false)
    }
    expect(lookupCodeMatches(legacy, '288167')).toBe(true)
    // The public pages take the eight-symbol codes only.
    expect(lookupCodeMatches(legacy, '288167', { legacy: false })).toBe(false)
    expect(lookupCodeMatches(legacy, '288168')).toBe(false)
    expect(lookupCodeMatches({ lookupCode: null, lookupCodeHash: null }, '288167')).toBe(false)
    expect(lookupCodeMatches({ lookupCode: null, lookupCodeHash: 'not-a-hash' }, 'K7QM3WXA')).toBe(false)
    expect(lookupCodeMatches(undefined, 'K7QM3WXA')).toBe(false)
    // A code that cannot be one never matches, even a stored value it equals.
    expect(lookupCodeMatches({ lookupCode: 'OOOO1111', lookupCodeHash: null }, 'OOOO1111')).toBe(false)
  })

  it('keeps a code of its own in clear, and of a code the caller showed the asker only the hash', () => {
    const own = storedLookupCode()
    expect(own.lookupCode).toMatch(/^[A-Z0-9]{8}$/)
    expect(own.lookupCodeHash).toBeNull()
    expect(storedLookupCode('k7qm-3wxa')).toEqual({ lookupCode: null, lookupCodeHash: lookupCodeHash('K7QM3WXA') })
    expect(lookupCodeMatches(storedLookupCode('K7QM3WXA'), 'K7QM-3WXA')).toBe(true)
    expect(() => storedLookupCode('nonsense')).toThrow()
  })
})
