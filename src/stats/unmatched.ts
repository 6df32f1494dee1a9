// Grouping the questions the library could not answer (D2), so the office sees what to add next.
//
// Two steps, both simple enough to explain to the office:
// 1. Normalise: full-width → half-width, lower case, no de-identification marks ([电话], 某某), no
//    spaces or punctuation, and without the words that only make it a question (请问、怎么、如何、吗…).
//    Questions equal after this are one.
// 2. Near-duplicates: the character bigrams of two normalised questions are compared with the
//    Dice coefficient (2·|A∩B| / (|A|+|B|)). Going from the most asked, a question joins the group
//    whose leading question it resembles most, if that is at least DICE_THRESHOLD; otherwise it starts
//    a group. Every variant stays listed in its group, so a wrong merge hides nothing.

export const DICE_THRESHOLD = 0.6

const FILLERS = [
  '请问一下', '请问', '您好', '你好', '麻烦问一下', '咨询一下', '想咨询', '我想问', '想问一下', '想问', '问一下', '我想了解', '了解一下',
  '怎么办理', '怎么办', '怎么样', '怎么', '怎样', '如何', '是否', '能否', '可不可以', '可以吗', '需要什么', '哪些', '什么',
]
const FILLER_RE = new RegExp(FILLERS.sort((a, b) => b.length - a.length).join('|'), 'g')
const TRAILING_PARTICLES = /[吗呢啊呀吧么]+$/

export function normaliseQuestion(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/\[[^\]]{1,10}\]|某某/g, '')
    .replace(/[\s\p{P}\p{S}]+/gu, '')
    .replace(FILLER_RE, '')
    .replace(TRAILING_PARTICLES, '')
}

export function bigrams(text: string): Set<string> {
  const chars = [...text]
  if (chars.length < 2) return new Set(chars)
  const out = new Set<string>()
  for (let i = 0; i < chars.length - 1; i++) out.add(chars[i] + chars[i + 1])
  return out
}

export function dice(a: Set<string>, b: Set<string>): number {
  if (a.size === 0 && b.size === 0) return 1
  let common = 0
  for (const x of a) if (b.has(x)) common++
  return (2 * common) / (a.size + b.size)
}

export interface AskedQuestion { question: string; count: number; lastAskedAt: string }
export interface QuestionGroup {
  question: string
  count: number
  lastAskedAt: string
  variants: { question: string; count: number }[]
}

/** Groups asked questions (each with how often it was asked) into near-duplicate groups, most asked first. */
export function groupQuestions(asked: readonly AskedQuestion[], threshold = DICE_THRESHOLD): QuestionGroup[] {
  // Step 1: identical after normalisation.
  const byNorm = new Map<string, { norm: string; variants: Map<string, number>; count: number; lastAskedAt: string }>()
  for (const q of asked) {
    const norm = normaliseQuestion(q.question) || q.question
    const g = byNorm.get(norm) ?? { norm, variants: new Map(), count: 0, lastAskedAt: '' }
    g.variants.set(q.question, (g.variants.get(q.question) ?? 0) + q.count)
    g.count += q.count
    if (q.lastAskedAt > g.lastAskedAt) g.lastAskedAt = q.lastAskedAt
    byNorm.set(norm, g)
  }
  const exact = [...byNorm.values()].sort((a, b) => b.count - a.count || (a.norm < b.norm ? -1 : 1))

  // Step 2: greedy grouping by bigram similarity to each group's leading (most asked) question.
  // An inverted index from bigram to groups means only groups sharing a bigram are compared.
  const groups: { lead: Set<string>; count: number; lastAskedAt: string; variants: Map<string, number> }[] = []
  const postings = new Map<string, number[]>()
  for (const g of exact) {
    const grams = bigrams(g.norm)
    const shared = new Map<number, number>()
    for (const b of grams) for (const i of postings.get(b) ?? []) shared.set(i, (shared.get(i) ?? 0) + 1)
    let home = -1
    let best = threshold
    for (const [i, n] of shared) {
      const score = (2 * n) / (groups[i].lead.size + grams.size)
      if (score > best || (score === best && (home < 0 || i < home))) { best = score; home = i }
    }
    if (home >= 0) {
      const h = groups[home]
      h.count += g.count
      if (g.lastAskedAt > h.lastAskedAt) h.lastAskedAt = g.lastAskedAt
      for (const [v, n] of g.variants) h.variants.set(v, (h.variants.get(v) ?? 0) + n)
    } else {
      groups.push({ lead: grams, count: g.count, lastAskedAt: g.lastAskedAt, variants: new Map(g.variants) })
      for (const b of grams) (postings.get(b) ?? postings.set(b, []).get(b)!).push(groups.length - 1)
    }
  }

  return groups
    .map((g) => {
      const variants = [...g.variants].map(([question, count]) => ({ question, count })).sort((a, b) => b.count - a.count || (a.question < b.question ? -1 : 1))
      return { question: variants[0].question, count: g.count, lastAskedAt: g.lastAskedAt, variants }
    })
    .sort((a, b) => b.count - a.count || (a.lastAskedAt > b.lastAskedAt ? -1 : 1))
}
