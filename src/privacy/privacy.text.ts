// Masking free text (questions, answers, notes, publication summaries): the one function every
// reader uses, in two styles. `mask` keeps the shape for people at work (138****5678, 张*,
// z***@example.com); `publish` removes the detail for what leaves the office (去标识化, G1).
//
// Public service numbers: a LIST, not context. A phone number is kept as written when its digits
// are on the list of public numbers (privacy.service.ts: every unit's published contact number and
// every number in a published library entry), and masked otherwise, whatever words surround it.
// Judging by context ("咨询 023-…") was rejected: an asker can write "咨询 13812345678" as easily,
// and a list errs on the side of masking. The asker's own numbers are masked even when listed.
//
// A rule twin: searches mask in SQL (privacy.service.ts, MASK_SQL_FUNCTION), on PostgreSQL with a
// PL/pgSQL port of maskText's `mask` style (migrations-pg/0002_privacy_mask_text.sql). A change to
// the rules here (this file, privacy.scan.ts, privacy.normalize.ts) needs a migration that replaces
// it; privacy.mask-sql.test.ts shows where the two part.
import { normaliseForMatching } from './privacy.normalize.ts'
import { scan, type Span, type SpanKind } from './privacy.scan.ts'

/** What the consultation record knows of the asker: removed wherever it recurs in the text. */
export interface KnownAsker {
  name?: string | null
  phone?: string | null
  email?: string | null
}

export interface MaskContext {
  asker?: KnownAsker | null
  /** Digit strings of public service numbers, kept as written (see above). */
  publicNumbers?: ReadonlySet<string>
}

export type MaskStyle = 'mask' | 'publish'

/** 13812345678 → 138****5678; landlines keep their area code and last four digits. */
export function maskPhone(phone: string | null | undefined): string | null {
  if (!phone) return phone ?? null
  const digits = phone.normalize('NFKC').replace(/\D/g, '').replace(/^86(?=1[3-9]\d{9}$)/, '')
  if (digits.length >= 11 && digits[0] === '1') return `${digits.slice(0, 3)}****${digits.slice(-4)}`
  if (digits.length >= 9) return `${digits.slice(0, Math.max(0, digits.length - 8))}****${digits.slice(-4)}`
  if (digits.length >= 7) return `****${digits.slice(-4)}`
  return '****'
}

/** 张三丰 → 张**; a single character becomes * (it is all there is). */
export function maskName(name: string | null | undefined): string | null {
  if (!name) return name ?? null
  const chars = [...name.trim()]
  if (chars.length <= 1) return '*'
  return chars[0] + '*'.repeat(chars.length - 1)
}

/** zhangsan@example.com → z***@example.com */
export function maskEmail(email: string | null | undefined): string | null {
  if (!email) return email ?? null
  const at = email.indexOf('@')
  if (at <= 0) return '***'
  return `${email[0]}***${email.slice(at)}`
}

/** An ID-card number keeps its region (6) and last four: 500112********1234. */
const maskIdCard = (digits: string) => `${digits.slice(0, 6)}${'*'.repeat(digits.length - 10)}${digits.slice(-4)}`

const PUBLISHED: Record<SpanKind, string> = {
  mobile: '[电话]', landline: '[电话]', knownNumber: '[电话]', idCard: '[身份证号]', number: '[号码]',
  email: '[电子邮箱]', name: '某某', titledName: '某', address: '[地址]',
  account: '[账号]', passport: '[证件号]', plate: '[车牌号]', birthDate: '[出生日期]',
}

function replacement(s: Span, style: MaskStyle): string {
  if (style === 'publish') return PUBLISHED[s.kind]
  switch (s.kind) {
    case 'idCard': return maskIdCard(s.value)
    case 'mobile': case 'landline': case 'knownNumber': return maskPhone(s.value)!
    case 'number': return `${'*'.repeat(s.value.length - 4)}${s.value.slice(-4)}`
    case 'email': return maskEmail(s.value)!
    default: return maskName(s.value)!
  }
}

/** The asker's phone as digit strings to look for: the whole number and, for a landline, its local part. */
export function knownNumbersOf(phone: string | null | undefined): Set<string> {
  const out = new Set<string>()
  const digits = (phone ?? '').normalize('NFKC').replace(/\D/g, '').replace(/^86(?=1[3-9]\d{9}$)/, '')
  if (digits.length < 7) return out
  out.add(digits)
  if (digits[0] === '0') for (const area of [3, 4]) if (digits.length - area >= 7) out.add(digits.slice(area))
  return out
}

const PHONE_KINDS: ReadonlySet<SpanKind> = new Set(['mobile', 'landline', 'number'])

/**
 * Masks (or, in the `publish` style, removes) every personal detail in `text`: phone numbers (with
 * separators, full-width digits, +86), 15- and 18-digit ID-card numbers, e-mail addresses, names the
 * asker gives (我叫张三), and the asker's own name, phone and e-mail wherever they recur. In the
 * `publish` style street addresses and titled names (张女士) go too. Linear in the text's length.
 */
export function maskText(text: string, ctx: MaskContext = {}, style: MaskStyle = 'mask'): string {
  if (!text) return text
  const { norm, start, end } = normaliseForMatching(text)
  const name = ctx.asker?.name?.normalize('NFKC').trim()
  const spans = scan(norm, {
    knownNumbers: knownNumbersOf(ctx.asker?.phone),
    knownNames: name && [...name].length >= 2 ? [name] : [],
    publication: style === 'publish',
  })
  let out = ''
  let at = 0
  for (const s of spans) {
    if (PHONE_KINDS.has(s.kind) && ctx.publicNumbers?.has(s.value)) continue
    const from = start(s.start)
    if (from < at) continue
    out += text.slice(at, from) + replacement(s, style)
    at = end(s.end - 1)
  }
  return out + text.slice(at)
}

/** maskText in the `publish` style: for promoted entries, published replies and statistics. */
export const deidentify = (text: string, ctx: MaskContext = {}) => maskText(text, ctx, 'publish')

/** The numbers in a public text (a library entry, a unit's contact phone) that may stay as written. */
export function publicNumbersIn(text: string): string[] {
  return scan(normaliseForMatching(text).norm).filter((s) => PHONE_KINDS.has(s.kind)).map((s) => s.value)
}
