// Labelled examples made from a library itself, for fitting and for calibrating the decision on the
// library that is actually loaded: each entry's similar questions are what callers were expected to
// ask, so one of them, taken out of its entry, is a query whose right answer is known. The same query
// with its whole entry taken out is one the library cannot answer.
import type { MatchDocument } from './matcher.ts'

export interface SelfRound {
  /** The library as it is for this round: the held-out question removed from its entry. */
  docs: MatchDocument[]
  /** Queries whose right entry is `gold` (a similar question held out of it). */
  queries: { text: string; gold: number }[]
}

/**
 * Rounds of leave-one-out: in round r, every entry with at least two questions (standard and
 * similar) gives up its r-th similar question from the end, which becomes a query. At most `rounds`
 * rounds and `maxQueries` queries in all (spread over the library, deterministically).
 */
export function selfExampleRounds(docs: readonly MatchDocument[], rounds = 2, maxQueries = 4000): SelfRound[] {
  const out: SelfRound[] = []
  const withSimilar = docs.filter((d) => d.similarQuestions.filter((q) => q.trim()).length >= 1 && d.question.trim())
  const perRound = Math.max(1, Math.floor(maxQueries / rounds))
  const step = Math.max(1, Math.ceil(withSimilar.length / perRound))
  for (let r = 0; r < rounds; r++) {
    const held = new Map<number, string>()
    for (let i = r % step; i < withSimilar.length; i += step) {
      const d = withSimilar[i]
      const sims = d.similarQuestions.filter((q) => q.trim())
      if (sims.length <= r) continue
      held.set(d.id, sims[sims.length - 1 - r])
    }
    if (held.size === 0) break
    out.push({
      docs: docs.map((d) => (held.has(d.id) ? { ...d, similarQuestions: d.similarQuestions.filter((q) => q !== held.get(d.id)) } : d)),
      queries: [...held].map(([gold, text]) => ({ text, gold })),
    })
  }
  return out
}
