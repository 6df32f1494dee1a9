// Retrieval: which entries are worth re-ranking. Three views over every entry, each a compact
// posting index (postings.ts): words (BM25+ over question, similar questions, keywords and the start
// of the answer, each field with its boost), character bigrams (what word cutting misses) and
// toneless pinyin bigrams (homophone typos). Each view's best entries are fused by reciprocal rank
// into the pool that the re-ranker scores (rerank.ts).
import { createPostingIndex, type PostingIndex } from './postings.ts'
import { STOP_WORDS, compactText } from './normalize.ts'
import { commonCharacters } from './tokenizer.ts'
import { bigramList } from './features.ts'
import { LETTER_CHARS, readLetter } from './letter.ts'
import { syllableBigrams, type PreparedEntry, type PreparedQuery, type TextPreparer } from './prepared-text.ts'
import type { EntryTokens } from './entry-tokens.ts'
import type { MatchDocument } from './matcher.ts'
import type { ModelOptions } from './model.ts'

/** A question is read whole; a letter as its body and each sentence that asks something. */
export interface Part { text: string; sentence: string | null }

/**
 * A question sentence shorter than this (要准备什么材料？) is read with the sentence before it: alone
 * it matched whichever entry asks about materials (domain-dev letters R@1 0.822 → 0.844; tipdm-letters
 * 0.588 → 0.587, its held-out half unchanged at 0.593). `matchedSentence` stays the question itself.
 */
const SHORT_QUESTION_CHARS = 16

/**
 * A letter's first this many question sentences are read on their own (the body holds the others).
 * Three, not four: the same R@1 on domain-dev and tipdm-letters (0.874 / 0.587, with two as well),
 * and a letter's p99 at 10,000 entries about 0.8 ms lower (docs/matching.md).
 */
export const MAX_QUESTION_PARTS = 3

/**
 * A letter's body is read up to this many characters; its question sentences are found in all of it.
 * A letter runs to 2,000 characters, and reading its body costs in proportion (cutting, the features
 * against 30 answers). With 900: tipdm-letters R@1 0.587 → 0.586 (the held-out odd half unchanged at
 * 0.590), domain-dev letters unchanged at 0.874, and a letter's p99 at 10,000 entries about 1 ms lower
 * (docs/matching.md). Whatever it asks further on is still read: its first MAX_QUESTION_PARTS question
 * sentences as parts of their own, and any other question past the cut at the end of the body (up to
 * LATE_QUESTION_CHARS of them, in place of as much of the narrative).
 */
export const BODY_CHARS = 900
const LATE_QUESTION_CHARS = 300

/** The first `max` characters of a text (BODY_CHARS unless told), never half a surrogate pair. */
function head(text: string, max = BODY_CHARS): string {
  if (text.length <= max) return text
  return text.slice(0, /[\uD800-\uDBFF]/.test(text[max - 1]) ? max - 1 : max)
}

/**
 * What a question is read as: a short one whole; a letter (LETTER_CHARS or more) as its body
 * without greetings and closings, plus each sentence that asks something (the first
 * MAX_QUESTION_PARTS), so that its questions are not drowned by the narrative around them.
 */
export function partsOf(question: string): { parts: Part[]; questions: string[] } {
  if (question.replace(/\s/g, '').length < LETTER_CHARS) return { parts: [{ text: question, sentence: null }], questions: [] }
  const reading = readLetter(question)
  const read = head(reading.body)
  const parts: Part[] = [{ text: read, sentence: null }]
  const ss = reading.sentences
  let asked = 0
  const late: string[] = []
  // By position, so a question asked twice gets the sentence before each occurrence.
  for (let k = 0; k < ss.length; k++) {
    if (ss[k].kind !== 'question') continue
    const sentence = ss[k].text
    if (asked === MAX_QUESTION_PARTS) {
      if (read.length < reading.body.length && !read.includes(sentence)) late.push(sentence)
      continue
    }
    asked++
    if (sentence === reading.body) continue
    const bare = sentence.replace(/[\p{P}\p{S}\s]/gu, '')
    // A short question sentence (要准备什么材料？) says what is asked but not about what: the sentence before it does.
    const before = k > 0 && ss[k - 1].kind !== 'formulaic' ? ss[k - 1].text : ''
    parts.push({ text: head(bare.length < SHORT_QUESTION_CHARS && before ? before + sentence : sentence), sentence })
  }
  if (late.length) {
    const questions = head(late.join(''), LATE_QUESTION_CHARS)
    parts[0] = { text: head(read, BODY_CHARS - questions.length) + questions, sentence: null }
  }
  return { parts, questions: reading.questions }
}

