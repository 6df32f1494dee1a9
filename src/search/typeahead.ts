// Typeahead: entries whose questions start with what an agent is typing. It runs on MiniSearch,
// whose prefix search suits a question being typed: the index holds the questions cut for search
// (住房公积金 → 住房, 公积, 公积金, …), as written and with synonyms read, so that a prefix can start
// inside a long dictionary word.
import MiniSearch from 'minisearch'
import { STOP_WORDS, compactText, normalizeText } from './normalize.ts'
import { cutWords } from './tokenizer.ts'
import type { PreparedEntry, QuestionFrequencies } from './prepared-text.ts'

/**
 * MiniSearch's radix tree scans a node's children one by one, and with Chinese terms the root has
 * thousands of them (one per first character): indexing a library took ~300 µs per entry. Each
 * non-ASCII character is spelt as four letters A–P (its UTF-16 code in hexadecimal), which bounds
 * every node to 16 + 36 children. The code has a fixed length per character, so a prefix of a term
 * is still a prefix of its code and prefix search works as before. Terms are lower case, so the
 * capitals never collide with ASCII letters.
 */
export function encodeTerm(term: string): string {
  let out = ''
  for (let i = 0; i < term.length; i++) {
    const c = term.charCodeAt(i)
    out += c < 128 ? term[i] : String.fromCharCode(65 + (c >> 12), 65 + ((c >> 8) & 15), 65 + ((c >> 4) & 15), 65 + (c & 15))
  }
  return out
}

export function decodeTerm(code: string): string {
  let out = ''
  for (let i = 0; i < code.length;) {
    const c = code.charCodeAt(i)
    if (c >= 65 && c <= 80) {
      out += String.fromCharCode(((c - 65) << 12) | ((code.charCodeAt(i + 1) - 65) << 8) | ((code.charCodeAt(i + 2) - 65) << 4) | (code.charCodeAt(i + 3) - 65))
      i += 4
    } else { out += code[i]; i++ }
  }
  return out
}

export interface Suggestion { id: number; matchedQuestion: string; inForce: boolean; terms: string[] }

export interface TypeaheadDeps {
  entries: ReadonlyMap<number, PreparedEntry>
  rewrite: (normalized: string) => string
  /** A stored word's id, and how many entries' questions hold it: very common words narrow nothing down. */
  wordId: (word: string) => number | undefined
  frequencies: QuestionFrequencies
  maxDf: number
  maxDfShare: number
  /** Reads homophone typos as the library's words (sound-lexicon.ts), tried when what was typed finds nothing. */
  correct?: (normalized: string) => { text: string; corrections: readonly unknown[] }
}

export function createTypeahead({ entries, rewrite, wordId, frequencies, maxDf, maxDfShare, correct }: TypeaheadDeps) {
  const newIndex = () => new MiniSearch<{ id: number; typeahead: string }>({
    fields: ['typeahead'],
    tokenize: (text) => text.split(' '),
    processTerm: encodeTerm,
    searchOptions: { tokenize: (q) => q.split(' '), processTerm: encodeTerm },
  })
  let index = newIndex()

  /**
   * Entries whose questions hold every typed word, the last one as a prefix. Chinese input that is
   * still being typed often cuts into single characters (公积 → 公/积), so the last two or three
   * pieces are also tried joined as one prefix. What finds nothing is tried with its synonyms read,
   * then with its homophone typos read as the library's words.
   */
  function suggest(text: string, opts: { limit: number; topic?: string | null }): Suggestion[] {
    const typed = normalizeText(text)
    if (!typed) return []
    const first = suggestFor(typed, opts)
    if (first.length) return first
    const rewritten = rewrite(typed)
    const second = rewritten === typed ? [] : suggestFor(rewritten, opts)
    if (second.length || !correct) return second
    // 婚因登 finds nothing; 婚姻登 does.
    const read = correct(typed)
    return read.corrections.length ? suggestFor(rewrite(read.text), opts) : []
  }

  function suggestFor(normalized: string, opts: { limit: number; topic?: string | null }): Suggestion[] {
    const words = cutWords(normalized, 'cut')
    // Stop words and very common words (怎么) are dropped before the last piece: each looked-up
    // word costs its whole posting list, and they narrow nothing down.
    const common = Math.max(20, Math.min(maxDf, maxDfShare * entries.size))
    const isCommon = (w: string) => { const id = wordId(w); return STOP_WORDS.has(w) || (id !== undefined && frequencies.df(id) > common) }
    const kept = words.filter((w, i) => i === words.length - 1 || !isCommon(w))
    // A last piece that is itself a common word (怎么) would expand to most of the index.
    if (kept.length && isCommon(kept[kept.length - 1])) kept.pop()
    if (kept.length === 0) return []
    const topic = opts.topic
    const filter = topic ? (r: { id: number }) => entries.get(r.id)?.doc.topicCode === topic : undefined
    const typedTail = compactText(normalized).slice(-4)
    const questionTexts = (e: PreparedEntry) => e.plainTexts.map((n, i) => [n, e.questions[i].text])
    for (let k = Math.min(3, kept.length); k >= 1; k--) {
      const last = kept.slice(kept.length - k).join('')
      if (k > 1 && last.length > 4) continue
      const before = kept.slice(0, kept.length - k)
      // A single character is too short a prefix to expand (it would touch most of the index):
      // look up the words before it, then keep the questions that hold what was typed.
      const single = last.length < 2 && !/^[a-z0-9]/.test(last)
      if (single && before.length === 0) continue
      const hits = index.search((single ? before : [...before, last]).join(' '), {
        fields: ['typeahead'], combineWith: 'AND',
        prefix: (_t: string, i: number, all: string[]) => !single && i === all.length - 1,
        filter: filter as never,
      })
      const chosen: Suggestion[] = []
      for (const h of hits.slice(0, single ? 200 : opts.limit)) {
        const e = entries.get(h.id as number)!
        const texts = questionTexts(e)
        if (single && !texts.some((pair) => pair.some((x) => x.includes(typedTail)))) continue
        const matched = h.terms.map(decodeTerm)
        const found = single ? [...matched, typedTail] : matched
        // The question (standard or similar) that holds most of the matched words.
        let best = 0
        let bestCount = -1
        texts.forEach((pair, i) => {
          const count = found.filter((t) => pair.some((x) => x.includes(t))).length
          if (count > bestCount) { best = i; bestCount = count }
        })
        chosen.push({ id: e.doc.id, matchedQuestion: e.questionTexts[best] ?? e.doc.question, inForce: e.doc.inForce, terms: found })
        if (chosen.length >= opts.limit) break
      }
      if (chosen.length) return chosen
    }
    return []
  }

  return {
    /** `words`: the entry's questions cut for search (EntryTokens.typeahead). */
    add(id: number, words: readonly string[]) { index.add({ id, typeahead: words.join(' ') }) },
    remove(id: number) { index.discard(id) },
    clear() { index = newIndex() },
    suggest,
  }
}
