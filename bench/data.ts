// Libraries of a given size built from the public benchmark data in ../shared/benchmarks (never copied here).
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

export const BENCHMARKS = fileURLToPath(new URL('../../shared/benchmarks/', import.meta.url))

export interface LibraryEntry { externalId: string; question: string; answer: string }
export interface Query { query: string; gold: string }

const readJsonl = <T>(path: string): T[] =>
  readFileSync(BENCHMARKS + path, 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as T)

export function loadTask(name: 'lcqmc' | 'afqmc' | 'tipdm') {
  const library = readJsonl<{ id: string; question?: string; answer?: string }>(`${name}/library.jsonl`)
    .map((r) => ({ externalId: r.id, question: r.question ?? '', answer: r.answer ?? '' }))
  const queries = readJsonl<{ query: string; gold: string }>(`${name}/queries.jsonl`).map((q) => ({ query: q.query, gold: q.gold }))
  return { library, queries }
}

/** Every distinct sentence of the pair files and the ncppolicies questions: distractors for larger libraries. */
function distractorPool(exclude: Set<string>): LibraryEntry[] {
  const seen = new Set(exclude)
  const out: LibraryEntry[] = []
  const add = (question: string, answer: string, id: string) => {
    const q = question.trim()
    if (q.length < 4 || seen.has(q)) return
    seen.add(q)
    out.push({ externalId: id, question: q, answer })
  }
  const ncp = readFileSync(BENCHMARKS + 'ncppolicies/train.csv', 'utf8').split('\n').slice(1)
  ncp.forEach((line, i) => {
    const [, , question, answer] = line.split('\t')
    if (question) add(question, answer ?? '', `ncp-${i}`)
  })
  for (const file of ['lcqmc/dev.txt', 'lcqmc/test.txt', 'afqmc/dev.txt', 'afqmc/test.txt']) {
    readFileSync(BENCHMARKS + file, 'utf8').split('\n').forEach((line, i) => {
      const [s1, s2] = line.split('\t')
      if (s1) add(s1, '', `${file}-${i}-a`)
      if (s2) add(s2, '', `${file}-${i}-b`)
    })
  }
  return out
}

/**
 * A library of `size` entries that contains the LCQMC task library (or as much of it as fits), so the LCQMC
 * queries measure quality at every size; the rest are real sentences from the other sets and, past what
 * they hold, variants that join two of them.
 */
export function buildLibrary(size: number): { entries: LibraryEntry[]; queries: Query[] } {
  const lcqmc = loadTask('lcqmc')
  const core = lcqmc.library.slice(0, Math.min(size, lcqmc.library.length))
  const coreIds = new Set(core.map((e) => e.externalId))
  const queries = lcqmc.queries.filter((q) => coreIds.has(q.gold))
  const entries = [...core]
  if (entries.length < size) {
    // Queries must not find themselves among the distractors.
    const pool = distractorPool(new Set([...lcqmc.library.map((e) => e.question), ...lcqmc.queries.map((q) => q.query)]))
    for (const e of pool) {
      if (entries.length >= size) break
      entries.push(e)
    }
    for (let i = 0; entries.length < size; i++) {
      const a = pool[i % pool.length]
      const b = pool[(i * 7919 + 13) % pool.length]
      entries.push({ externalId: `mix-${i}`, question: `${a.question}，${b.question}`, answer: a.answer || b.answer })
    }
  }
  return { entries, queries }
}