/** One part's retrieval: each view's best `viewDepth`, with scores and ranks. */
export interface PartHits {
  part: Part
  q: PreparedQuery
  searchTerms: string[]
  word: Map<number, { score: number; rank: number; termMask: number }>
  gram: Map<number, { score: number; rank: number }>
  sound: Map<number, { score: number; rank: number }>
  bestWord: number
  bestGram: number
}

/** Retrieval's terms and its expansion by related words are at most this many per view. */
const MAX_EXPANDED_TERMS = 32

export function createRetrieval(o: ModelOptions, text: TextPreparer, librarySize: () => number) {
  const { viewDepth, maxDf, maxDfShare, maxQueryTerms, maxGramTerms, gramView } = o
  const pinyinView = o.pinyinView && o.pinyin
  const gramAnswerChars = Math.min(o.gramAnswerChars, o.answerChars)
  // The fields are handed over already cut, so each text goes through jieba once.
  const FIELD_BOOSTS = [o.boosts.question, o.boosts.similar, o.boosts.keywords, o.boosts.answer]
  const ANSWER_FIELD = 3
  const GRAM_BOOSTS = [o.gramBoosts.qgrams, o.gramBoosts.agrams]
  let postings = createPostingIndex(FIELD_BOOSTS.length)
  // The bigram view's index: fields qgrams (the questions' bigrams) and agrams (the answer start's).
  const newGrams = () => (gramView ? createPostingIndex(2, { plain: true }) : null)
  const inGramView = (questions: number) => gramView === true || (gramView === 'answer-only' && questions === 0)
  let grams = newGrams()
  // The pinyin view: one field, the questions' toneless syllable bigrams.
  const newSounds = () => (pinyinView ? createPostingIndex(1) : null)
  let sounds = newSounds()

  function add(doc: MatchDocument, tokens: EntryTokens, entry: PreparedEntry) {
    const questions = entry.questions
    const indexWords = (words: string[]) => words.filter((w) => !STOP_WORDS.has(w))
    const hasStandard = doc.question.trim() !== ''
    postings.add(doc.id, [
      hasStandard ? indexWords(tokens.questions[0].words) : [],
      tokens.questions.slice(hasStandard ? 1 : 0).flatMap((q) => indexWords(q.words)),
      tokens.keywordWords,
      tokens.answerWords,
    ])
    if (inGramView(questions.length)) {
      const keywordGrams = doc.keywords.flatMap((k) => bigramList(compactText(text.prepare(k))))
      grams?.add(doc.id, [[...questions.flatMap((p) => bigramList(p.text)), ...keywordGrams], bigramList(entry.answer.slice(0, questions.length ? o.gramAnswerCharsWithQuestions : gramAnswerChars))])
    }
    if (sounds) {
      const syl = tokens.questions.flatMap((q) => (q.pinyin ? syllableBigrams(q.pinyin) : []))
      if (syl.length) sounds.add(doc.id, [syl])
    }
  }

  function remove(id: number) {
    postings.remove(id)
    grams?.remove(id)
    sounds?.remove(id)
  }

  function clear() {
    postings = createPostingIndex(FIELD_BOOSTS.length); grams = newGrams(); sounds = newSounds()
  }

  /**
   * How common a word or bigram may be and still be looked up. A small library looks up everything
   * (in a 150-entry library, 公积金 is in 10% of the entries and still decides); a large one leaves
   * out what is in more than maxDfShare of the entries, at most maxDf: those posting lists cost the
   * most and weigh the least (they still count in re-ranking).
   */
  const lookupLimit = (n: number) => Math.max(200, Math.min(maxDf, maxDfShare * n))

  /** The query's words worth looking up: not too common, at most maxQueryTerms, rarest first. */
  function retrievalTerms(terms: string[]): string[] {
    const limit = lookupLimit(librarySize())
    const byRarity = terms.map((t) => ({ t, df: postings.df(t) })).filter((x) => x.df > 0).sort((a, b) => a.df - b.df)
    const kept = byRarity.filter((x, i) => i < 2 || x.df <= limit).slice(0, maxQueryTerms)
    return kept.map((x) => x.t)
  }

  /** The same for a view's terms (bigrams, syllable bigrams): known, not too common, at most `max`, rarest first. */
  function viewTerms(terms: readonly string[], view: PostingIndex, max: number): string[] {
    const limit = lookupLimit(view.size)
    const byRarity: { g: string; df: number }[] = []
    for (const g of terms) { const df = view.df(g); if (df > 0) byRarity.push({ g, df }) }
    byRarity.sort((a, b) => a.df - b.df)
    return byRarity.filter((x, i) => i < 2 || x.df <= limit).slice(0, max).map((x) => x.g)
  }

  /** The bigram view, unless it is off or empty. */
  const liveGrams = () => (grams !== null && grams.size > 0 ? grams : null)

  function retrieve(part: Part, filter: ((id: number) => boolean) | undefined): PartHits | null {
    // Homophones are looked for in a part shorter than a letter (a caller's question, a letter's
    // question sentence), counted as letters are (LETTER_CHARS, on the text as written).
    // Typos are read as the library's words (sound-lexicon.ts) in a question read whole, not in a letter's sentences.
    const short = part.text.replace(/\s/g, '').length < LETTER_CHARS
    const { prepared: q, searchTerms: allTerms } = text.prepareQuery(part.text, { sounds: short, typos: short && part.sentence === null })
    if (allTerms.length === 0 && q.bigramStrings.length === 0) return null
    // In a letter's body or a long sentence, characters jieba leaves as words of their own and that are
    // common anywhere (一、上、人、去、做) find entries that merely use them, and crowd out the words that tell.
    const common = short ? null : commonCharacters()
    const searchTerms = retrievalTerms(common ? allTerms.filter((t) => !common.has(t)) : allTerms)
    const related = q.relatedWords.filter((r) => postings.df(r.word) > 0).slice(0, Math.max(0, MAX_EXPANDED_TERMS - searchTerms.length))
    const wordHits = postings.search([...searchTerms, ...related.map((r) => r.word)], FIELD_BOOSTS, viewDepth, filter, [...searchTerms.map(() => 1), ...related.map((r) => r.weight)])
    const word = new Map(wordHits.map((h, rank) => [h.id, { score: h.score, rank, termMask: h.termMask }]))
    const gram = new Map<number, { score: number; rank: number }>()
    const gramView = liveGrams()
    if (gramView) {
      const terms = viewTerms(q.bigramStrings, gramView, maxGramTerms)
      const rel = q.relatedGrams.filter((r) => gramView.df(r.gram) > 0).slice(0, Math.max(0, MAX_EXPANDED_TERMS - terms.length))
      gramView.search([...terms, ...rel.map((r) => r.gram)], GRAM_BOOSTS, viewDepth, filter, [...terms.map(() => 1), ...rel.map((r) => r.weight)])
        .forEach((h, rank) => gram.set(h.id, { score: h.score, rank }))
    }
    const sound = new Map<number, { score: number; rank: number }>()
    if (sounds && sounds.size > 0 && q.soundGrams.length) {
      sounds.search(viewTerms(q.soundGrams, sounds, maxGramTerms), [1], viewDepth, filter).forEach((h, rank) => sound.set(h.id, { score: h.score, rank }))
    }
    return {
      part, q, searchTerms, word, gram, sound,
      bestWord: wordHits.length ? wordHits[0].score : 1,
      bestGram: gram.values().next().value?.score ?? 1, // inserted best first
    }
  }

  /** Reciprocal rank fusion over every part and view: an entry any view ranks well joins the pool. Best first, at most `pool`. */
  function fuse(hits: readonly PartHits[]): [id: number, fused: number][] {
    const fused = new Map<number, number>()
    const { rrfK } = o
    const add = (id: number, rank: number, w: number) => fused.set(id, (fused.get(id) ?? 0) + w / (rrfK + rank + 1))
    const { word: ww, gram: gw, sound: sw } = o.viewWeights
    for (const h of hits) {
      for (const [id, x] of h.word) add(id, x.rank, ww)
      for (const [id, x] of h.gram) add(id, x.rank, gw)
      for (const [id, x] of h.sound) add(id, x.rank, sw)
    }
    return [...fused].sort((a, b) => b[1] - a[1] || a[0] - b[0]).slice(0, o.pool)
  }

  return {
    add, remove, clear, retrieve, fuse, liveGrams,
    /** In how many entries' answers (the word view's answer field) a word is. */
    answerDf: (word: string) => postings.fieldDf(word, ANSWER_FIELD),
  }
}

export type Retrieval = ReturnType<typeof createRetrieval>
