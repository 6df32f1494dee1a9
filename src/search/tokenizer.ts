import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync, existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import jieba from 'nodejieba'
import { STOP_WORDS } from './normalize.ts'
import { fromRoot } from '../paths.ts'

export const POLICY_TERMS_FILE = fromRoot('src/search/data/policy-terms.txt')

/**
 * jieba's dictionary, without its rarest words. The full one (349k words) takes nodejieba 3.4 s to
 * load, twice over (its keyword extractor loads a copy); words seen fewer than 20 times in jieba's
 * corpus are mostly names and rare compounds, and without them (80k words left) loading takes
 * 0.4 s and matching is no worse: `npm run eval` gave R@1 0.948 / 0.263 / 0.539 on LCQMC / AFQMC /
 * TipDM with it, 0.944 / 0.262 / 0.530 with the full dictionary. Derived from the installed
 * nodejieba once and kept in node_modules/.cache.
 */
export const MIN_WORD_FREQUENCY = 20

let dictionaryFile: string | undefined
/** The main dictionary jieba loads (the trimmed one, or the full one where no cache can be written). */
export function dictionaryPath(): string {
  return (dictionaryFile ??= trimmedDictionary())
}

function trimmedDictionary(): string {
  // nodejieba exports the path of its dictionary, though its typings leave it out.
  const source = (jieba as unknown as { DEFAULT_DICT: string }).DEFAULT_DICT
  const { size, mtimeMs } = statSync(source)
  const name = `jieba-dict-min${MIN_WORD_FREQUENCY}-${size}-${Math.round(mtimeMs)}.utf8`
  for (const dir of [fromRoot('node_modules/.cache/policy-qa-kb'), join(tmpdir(), 'policy-qa-kb')]) {
    const path = join(dir, name)
    if (existsSync(path)) return path
    try {
      mkdirSync(dir, { recursive: true })
      const kept = readFileSync(source, 'utf8').split('\n').filter((line) => Number(line.split(' ')[1]) >= MIN_WORD_FREQUENCY)
      // Written aside and renamed, so a process starting at the same time never reads half a file.
      const partial = `${path}.${process.pid}-${Math.random().toString(36).slice(2)}.partial`
      writeFileSync(partial, kept.join('\n') + '\n')
      renameSync(partial, path)
      return path
    } catch { /* not writable: try the next place */ }
  }
  return source
}

// We never ask jieba for keywords, but nodejieba builds its keyword extractor on load, from an IDF
// table (6 MB) and a stop-word list that must not be empty: one-line stand-ins spare the parsing.
const IDF_STUB = fromRoot('src/search/data/jieba-idf-stub.utf8')
const STOP_WORDS_STUB = fromRoot('src/search/data/jieba-stop-words-stub.utf8')

function loadJieba() {
  jieba.load({ dict: dictionaryPath(), userDict: POLICY_TERMS_FILE, idfDict: IDF_STUB, stopWordDict: STOP_WORDS_STUB })
}

/**
 * How jieba cuts: `cut` is the dictionary's most probable path; `hmm` adds the HMM for words not in
 * the dictionary (景蓉华苑); `search` (cutForSearch) also emits the shorter words inside long ones;
 * `search-hmm` does both.
 */
export type CutMode = 'cut' | 'hmm' | 'search' | 'search-hmm'
export const CUT_MODES: readonly CutMode[] = ['cut', 'hmm', 'search', 'search-hmm']

// jieba is one native instance per process; its dictionary is process state. It is loaded on
// first use (about 0.5 s), so a process that never cuts text never pays for it. We track what was
// inserted so that removing a term can reload the base dictionary (jieba has no removeWord).
let loaded = false
let wanted = new Set<string>()
const inserted = new Set<string>()
let dictionaryVersion = 0

function ensureLoaded() {
  if (loaded) return
  loadJieba()
  inserted.clear()
  for (const t of wanted) { jieba.insertWord(t); inserted.add(t) }
  loaded = true
}

/** Loads jieba now rather than on the first question (start-up warms it when there is a library). */
export function warmUp() {
  ensureLoaded()
  commonCharacters()
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
    loadJieba()
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

/**
 * A character jieba's dictionary counts as a word of its own more often than this is common anywhere:
 * 一、上、不、人、去、做、出、时、号、小 are above it; 工 (3,771), 区 (24,952), 县, 村 and the characters
 * of place names below. Measured on letters (docs/matching.md): 20,000, 40,000 and 100,000 gave the same
 * domain-dev R@1.
 */
export const COMMON_CHARACTER_FREQUENCY = 40_000

let commonSingles: Set<string> | undefined
/** The common characters (COMMON_CHARACTER_FREQUENCY), read once from the dictionary jieba loads. */
export function commonCharacters(): ReadonlySet<string> {
  if (commonSingles) return commonSingles
  const out = new Set<string>()
  for (const line of readFileSync(dictionaryPath(), 'utf8').split('\n')) {
    const [w, f] = line.split(' ')
    if (w && w.length === 1 && Number(f) > COMMON_CHARACTER_FREQUENCY) out.add(w)
  }
  return (commonSingles = out)
}
