// Loaders for the public benchmark data in ../shared/benchmarks (never copied into the repository).
import { existsSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { MatchDocument } from '../src/search/matcher.ts'
import { createRelatedTerms, createSynonymRewriter, readStartingSynonyms, soundWordsOf } from '../src/search/synonyms.ts'

export const BENCH_DIR = fileURLToPath(new URL('../../shared/benchmarks/', import.meta.url))

export interface LibraryLine { id: string; question?: string; answer?: string; similarQuestions?: string[]; keywords?: string[]; topic?: string; unit?: string }
/** `style` (domain-dev): `phone` for what a caller says, `letter` for a website mailbox letter. */
export interface QueryLine { query: string; gold: string; qid: string; style?: string }
/** A question no entry answers (domain-dev's negatives). */
export interface NegativeLine { query: string; qid: string; kind: string; style: string }
export interface RetrievalTask { name: string; library: LibraryLine[]; queries: QueryLine[]; negatives: NegativeLine[] }

const jsonl = <T>(path: string): T[] => readFileSync(path, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as T)

export function loadTask(name: string): RetrievalTask {
  const dir = BENCH_DIR + name + '/'
  if (!existsSync(dir + 'library.jsonl')) throw new Error(`benchmark data not found: ${dir} (expected ../shared/benchmarks beside the repository)`)
  const negatives = existsSync(dir + 'negatives.jsonl') ? jsonl<NegativeLine>(dir + 'negatives.jsonl') : []
  return { name, library: jsonl<LibraryLine>(dir + 'library.jsonl'), queries: jsonl<QueryLine>(dir + 'queries.jsonl'), negatives }
}

/** `s1 TAB s2 TAB label` pairs (LCQMC / AFQMC dev and test files). */
export function loadPairs(path: string): { a: string; b: string; label: number }[] {
  return readFileSync(path, 'utf8').split('\n').filter(Boolean).map((l) => {
    const [a, b, label] = l.split('\t')
    return { a, b, label: Number(label) }
  })
}

/** Library lines as documents; numeric ids are positions, the external id is kept beside them. */
export function toDocuments(library: LibraryLine[], keep: (line: LibraryLine) => boolean = () => true): { docs: MatchDocument[]; externalIds: string[] } {
  const docs: MatchDocument[] = []
  const externalIds: string[] = []
  library.forEach((l, i) => {
    externalIds.push(l.id)
    if (!keep(l)) return
    // As a district imports its library: similar questions and keywords go in with the entry.
    docs.push({ id: i + 1, question: l.question ?? '', similarQuestions: l.similarQuestions ?? [], keywords: l.keywords ?? [], answer: l.answer ?? '', topicCode: l.topic ?? null, inForce: true })
  })
  return { docs, externalIds }
}

/** Everything an entry holds, as one text (for the character-bigram baseline). */
export function fullText(l: LibraryLine): string {
  return [l.question ?? '', ...(l.similarQuestions ?? []), ...(l.keywords ?? []), l.answer ?? ''].join('。')
}

/** A small deterministic PRNG (mulberry32) so held-out splits are the same on every run. */
export function rng(seed: number) {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/**
 * `--grams` of eval and fit, and GRAMS of match-latency: absent is the matcher's default
 * ('answer-only'); `true` every entry; `off` none. Anything else is refused, not read as off.
 */
export function gramViewArg(value: string | undefined): boolean | 'answer-only' | undefined {
  if (value === undefined) return undefined
  if (value === 'answer-only') return 'answer-only'
  if (value === 'true' || value === '1') return true
  if (value === 'off' || value === 'false') return false
  throw new Error(`--grams must be answer-only, true or off, not ${value}`)
}

/**
 * The vocabulary a fresh service starts with (synonyms.txt, seeded into the synonyms table): synonyms
 * rewrite, related terms expand. Benchmarks build their matchers with both, as the service does.
 */
export function startingVocabulary() {
  const pairs = readStartingSynonyms()
  return { rewrite: createSynonymRewriter(pairs), related: createRelatedTerms(pairs), soundWords: soundWordsOf(pairs) }
}
