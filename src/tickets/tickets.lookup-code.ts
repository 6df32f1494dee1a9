// The 查询码: with the ticket number, what lets the asker follow the ticket and rate its reply on the
// public pages (POST /follow, /follow/rating) and through POST /api/v1/ratings/by-lookup. One code per
// ticket, whatever the channel; this file is its one rule (format, reading, checking).
//
// Eight symbols of 23 (about 36 bits), shown as two groups of four. Tickets opened before this format
// keep the six digits their askers were told, which the API still reads (not the public pages).
import { createHash, randomInt, timingSafeEqual } from 'node:crypto'

/** Letters and digits a person reads (or hears on the phone) without confusion: no 0/O, 1/I/L, 2/Z, 5/S, 8/B, U/V. */
export const CODE_ALPHABET = '34679ACDEFGHJKMNPQRTWXY'
export const CODE_LENGTH = 8
/** The codes of tickets opened before the format above. */
const LEGACY_CODE = /^\d{6}$/

/** A new random code, as stored (no hyphen). */
export function newLookupCode(): string {
  let code = ''
  for (let i = 0; i < CODE_LENGTH; i++) code += CODE_ALPHABET[randomInt(CODE_ALPHABET.length)]
  return code
}

/** As shown to the asker and to the staff who tell it: two groups of four (a legacy code as it is). */
export const formatLookupCode = (code: string) => (code.length === CODE_LENGTH ? `${code.slice(0, 4)}-${code.slice(4)}` : code)

/** What a person typed as a code: any case and width, spaces and hyphens ignored; undefined when it cannot be one. */
export function normalizeLookupCode(input: string): string | undefined {
  const code = input.normalize('NFKC').toUpperCase().replace(/[\s-]/g, '')
  if (code.length === CODE_LENGTH && [...code].every((c) => CODE_ALPHABET.includes(c))) return code
  return LEGACY_CODE.test(code) ? code : undefined
}

/** The hash a ticket keeps of a code only its asker holds (one the public pages showed). */
export const lookupCodeHash = (code: string) => createHash('sha256').update(code).digest('hex')

/** What a ticket keeps of its code: the code itself (told by an agent or a system), or only its hash. */
export interface StoredLookupCode { lookupCode: string | null; lookupCodeHash: string | null }

/**
 * What a new ticket keeps of its code: a code of its own, which the agent or the submitting system
 * tells the asker and may read again; or, for `askerCode`, the code the caller showed the asker
 * itself (the public pages), only its hash.
 */
export function storedLookupCode(askerCode?: string): StoredLookupCode {
  if (askerCode === undefined) return { lookupCode: newLookupCode(), lookupCodeHash: null }
  const code = normalizeLookupCode(askerCode)
  if (!code) throw new Error('askerCode is not a lookup code')
  return { lookupCode: null, lookupCodeHash: lookupCodeHash(code) }
}

// Compared with, when there is no ticket, so that an unknown number costs what a wrong code costs.
const NO_TICKET: StoredLookupCode = { lookupCode: null, lookupCodeHash: lookupCodeHash('no ticket') }

/**
 * Whether `input` (as typed) is the ticket's code. Both sides are hashed and compared in constant
 * time, so neither a stored code nor its hash leaks through timing. `legacy: false` refuses the six
 * digits of older tickets (a million codes): the public pages, limited only per address, take the
 * eight-symbol codes alone; the API, behind a token, takes both.
 */
export function lookupCodeMatches(stored: StoredLookupCode | undefined, input: string, { legacy = true }: { legacy?: boolean } = {}): boolean {
  const read = normalizeLookupCode(input)
  const code = read !== undefined && (legacy || !LEGACY_CODE.test(read)) ? read : undefined
  const { lookupCode, lookupCodeHash: hash } = stored ?? NO_TICKET
  const expected = hash ?? (lookupCode === null ? null : lookupCodeHash(lookupCode))
  const a = Buffer.from(lookupCodeHash(code ?? ''), 'hex')
  const b = Buffer.from(expected ?? '', 'hex')
  const same = a.length === b.length && timingSafeEqual(a, b)
  return same && code !== undefined && stored !== undefined
}
