// Grouping the questions the library could not answer (D2), so the office sees what to add next.
//
// Two steps, both simple enough to explain to the office:
// 1. Normalise as the matcher does (search/normalize.ts: full-width → half-width, lower case,
//    simplified characters, no punctuation, no hotline fillers such as 请问、您好, colloquial words in
//    their standard form), then drop what de-identification put in place of personal details
//    ([电话], 某某) and the words that only make it a question (怎么、是否、吗…). Questions equal after
//    this are one.
// 2. Near-duplicates: the character bigrams of two normalised questions (search/features.ts) are
//    compared with the Dice coefficient (2·|A∩B| / (|A|+|B|)). Going from the most asked, a question
//    joins the group whose leading question it resembles most, if that is at least DICE_THRESHOLD;
//    otherwise it starts a group. Every variant stays listed in its group, so a wrong merge hides nothing.
import { charBigrams } from '../search/features.ts'
import { compactText, normalizeText } from '../search/normalize.ts'

export const DICE_THRESHOLD = 0.6

// Interrogatives, after normalizeText has put 如何/怎样 as 怎么 and 能否 as 能不能: they tell a
// question from a statement, not one question from another. The matcher keeps them (怎么 vs 什么 can
// matter when ranking answers); grouping what nobody could answer does not need them.
const QUESTION_WORDS = ['怎么办理', '怎么办', '怎么样', '怎么', '是否', '能不能', '可不可以', '可以吗', '需要什么', '哪些', '什么']
const QUESTION_WORDS_RE = new RegExp(QUESTION_WORDS.sort((a, b) => b.length - a.length).join('|'), 'g')
const TRAILING_PARTICLES = /[吗呢啊呀吧么]+$/
// What de-identification leaves in place of a personal detail: [电话], [身份证号], 某某.
const DEIDENTIFIED = /\[[^\]]{1,10}\]|某某/g

export function normaliseQuestion(text: string): string {
  return compactText(normalizeText(text.normalize('NFKC').replace(DEIDENTIFIED, ' ')))
    .replace(QUESTION_WORDS_RE, '')
    .replace(TRAILING_PARTICLES, '')
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
    const grams = charBigrams(g.norm)
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
