// Finding personal details in free text, in one left-to-right pass (linear in the text's length).
// Works on NFKC text; privacy.text.ts maps what is found back onto the original.
import { publishedDetails } from './privacy.details.ts'
import { namesWithoutCue, mayBeName, titledNames } from './privacy.names.ts'

export type SpanKind = 'mobile' | 'landline' | 'idCard' | 'number' | 'knownNumber' | 'email' | 'name' | 'titledName' | 'address'
  // Found only in text that is published (privacy.details.ts).
  | 'account' | 'passport' | 'plate' | 'birthDate'

export interface Span {
  start: number
  end: number
  kind: SpanKind
  /** The digits of a number (without a +86 prefix), the e-mail address, or the name. */
  value: string
}

export interface ScanOptions {
  /** Digit strings that belong to the asker (their phone and its local part): masked whatever else holds. */
  knownNumbers?: ReadonlySet<string>
  /** Names that belong to the asker, already NFKC-normalised. */
  knownNames?: readonly string[]
  /**
   * Also find street addresses, titled names (张女士), names without a cue (我儿子张子涵, privacy.names.ts)
   * and the details of privacy.details.ts: for text that is published. The masking style leaves them
   * out because its PL/pgSQL twin (migrations-pg/0002_privacy_mask_text.sql) knows only the rest.
   */
  publication?: boolean
}

const isDigit = (c: number) => c >= 48 && c <= 57
const isAsciiLetter = (c: number) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122)
// Between the groups of one number: 138 1234 5678, 138.1234.5678, 138-1234-5678, (023)68552000.
const isSeparator = (c: number) => c === 32 || c === 46 || c === 45 || c === 40 || c === 41 || (c >= 0x2010 && c <= 0x2015)
const MAX_SEPARATORS = 2
/** The longest number judged as one: an 18-digit ID-card number (a +86 mobile has 13). */
const MAX_DIGITS = 18
/** A lone group of this many digits that is nothing else is still masked (a bank card, a social security number). */
const LONG_NUMBER = 12

const ID_18 = /^[1-9]\d{5}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dX]$/
const ID_15 = /^[1-9]\d{5}\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}$/
const MOBILE = /^(?:86)?1[3-9]\d{9}$/
const LANDLINE = /^0[1-9]\d{8,10}$/

interface Group { start: number; end: number; digits: string }

/**
 * What a run of digit groups is, or null. `digits` may end with X (an ID-card check digit);
 * `firstGroup` is the length of the first group when several were joined: a landline written in
 * parts starts with its area code (023 6855 2000), which keeps dates and ticket numbers
 * (ZX20251009-0001 2025-10-14) from reading as one.
 */
export function classifyNumber(digits: string, known?: ReadonlySet<string>, firstGroup = digits.length): 'mobile' | 'landline' | 'idCard' | 'knownNumber' | null {
  const plain = digits.replace(/^86(?=1[3-9]\d{9}$)/, '')
  if (known?.has(plain)) return 'knownNumber'
  if (digits.length === 18 && ID_18.test(digits)) return 'idCard'
  if (digits.length === 15 && ID_15.test(digits)) return 'idCard'
  if (/X$/.test(digits)) return null
  if (MOBILE.test(digits)) return 'mobile'
  if (LANDLINE.test(digits) && (firstGroup === digits.length || firstGroup === 3 || firstGroup === 4)) return 'landline'
  return null
}

/** Digit groups, each with the number runs they form: groups joined by at most two separators. */
function digitRuns(text: string, from: number, to: number, visit: (groups: Group[]) => void) {
  let i = from
  while (i < to) {
    if (!isDigit(text.charCodeAt(i))) { i++; continue }
    const groups: Group[] = []
    for (;;) {
      const start = i
      while (i < to && isDigit(text.charCodeAt(i))) i++
      // An ID-card number may end with X; a word that goes on (138x-ray) is not one.
      const c = text.charCodeAt(i)
      const checkDigit = i < to && (c === 88 || c === 120) && !(i + 1 < to && (isAsciiLetter(text.charCodeAt(i + 1)) || isDigit(text.charCodeAt(i + 1))))
      if (checkDigit) i++
      groups.push({ start, end: i, digits: text.slice(start, i).toUpperCase() })
      if (checkDigit) break
      let j = i
      while (j < to && j - i < MAX_SEPARATORS && isSeparator(text.charCodeAt(j))) j++
      if (j > i && j < to && isDigit(text.charCodeAt(j))) { i = j; continue }
      break
    }
    visit(groups)
  }
}

/** Numbers in one run of groups: from each group, the longest run of groups that is a number. */
function numbersIn(groups: Group[], known: ReadonlySet<string> | undefined, out: Span[]) {
  let g = 0
  while (g < groups.length) {
    let best: { end: number; kind: SpanKind; digits: string } | null = null
    let digits = ''
    // At most MAX_DIGITS groups are joined, so this inner loop is bounded: the pass stays linear.
    for (let h = g; h < groups.length; h++) {
      digits += groups[h].digits
      if (digits.length > MAX_DIGITS) break
      const kind = classifyNumber(digits, known, groups[g].digits.length)
      if (kind) best = { end: h, kind, digits }
    }
    if (!best && groups[g].digits.length >= LONG_NUMBER) best = { end: g, kind: 'number', digits: groups[g].digits }
    if (best) {
      out.push({ start: groups[g].start, end: groups[best.end].end, kind: best.kind, value: best.digits.replace(/^86(?=1[3-9]\d{9}$)/, '') })
      g = best.end + 1
    } else {
      // A known number on its own (the local part of the asker's landline, 68552000).
      if (known?.has(groups[g].digits)) out.push({ start: groups[g].start, end: groups[g].end, kind: 'knownNumber', value: groups[g].digits })
      g++
    }
  }
}

