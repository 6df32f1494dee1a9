// Password hashing with scrypt from node:crypto: memory-hard, no native dependency beyond Node's own.
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto'

/** OWASP's scrypt floor (N = 2^15, r = 8, p = 3): 32 MiB per hash, computed on libuv's thread pool. */
export const SCRYPT = { N: 2 ** 15, r: 8, p: 3, keyLength: 32 } as const

export const PASSWORD_RULE = '密码至少 10 个字符，不能全是同一类字符（如全为数字）'

function derive(password: string, salt: Buffer, N: number, r: number, p: number, keyLength: number): Promise<Buffer> {
  const options: ScryptOptions = { N, r, p, maxmem: 128 * N * r * 2 }
  return new Promise((resolve, reject) => scrypt(password.normalize('NFC'), salt, keyLength, options, (err, key) => (err ? reject(err) : resolve(key))))
}

export async function hashPassword(password: string, params = SCRYPT): Promise<string> {
  const salt = randomBytes(16)
  const key = await derive(password, salt, params.N, params.r, params.p, params.keyLength)
  return ['scrypt', params.N, params.r, params.p, salt.toString('base64url'), key.toString('base64url')].join('$')
}

/** False for a wrong password and for a stored value that is not an scrypt hash. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [kind, n, r, p, salt, hash] = stored.split('$')
  if (kind !== 'scrypt' || !salt || !hash) return false
  const expected = Buffer.from(hash, 'base64url')
  const actual = await derive(password, Buffer.from(salt, 'base64url'), Number(n), Number(r), Number(p), expected.length)
  return timingSafeEqual(actual, expected)
}

/** A hash of nothing, verified against when the user name is unknown so that both answers take as long. */
let decoy: Promise<string> | undefined
export const decoyHash = () => (decoy ??= hashPassword(randomBytes(12).toString('base64url')))

/** Null when the password is acceptable, otherwise the rule it breaks. */
export function passwordProblem(password: string): string | null {
  if ([...password].length < 10) return PASSWORD_RULE
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^a-zA-Z0-9]/].filter((re) => re.test(password)).length
  if (classes < 2) return PASSWORD_RULE
  return null
}

/** A password to hand out once (first start, an admin's reset): 16 characters, ~95 bits. */
export function generatePassword(): string {
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789'
  const bytes = randomBytes(16)
  let out = ''
  for (const b of bytes) out += alphabet[b % alphabet.length]
  // Four groups of four, easy to read out and type; the hyphens make it pass passwordProblem.
  return `${out.slice(0, 4)}-${out.slice(4, 8)}-${out.slice(8, 12)}-${out.slice(12, 16)}`
}
