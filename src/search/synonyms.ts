import { readFileSync } from 'node:fs'
import { escapeRe } from './normalize.ts'
import { fromRoot } from '../paths.ts'

export interface SynonymPair { term: string; canonical: string }

export const STARTING_SYNONYMS_FILE = fromRoot('src/search/data/synonyms.txt')

/** The shipped starting set: "term canonical" per line, # comments. */
export function readStartingSynonyms(path = STARTING_SYNONYMS_FILE): SynonymPair[] {
  return readFileSync(path, 'utf8').split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => { const [term, canonical] = l.split(/\s+/); return { term, canonical } })
    .filter((p) => p.term && p.canonical && p.term !== p.canonical)
}

/**
 * A rewriter that reads every term as its canonical word, in one left-to-right pass, longest match
 * first. Canonical words are matched too (mapped to themselves), so 核酸 → 核酸检测 does not turn
 * an existing 核酸检测 into 核酸检测检测, and a rewrite is never rewritten again.
 */
export function createSynonymRewriter(pairs: readonly SynonymPair[]): (text: string) => string {
  const map = new Map<string, string>()
  for (const { canonical } of pairs) map.set(canonical, canonical)
  for (const { term, canonical } of pairs) map.set(term, canonical)
  if (map.size === 0) return (text) => text
  const re = new RegExp([...map.keys()].sort((a, b) => b.length - a.length).map(escapeRe).join('|'), 'g')
  return (text) => text.replace(re, (m) => map.get(m)!)
}
