// What jieba, OpenCC and pinyin make of an entry: the costly part of indexing it, and all of it
// plain data, so that it can be kept between runs (the search service's token cache, search.index.ts).
import { pinyin } from 'pinyin-pro'
import { compactText, normalizeText } from './normalize.ts'
import { cutWords, indexTerms } from './tokenizer.ts'
import type { MatchDocument } from './matcher.ts'
import type { ModelOptions } from './model.ts'

export interface EntryTokens {
  /** [standard, ...similar], blank ones left out. */
  questions: {
    /** Normalised, without synonyms (what typeahead compares). */
    plain: string
    /** Normalised with synonyms read, spaces kept. */
    text: string
    /** jieba's words of `text`, in order, stop words included. */
    words: string[]
    /** Toneless pinyin syllables of the compact text (null when pinyin is off). */
    pinyin: string[] | null
  }[]
  /** Normalised start of the answer, with synonyms read. */
  answer: string
  answerWords: string[]
  keywordWords: string[]
  /** The questions cut for search, for typeahead. */
  typeahead: string[]
}

/** The model options an entry's tokens depend on (besides its texts, the dictionary and the synonyms). */
export type TokenOptions = Pick<ModelOptions, 'cutMode' | 'pinyin' | 'answerChars'>
/** The same, picked out of all the options: part of the token cache's key. */
export const tokenOptions = (o: TokenOptions): TokenOptions => ({ cutMode: o.cutMode, pinyin: o.pinyin, answerChars: o.answerChars })

/** An entry's questions as written: [standard, ...similar], blank ones left out. */
export const questionTextsOf = (doc: MatchDocument): string[] => [doc.question, ...doc.similarQuestions].filter((q) => q && q.trim())

export function syllables(compact: string): string[] {
  // Without tones, tone sandhi (一, 不) changes nothing but costs half the time.
  return pinyin(compact, { toneType: 'none', type: 'array', nonZh: 'consecutive', toneSandhi: false })
}

/** Cuts entries (cacheable: the result depends only on the entry, the options, the dictionary and the synonyms). */
export function createEntryTokenizer(options: TokenOptions, rewrite: (normalized: string) => string) {
  const { cutMode, answerChars } = options
  const prepare = (raw: string) => rewrite(normalizeText(raw))
  const tokenize = (text: string) => indexTerms(text, cutMode)
  return function tokenizeEntry(doc: MatchDocument): EntryTokens {
    const questions = questionTextsOf(doc).map((q) => {
      const plain = normalizeText(q)
      const text = rewrite(plain)
      return { plain, text, words: cutWords(text, cutMode), pinyin: options.pinyin ? syllables(compactText(text)) : null }
    })
    const answer = prepare(doc.answer.slice(0, answerChars))
    return {
      questions,
      answer,
      answerWords: answer ? tokenize(answer) : [],
      keywordWords: doc.keywords.flatMap((k) => tokenize(prepare(k))),
      // As written and with synonyms read, so both what the agent sees and its canonical form match.
      typeahead: questions.flatMap((q) => indexTerms(q.text === q.plain ? q.plain : `${q.plain} ${q.text}`, 'search')),
    }
  }
}
