// Pure similarity measures between a query and a stored text, all on normalised, compact text
// (no spaces). They are the inputs of the re-ranking model (ranker.ts).
import { distance as levenshtein } from 'fastest-levenshtein'

/** Distinct character bigrams; a one-character text is its own single "bigram". */
export function charBigrams(s: string): Set<string> {
  const out = new Set<string>()
  if (s.length === 1) out.add(s)
  for (let i = 0; i + 1 < s.length; i++) out.add(s.slice(i, i + 2))
  return out
}

/** Character bigrams in order, with repeats (as indexed); a one-character text is itself. */
export function bigramList(s: string): string[] {
  if (s.length <= 1) return s ? [s] : []
  const out: string[] = []
  for (let i = 0; i + 1 < s.length; i++) out.push(s.slice(i, i + 2))
  return out
}

/** Levenshtein distance by UTF-16 unit (CJK characters are one unit each); bit-parallel (Myers). */
export function editDistance(a: string, b: string): number {
  return levenshtein(a, b)
}

/** 1 − distance / longer length: 1 for equal texts, 0 for nothing in common. */
export function editSimilarity(a: string, b: string): number {
  const m = Math.max(a.length, b.length)
  return m === 0 ? 0 : 1 - editDistance(a, b) / m
}

const lcsRow = { row: new Uint16Array(256) }

/**
 * Length of the longest common substring (contiguous), the plain O(|a|·|b|) way: the reference that
 * substringMatcher, which the matcher uses, is tested against.
 */
export function longestCommonSubstring(a: string, b: string, maxB = 1000): number {
  if (b.length > maxB) b = b.slice(0, maxB)
  if (a.length === 0 || b.length === 0) return 0
  if (lcsRow.row.length <= b.length) lcsRow.row = new Uint16Array(b.length * 2 + 2)
  const row = lcsRow.row
  row.fill(0, 0, b.length + 1)
  let best = 0
  for (let i = 1; i <= a.length; i++) {
    const ai = a.charCodeAt(i - 1)
    let prevDiag = 0
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j]
      row[j] = ai === b.charCodeAt(j - 1) ? prevDiag + 1 : 0
      if (row[j] > best) best = row[j]
      prevDiag = tmp
    }
  }
  return best
}

const NEGATION_RE = /[不没无非未别莫勿]/

export function isNegated(text: string): boolean {
  return NEGATION_RE.test(text)
}

const NUMBER_RE = /\d+|[一二三四五六七八九十百千万两]+(?=[个年月日天岁号元块次级期季代版])/g

/** Numbers in a text, as written (digits, or Chinese numerals before a measure word). */
export function numbersIn(text: string): string {
  return (text.match(NUMBER_RE) ?? []).sort().join(',')
}

// Set measures over sorted arrays of distinct numbers (interned words, character codes, bigram
// codes): the re-ranker compares the query with ~50 stored questions per match, and merging
// short sorted arrays costs a fraction of hashing strings into sets.

/**
 * Sorted distinct numbers. Sorted as a Float64Array (a native numeric sort, no comparator called per
 * pair) and then deduplicated in one pass: a letter's bigram codes are above 2^31, and hashing them
 * into a Set and sorting with a comparator was a fifth of preparing a long letter.
 */
export function sortedDistinct(xs: Iterable<number>): number[] {
  const sorted = Float64Array.from(xs).sort()
  const out: number[] = []
  for (let i = 0; i < sorted.length; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) out.push(sorted[i])
  return out
}

/** Character codes of a text, sorted and distinct. */
export function charCodes(s: string): number[] {
  const codes = new Float64Array(s.length)
  for (let i = 0; i < s.length; i++) codes[i] = s.charCodeAt(i)
  return sortedDistinct(codes)
}

/** Character bigrams as numbers (first code × 65536 + second), sorted and distinct; a one-character text is its own. */
export function bigramCodes(s: string): number[] {
  if (s.length === 1) return [s.charCodeAt(0) * 65536]
  const codes = new Float64Array(Math.max(0, s.length - 1))
  for (let i = 0; i + 1 < s.length; i++) codes[i] = s.charCodeAt(i) * 65536 + s.charCodeAt(i + 1)
  return sortedDistinct(codes)
}

/** How many elements two sorted arrays share. */
export function commonCount(a: readonly number[], b: readonly number[]): number {
  // A letter's hundreds of bigrams against a question's twenty: each of the few looked up in the many.
  if (a.length > SKEWED * b.length) return commonSkewed(b, a)
  if (b.length > SKEWED * a.length) return commonSkewed(a, b)
  let i = 0, j = 0, n = 0
  while (i < a.length && j < b.length) {
    const x = a[i], y = b[j]
    if (x === y) { n++; i++; j++ } else if (x < y) i++; else j++
  }
  return n
}

/** Past this ratio of lengths, sorted arrays are intersected by binary search rather than merged. */
const SKEWED = 8

