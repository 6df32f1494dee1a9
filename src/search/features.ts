// Pure similarity measures between a query and a stored text, all on normalised, compact text
// (no spaces). They are the inputs of the re-ranking model (ranker.ts).

/** Distinct character bigrams; a one-character text is its own single "bigram". */
export function charBigrams(s: string): Set<string> {
  const out = new Set<string>()
  if (s.length === 1) out.add(s)
  for (let i = 0; i + 1 < s.length; i++) out.add(s.slice(i, i + 2))
  return out
}

export function charSet(s: string): Set<string> {
  return new Set(s)
}

/** Sørensen–Dice coefficient of two sets: 2|A∩B| / (|A|+|B|). */
export function dice(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  if (a.size === 0 || b.size === 0) return 0
  const [small, large] = a.size <= b.size ? [a, b] : [b, a]
  let n = 0
  for (const x of small) if (large.has(x)) n++
  return (2 * n) / (a.size + b.size)
}

/** Share of `a`'s elements found in `b`. */
export function containment(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  if (a.size === 0) return 0
  let n = 0
  for (const x of a) if (b.has(x)) n++
  return n / a.size
}

/** Share of `a`'s bigrams that occur somewhere in the long text `text` (no set needed for it). */
export function containmentInText(a: ReadonlySet<string>, text: string): number {
  if (a.size === 0 || text.length === 0) return 0
  let n = 0
  for (const x of a) if (text.includes(x)) n++
  return n / a.size
}

const lev = { row: new Uint16Array(256) }

/** Levenshtein distance by UTF-16 unit (CJK characters are one unit each). */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0
  if (a.length === 0) return b.length
  if (b.length === 0) return a.length
  if (a.length > b.length) [a, b] = [b, a]
  if (lev.row.length <= a.length) lev.row = new Uint16Array(a.length * 2 + 2)
  const row = lev.row
  for (let i = 0; i <= a.length; i++) row[i] = i
  for (let j = 1; j <= b.length; j++) {
    let prev = row[0]
    row[0] = j
    const bj = b.charCodeAt(j - 1)
    for (let i = 1; i <= a.length; i++) {
      const tmp = row[i]
      const cost = a.charCodeAt(i - 1) === bj ? 0 : 1
      row[i] = Math.min(row[i] + 1, row[i - 1] + 1, prev + cost)
      prev = tmp
    }
  }
  return row[a.length]
}

/** 1 − distance / longer length: 1 for equal texts, 0 for nothing in common. */
export function editSimilarity(a: string, b: string): number {
  const m = Math.max(a.length, b.length)
  return m === 0 ? 0 : 1 - editDistance(a, b) / m
}

const lcsRow = { row: new Uint16Array(256) }

/** Length of the longest common substring (contiguous). O(|a|·|b|), meant for short `a`. */
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

/** IDF-weighted share of `terms` present in `has` (e.g. the words of another text). */
export function weightedCoverage(terms: readonly string[], idf: (t: string) => number, has: (t: string) => boolean): number {
  let total = 0
  let covered = 0
  for (const t of terms) {
    const w = idf(t)
    total += w
    if (has(t)) covered += w
  }
  return total === 0 ? 0 : covered / total
}

/** The largest weight among `terms` that `has` lacks, 0 if none is missing. */
export function maxMissing(terms: readonly string[], weight: (t: string) => number, has: (t: string) => boolean): number {
  let m = 0
  for (const t of terms) if (!has(t)) { const w = weight(t); if (w > m) m = w }
  return m
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
