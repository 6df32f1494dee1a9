import { fileURLToPath } from 'node:url'
import jieba from 'nodejieba'
import { STOP_WORDS } from './normalize.ts'

export const POLICY_TERMS_FILE = fileURLToPath(new URL('./data/policy-terms.txt', import.meta.url))

/**
 * How jieba cuts: `cut` is the dictionary's most probable path; `hmm` adds the HMM for words not in
 * the dictionary (景蓉华苑); `search` (cutForSearch) also emits the shorter words inside long ones;
 * `search-hmm` does both.
 */
export type CutMode = 'cut' | 'hmm' | 'search' | 'search-hmm'
export const CUT_MODES: readonly CutMode[] = ['cut', 'hmm', 'search', 'search-hmm']

// jieba is one native instance per process; its dictionary is process state. It is loaded on
// first use (about 2 s), so a process that never cuts text never pays for it. We track what was
// inserted so that removing a term can reload the base dictionary (jieba has no removeWord).
let loaded = false
let wanted = new Set<string>()
const inserted = new Set<string>()
let dictionaryVersion = 0

function ensureLoaded() {
  if (loaded) return
  jieba.load({ userDict: POLICY_TERMS_FILE })
  inserted.clear()
  for (const t of wanted) { jieba.insertWord(t); inserted.add(t) }
  loaded = true
}

/** Loads jieba now rather than on the first question (start-up warms it when there is a library). */
export function warmUp() {
  ensureLoaded()
}

/**
 * Makes jieba's runtime words exactly `terms` (on top of the shipped policy terms). Adding only
 * inserts; removing reloads the dictionaries. Returns true if anything changed.
 */
export function setRuntimeTerms(terms: Iterable<string>): boolean {
  const next = new Set([...terms].map((t) => t.trim()).filter(Boolean))
  const same = next.size === wanted.size && [...next].every((t) => wanted.has(t))
  wanted = next
  if (same) return false
  dictionaryVersion++
  if (!loaded) return true
  if ([...inserted].some((t) => !next.has(t))) {
    jieba.load({ userDict: POLICY_TERMS_FILE })
    inserted.clear()
  }
  for (const t of next) {
    if (inserted.has(t)) continue
    jieba.insertWord(t)
    inserted.add(t)
  }
  return true
}

/** Bumped whenever jieba's dictionary changes, so caches of cut results know to drop themselves. */
export const currentDictionaryVersion = () => dictionaryVersion

// Runs of Latin letters and digits (261路, c5, 2020年) are words of their own: without the HMM
// jieba would cut them into single characters.
const SEGMENTS_RE = /[a-z0-9]+|[^a-z0-9 ]+/g
const ALNUM_RE = /^[a-z0-9]/

/** Words of normalised text (lower case, spaces between phrases), as jieba cuts them. */
export function cutWords(text: string, mode: CutMode): string[] {
  ensureLoaded()
  const hmm = mode === 'hmm' || mode === 'search-hmm'
  const forSearch = mode === 'search' || mode === 'search-hmm'
  const out: string[] = []
  for (const seg of text.match(SEGMENTS_RE) ?? []) {
    if (ALNUM_RE.test(seg)) { out.push(seg); continue }
    for (const w of forSearch ? jieba.cutForSearch(seg, hmm) : jieba.cut(seg, hmm)) if (w.trim()) out.push(w)
  }
  return out
}

/** The words that count for retrieval: jieba's words without stop words. */
export function indexTerms(text: string, mode: CutMode): string[] {
  const out: string[] = []
  for (const w of cutWords(text, mode)) if (!STOP_WORDS.has(w)) out.push(w)
  return out
}

/**
 * A bounded memo for per-query work (normalising and cutting): callers repeat themselves, agents
 * retype, typeahead sends every prefix. Cleared wholesale when full, which is cheaper than LRU upkeep.
 */
export function createMemo<V>(max = 20_000) {
  let map = new Map<string, V>()
  let version = dictionaryVersion
  return {
    get(key: string, compute: () => V): V {
      if (version !== dictionaryVersion) { map = new Map(); version = dictionaryVersion }
      let v = map.get(key)
      if (v === undefined) {
        v = compute()
        if (map.size >= max) map = new Map()
        map.set(key, v)
      }
      return v
    },
    clear() { map = new Map() },
  }
}