/** The first index at or after `lo` where sorted `a` holds a value ≥ `v`. */
function lowerBound(a: ArrayLike<number>, v: number, lo: number): number {
  let hi = a.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (a[mid] < v) lo = mid + 1; else hi = mid
  }
  return lo
}

/** Whether sorted `a` holds `v`. */
export function hasSorted(a: readonly number[], v: number): boolean {
  const i = lowerBound(a, v, 0)
  return i < a.length && a[i] === v
}

function commonSkewed(small: readonly number[], large: readonly number[]): number {
  let n = 0, at = 0
  for (let i = 0; i < small.length && at < large.length; i++) {
    at = lowerBound(large, small[i], at)
    if (at < large.length && large[at] === small[i]) { n++; at++ }
  }
  return n
}

/**
 * The weighted share of the sorted, distinct `terms` (weights aligned with them, summing to `total`)
 * found in the sorted, distinct `has`. The same sum as coverageSorted's first value, in the same order, found from
 * whichever side is shorter.
 */
export function coveredShare(terms: readonly number[], weights: Float64Array, total: number, has: readonly number[]): number {
  if (total === 0) return 0
  let covered = 0
  if (terms.length > SKEWED * has.length) {
    let at = 0
    for (let j = 0; j < has.length && at < terms.length; j++) {
      at = lowerBound(terms, has[j], at)
      if (at < terms.length && terms[at] === has[j]) { covered += weights[at]; at++ }
    }
  } else {
    let j = 0
    for (let i = 0; i < terms.length; i++) {
      const t = terms[i]
      while (j < has.length && has[j] < t) j++
      if (j < has.length && has[j] === t) covered += weights[i]
    }
  }
  return covered / total
}

/** Sørensen–Dice of two sorted arrays of distinct numbers. */
export function diceSorted(a: readonly number[], b: readonly number[]): number {
  if (a.length === 0 || b.length === 0) return 0
  return (2 * commonCount(a, b)) / (a.length + b.length)
}

/**
 * For the sorted `terms`, weighted by `weight`, against the sorted `has`: the weighted share of
 * terms present, and the largest weight of a term missing. Written to `out` as [coverage, maxMissing].
 */
export function coverageSorted(terms: readonly number[], weight: (t: number) => number, has: readonly number[], out: Float64Array): void {
  let total = 0, covered = 0, missing = 0
  let j = 0
  for (let i = 0; i < terms.length; i++) {
    const t = terms[i]
    const w = weight(t)
    total += w
    while (j < has.length && has[j] < t) j++
    if (j < has.length && has[j] === t) covered += w
    else if (w > missing) missing = w
  }
  out[0] = total === 0 ? 0 : covered / total
  out[1] = missing
}

/**
 * Compares one fixed text (a query) with many others by its common substrings, in time
 * proportional to the other text plus the character matches, rather than to the product of the
 * two lengths: the query's positions are indexed by character once, and runs are extended only
 * where characters match. After `scan(text)`, `maxRun[i]` is the longest match with `text` that
 * ends at query position i, so "is this piece of the query in the text" is one comparison.
 */
export function substringMatcher(query: string) {
  const n = query.length
  // Distinct characters in 256 hash buckets with chaining; each with its positions, descending.
  const bucket = new Int32Array(256).fill(-1)
  const chain: number[] = []
  const charOf: number[] = []
  const lists: number[][] = []
  for (let i = n - 1; i >= 0; i--) {
    const c = query.charCodeAt(i)
    let b = bucket[c & 255]
    while (b >= 0 && charOf[b] !== c) b = chain[b]
    if (b >= 0) { lists[b].push(i); continue }
    b = charOf.length
    charOf.push(c)
    lists.push([i])
    chain.push(bucket[c & 255])
    bucket[c & 255] = b
  }
  // run[i]: length of the match ending at query position i and at the text's position at[i].
  const run = new Int32Array(n)
  const at = new Int32Array(n)
  const maxRun = new Int32Array(n)

  /**
   * Scans `text`; returns the longest common substring within its first `lcsLimit` characters,
   * and fills `maxRun` over the whole text if `runs` is set (else stops at `lcsLimit`).
   */
  function scan(text: string, lcsLimit = Infinity, runs = false): number {
    const end = runs ? text.length : Math.min(text.length, lcsLimit)
    at.fill(-2)
    if (runs) maxRun.fill(0)
    let best = 0
    for (let j = 0; j < end; j++) {
      const c = text.charCodeAt(j)
      let b = bucket[c & 255]
      while (b >= 0 && charOf[b] !== c) b = chain[b]
      if (b < 0) continue
      // Descending positions: a run at i reads i − 1 before this step overwrites it.
      const list = lists[b]
      for (let k = 0; k < list.length; k++) {
        const i = list[k]
        const len = i > 0 && at[i - 1] === j - 1 ? run[i - 1] + 1 : 1
        run[i] = len
        at[i] = j
        if (len > best && j < lcsLimit) best = len
        if (runs && len > maxRun[i]) maxRun[i] = len
      }
    }
    return best
  }
  return {
    /** The longest common substring with `text`, looked for in its first `maxLength` characters. */
    longest: (text: string, maxLength = Infinity) => scan(text, maxLength, false),
    scan,
    maxRun,
  }
}