const isLocalChar = (c: number) => isDigit(c) || isAsciiLetter(c) || c === 46 || c === 95 || c === 37 || c === 43 || c === 45
const isDomainChar = (c: number) => isDigit(c) || isAsciiLetter(c) || c === 46 || c === 45

/**
 * E-mail addresses, found from each @ outwards. Each expansion stops at the previous or next @
 * (neither side's alphabet has it), so every character is looked at a bounded number of times.
 */
function emails(text: string, out: Span[]) {
  let floor = 0
  for (let at = text.indexOf('@'); at !== -1; at = text.indexOf('@', at + 1)) {
    let l = at
    while (l > floor && isLocalChar(text.charCodeAt(l - 1))) l--
    while (l < at && text.charCodeAt(l) === 46) l++
    let r = at + 1
    while (r < text.length && isDomainChar(text.charCodeAt(r))) r++
    while (r > at + 1 && (text.charCodeAt(r - 1) === 46 || text.charCodeAt(r - 1) === 45)) r--
    const domain = text.slice(at + 1, r)
    const dot = domain.lastIndexOf('.')
    if (l < at && dot > 0 && /^[A-Za-z]{2,}$/.test(domain.slice(dot + 1))) {
      out.push({ start: l, end: r, kind: 'email', value: text.slice(l, r) })
      floor = r
    }
  }
}

// A name the asker gives: 我叫欧阳春花 / 姓名：赵六 / 联系人:钱七 (up to four characters: compound
// surnames), or 我是王五 / 本人李四 (up to three: 我是 is followed by too many ordinary words).
// The lookahead bounds the match; every quantifier is bounded, so the pass stays linear.
const NAME_END = '(?=[,.;!?\\s，。；！？、]|$|的|今年|住|电话|手机|身份|联系)'
const NAMED = new RegExp(`(?:我叫|本人叫|姓名[:：]?|联系人[:：]?)([\\u4e00-\\u9fa5]{2,4}?)${NAME_END}`, 'dg')
const SELF_NAME = new RegExp(`(?:我是|本人(?!叫))([\\u4e00-\\u9fa5]{2,3}?)${NAME_END}`, 'dg')
// A street address: up to 12 characters of district or road, a road word, then a house number, then
// its building, unit and room (花园路12号3单元502, 5号楼2单元301室). The room number may stand bare
// at the end; a number that goes on as a date, an age or an amount (12号2026年) is not one.
// Every quantifier is bounded, so each start position costs a bounded amount of work.
const ADDRESS = /[\u4e00-\u9fa5]{0,12}(?:路|街|巷|道|大道|胡同|村|镇|小区|花园|苑|社区)[\u4e00-\u9fa5A-Za-z0-9]{0,10}?\d{1,6}(?:-\d{1,6})?(?:号楼|号院|号|栋|幢|单元|室|楼|弄)(?:[\dA-Za-z一二三四五六七八九十]{1,6}(?:号楼|号|栋|幢|单元|室|楼|层|房)){0,4}(?:-?\d{1,5}(?:室|房|号)?(?![\d年月日岁元个人万天周次]))?/g

/** Each match of `pattern` (or of its `group`, which needs the d flag) as a span of `kind`, if `accept` takes it. */
export function byPattern(text: string, pattern: RegExp, kind: SpanKind, out: Span[], group = 0, accept?: (value: string) => boolean) {
  for (const m of text.matchAll(pattern)) {
    const [start, end] = group === 0 ? [m.index, m.index + m[0].length] : (m as RegExpMatchArray & { indices: [number, number][] }).indices[group]
    const value = text.slice(start, end)
    if (end > start && (!accept || accept(value))) out.push({ start, end, kind, value })
  }
}

/** Every personal detail in `text` (already NFKC), sorted, none overlapping (the earlier one wins). */
export function scan(text: string, opts: ScanOptions = {}): Span[] {
  const found: Span[] = []
  emails(text, found)
  // Numbers between the e-mail addresses only: 13812345678@qq.com is one address, not a phone.
  const outside = [...found].sort((a, b) => a.start - b.start)
  let from = 0
  for (const e of [...outside, { start: text.length, end: text.length }]) {
    digitRuns(text, from, e.start, (groups) => numbersIn(groups, opts.knownNumbers, found))
    from = e.end
  }
  for (const name of opts.knownNames ?? []) {
    for (let at = text.indexOf(name); at !== -1; at = text.indexOf(name, at + name.length)) {
      found.push({ start: at, end: at + name.length, kind: 'name', value: name })
    }
  }
  byPattern(text, NAMED, 'name', found, 1)
  // 我是 and 本人 are followed by ordinary words far more often than by a name (本人银行卡, 本人跑吗):
  // what is published keeps only a name that starts with a common surname. The masking style keeps
  // every one, as its PL/pgSQL twin does.
  byPattern(text, SELF_NAME, 'name', found, 1, opts.publication ? mayBeName : undefined)
  if (opts.publication) {
    byPattern(text, ADDRESS, 'address', found)
    titledNames(text, found)
    namesWithoutCue(text, found)
    publishedDetails(text, found)
  }
  found.sort((a, b) => a.start - b.start || b.end - a.end)
  const spans: Span[] = []
  let reached = 0
  for (const s of found) {
    if (s.start < reached) continue
    spans.push(s)
    reached = s.end
  }
  return spans
}
