import { readFileSync } from 'node:fs'
import { escapeRe } from './normalize.ts'
import type { RelatedTerms } from './matcher.ts'
import { fromRoot } from '../paths.ts'

export interface SynonymPair { term: string; canonical: string; weight?: number }

/** A synonym is read as its canonical word; a pair below this weight is a related term (query expansion only). */
export const isSynonym = (p: SynonymPair) => (p.weight ?? 1) >= 1

export const STARTING_SYNONYMS_FILE = fromRoot('src/search/data/synonyms.txt')

/** The shipped starting set: "term canonical [weight]" per line, # comments. */
export function readStartingSynonyms(path = STARTING_SYNONYMS_FILE): SynonymPair[] {
  return readFileSync(path, 'utf8').split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => { const [term, canonical, weight] = l.split(/\s+/); return { term, canonical, weight: weight === undefined ? 1 : Number(weight) } })
    .filter((p) => p.term && p.canonical && p.term !== p.canonical && p.weight > 0 && p.weight <= 1)
}

/**
 * A rewriter that reads every term as its canonical word, in one left-to-right pass, longest match
 * first. Canonical words are matched too (mapped to themselves), so 核酸 → 核酸检测 does not turn
 * an existing 核酸检测 into 核酸检测检测, and a rewrite is never rewritten again.
 */
export function createSynonymRewriter(all: readonly SynonymPair[]): (text: string) => string {
  const pairs = all.filter(isSynonym)
  const map = new Map<string, string>()
  for (const { canonical } of pairs) map.set(canonical, canonical)
  for (const { term, canonical } of pairs) map.set(term, canonical)
  if (map.size === 0) return (text) => text
  const re = new RegExp([...map.keys()].sort((a, b) => b.length - a.length).map(escapeRe).join('|'), 'g')
  return (text) => text.replace(re, (m) => map.get(m)!)
}

/**
 * The related phrases (weight below 1) that a synonym rewrites: related terms are looked for after
 * synonyms are read, so these are never found (a shipped synonym 社保卡 → 社会保障卡 hides an
 * administrator's related phrase 社保卡丢了).
 */
export function hiddenRelatedTerms(all: readonly SynonymPair[]): string[] {
  const rewrite = createSynonymRewriter(all)
  return all.filter((p) => !isSynonym(p) && rewrite(p.term) !== p.term).map((p) => p.term)
}

/** The words of the pairs, everyday and official, that a homophone typo may be read as (sound-lexicon.ts). */
export function soundWordsOf(all: readonly SynonymPair[]): string[] {
  return [...new Set(all.flatMap((p) => [p.term, p.canonical]))]
}

/**
 * Related terms (weight below 1): finds each everyday phrase in a normalised text and names the
 * official words it stands close to, with the weight. Phrases are matched as they are stored
 * (normalised, compact), longest first, without overlapping.
 */
export function createRelatedTerms(all: readonly SynonymPair[]): RelatedTerms {
  const pairs = all.filter((p) => !isSynonym(p))
  if (pairs.length === 0) return () => []
  const byTerm = new Map<string, { target: string; weight: number }[]>()
  for (const p of pairs) byTerm.set(p.term, [...(byTerm.get(p.term) ?? []), { target: p.canonical, weight: p.weight ?? 1 }])
  const re = new RegExp([...byTerm.keys()].sort((a, b) => b.length - a.length).map(escapeRe).join('|'), 'g')
  return (normalized) => {
    const out: ReturnType<RelatedTerms> = []
    for (const m of normalized.replace(/ /g, '').matchAll(re)) for (const t of byTerm.get(m[0])!) out.push({ phrase: m[0], ...t })
    return out
  }
}