/**
 * Where a piece of the query (a word, a bigram) ends in the compact query text, so that after a
 * scan it is found in the text if `maxRun[end] >= length` for one of its ends.
 */
/** Added to a single UTF-16 unit's code to key it, above every two-unit key (first × 65536 + second < 2^32). */
const ONE_UNIT = 2 ** 32
/** The key of a one-unit string (2^32 + its code). */
export const oneUnitKey = (code: number) => ONE_UNIT + code
/** The key of a two-unit string (first × 65536 + second). */
export const twoUnitKey = (first: number, second: number) => first * 65536 + second
/** The key of a string of one or two UTF-16 units: 'a' and '\0a' never share one. */
export const shortKey = (s: string) => (s.length === 1 ? oneUnitKey(s.charCodeAt(0)) : twoUnitKey(s.charCodeAt(0), s.charCodeAt(1)))

/**
 * An open-addressing table from short keys (above) to non-negative integers, growing as it fills.
 * Short strings (a character bigram, most words) are looked up by their codes rather than in a Map:
 * hashing and comparing strings cut moments before, or boxed numbers beyond 2^30, was a fifth of
 * preparing a long letter and a quarter of building a 100,000-entry index.
 */
export class ShortKeyTable {
  private bits: number
  private keys: Float64Array
  private values: Int32Array
  private count = 0
  constructor(expected = 0) {
    this.bits = 4
    while (1 << this.bits < expected * 2) this.bits++
    this.keys = new Float64Array(1 << this.bits).fill(-1)
    this.values = new Int32Array(1 << this.bits)
  }
  /** Where `key` is, or the empty place it would go. */
  private place(key: number): number {
    const mask = (1 << this.bits) - 1
    const mixed = Math.imul((key % 65536) ^ Math.imul(Math.floor(key / 65536), 0x9e3779b1), 0x85ebca6b)
    let h = mixed >>> (32 - this.bits)
    while (this.keys[h] !== -1 && this.keys[h] !== key) h = (h + 1) & mask
    return h
  }
  /** The value of `key`, or -1. */
  get(key: number): number {
    const h = this.place(key)
    return this.keys[h] === key ? this.values[h] : -1
  }
  set(key: number, value: number) {
    let h = this.place(key)
    if (this.keys[h] !== key) {
      if (2 * (this.count + 1) > this.keys.length) {
        const keys = this.keys, values = this.values
        this.bits++
        this.keys = new Float64Array(1 << this.bits).fill(-1)
        this.values = new Int32Array(1 << this.bits)
        for (let i = 0; i < keys.length; i++) if (keys[i] !== -1) { const at = this.place(keys[i]); this.keys[at] = keys[i]; this.values[at] = values[i] }
        h = this.place(key)
      }
      this.keys[h] = key
      this.count++
    }
    this.values[h] = value
  }
}

export function piecesOf(compact: string, pieces: readonly string[]): { ends: number[]; length: number }[] {
  const out = pieces.map((p) => ({ ends: [] as number[], length: p.length }))
  // Pieces of one or two characters (every bigram of a letter: hundreds) are found in one pass over
  // the text, by their short keys.
  let shortCount = 0
  for (const p of pieces) if (p.length === 1 || p.length === 2) shortCount++
  const table = new ShortKeyTable(shortCount)
  const copies: [from: number, to: number][] = []
  pieces.forEach((p, i) => {
    if (p.length === 0) return
    if (p.length > 2) {
      const ends = out[i].ends
      for (let at = compact.indexOf(p); at >= 0; at = compact.indexOf(p, at + 1)) ends.push(at + p.length - 1)
      return
    }
    const key = shortKey(p)
    const first = table.get(key)
    if (first >= 0) copies.push([first, i])
    else table.set(key, i)
  })
  if (shortCount > 0) {
    for (let i = 0; i < compact.length; i++) {
      const c = compact.charCodeAt(i)
      const one = table.get(oneUnitKey(c))
      if (one >= 0) out[one].ends.push(i)
      if (i + 1 < compact.length) {
        const two = table.get(twoUnitKey(c, compact.charCodeAt(i + 1)))
        if (two >= 0) out[two].ends.push(i + 1)
      }
    }
    for (const [from, to] of copies) out[to].ends = [...out[from].ends]
  }
  return out
}

export function pieceFound(piece: { ends: number[]; length: number }, maxRun: Int32Array): boolean {
  for (const e of piece.ends) if (maxRun[e] >= piece.length) return true
  return false
}
