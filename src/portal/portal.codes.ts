// Pure helpers of the public pages: lookup codes, form nonces, duplicate keys. Tested in portal.codes.test.ts.
import { createHash, createHmac, randomBytes } from 'node:crypto'
import { CODE_ALPHABET, CODE_LENGTH } from '../tickets/tickets.lookup-code.ts'

/** A one-time form nonce: 128 random bits. */
export const newNonce = () => randomBytes(16).toString('base64url')
export const NONCE_PATTERN = '^[A-Za-z0-9_-]{22}$'

export const sha256 = (text: string) => createHash('sha256').update(text).digest('hex')
export const hmac = (secret: string, text: string) => createHmac('sha256', secret).update(text).digest()

/**
 * The lookup code of a submission, in the tickets' format (tickets.lookup-code.ts), derived from its
 * form's nonce: the same form sent twice shows the same code, and nobody without the nonce (it lives
 * only in the asker's page) can derive it. Its ticket keeps only the hash.
 */
export function lookupCode(secret: string, nonce: string): string {
  const bytes = hmac(secret, `lookup:${nonce}`)
  let code = ''
  for (let i = 0; i < CODE_LENGTH; i++) code += CODE_ALPHABET[bytes.readUInt16BE(i * 2) % CODE_ALPHABET.length]
  return code
}

/** A ticket number as written on the page (ZX20251009-0001), in any case and width. */
export function normalizeTicketNumber(input: string): string | undefined {
  const n = input.normalize('NFKC').toUpperCase().replace(/\s/g, '')
  return /^[A-Z]{2}\d{8}-\d{4,6}$/.test(n) ? n : undefined
}

/**
 * The key two submissions share when they ask the same thing: full-width to half-width, lower
 * case, without white space and punctuation ("社保卡怎么补办？" and "社保卡 怎么补办" are the same).
 */
export function questionKey(text: string): string {
  return sha256(text.normalize('NFKC').toLowerCase().replace(/[\s\p{P}\p{S}]/gu, ''))
}
