// Homophone typos corrected against the library's own words. An agent typing in a hurry picks the
// wrong character of the right sound (婚因 for 婚姻, 失叶金 for 失业金, 网越车 for 网约车): the pinyin view
// finds such an entry, but every other feature compares characters and words, so the entry that is
// found ranks below one that merely shares the correctly typed words. A stretch of the question that
// sounds exactly like a word of the library, differs from it in one character (two in a word of
// four or more) and is not a word itself is read as that word, before synonyms are read.
import { pinyin } from 'pinyin-pro'
import { STOP_WORDS } from './normalize.ts'

/** Words of two to six characters: 婚姻, 失业金, 灵活就业人员. */
const MAX_CHARS = 6
// Han characters of the Basic Multilingual Plane only: a character outside it is two UTF-16 units,
// and the stretches here are indexed by unit. Rarer characters simply break a run.
const HAN = /^(?:(?![\u{10000}-\u{10FFFF}])\p{Script=Han}){2,6}$/u
/** A typo is never read into or out of a negation (不交 is not 补交, 补发 not 不发). */
const NEGATIONS = new Set('不没无未非别莫勿否')
const HAN_RUN = /(?:(?![\u{10000}-\u{10FFFF}])\p{Script=Han})+/gu

/** A correction made to a question: the characters as typed and the library's word read instead. */
export interface Correction { from: string; to: string }

// A character's toneless syllable, in its most common reading, as a small number: the same on the
// library's side and the question's, memoised per character (at most the BMP's Han characters), so a
// question's stretches cost no pinyin look-up and no strings. A typo between two readings of one
// character (长 chang / zhang) is not found.
// 0 is no sound: pinyin-pro has no reading for some rare characters (it hands them back as they are).
const syllableIds = new Map<string, number>()
const charSounds = new Map<string, number>()
function charSound(c: string): number {
  let id = charSounds.get(c)
  if (id === undefined) {
    const syllable = pinyin(c, { toneType: 'none' })
    id = /^[a-zü]+$/.test(syllable) ? syllableIds.get(syllable) ?? 0 : 0
    // About 410 toneless syllables exist, below SOUND_BASE; should there be more, the rest have no sound.
    if (id === 0 && /^[a-zü]+$/.test(syllable) && syllableIds.size + 1 < SOUND_BASE) { id = syllableIds.size + 1; syllableIds.set(syllable, id) }
    charSounds.set(c, id)
  }
  return id
}

/** Syllable numbers are below this: six of them make a number under 2^53, exact in a double. */
const SOUND_BASE = 420

/**
 * The sound of `text.slice(from, to)` (two to six Han characters) as one number, a digit per
 * syllable in base SOUND_BASE (digits from 1), so stretches of different lengths never share a
 * number; -1 if a character has no known sound (such a stretch is never read as another).
 */
function soundOf(text: string, from = 0, to = text.length): number {
  let key = 0
  for (let i = from; i < to; i++) {
    const id = charSound(text[i])
    if (id === 0) return -1
    key = key * SOUND_BASE + id
  }
  return key
}

/** Positions where `a` and `b` (same length) differ. */
function differing(a: string, b: string): number[] {
  const at: number[] = []
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) at.push(i)
  return at
}

export function createSoundLexicon() {
  // sound → word → in how many entries (or extra lists) it is.
  const bySound = new Map<number, Map<string, number>>()
  // Character bigrams of the library's questions (an answer-only entry's answer), by code as
  // features.ts bigramCodes makes them: a stretch the library itself writes is not a typo (网商贷).
  const written = new Map<number, number>()
  const sound = soundOf

  /** Counts the words in or out; true if a word came or went (corrections made before may no longer hold). */
  function bump(words: Iterable<string>, by: 1 | -1): boolean {
    let changed = false
    for (const w of new Set(words)) {
      if (!HAN.test(w)) continue
      const s = sound(w)
      if (s < 0) continue
      let m = bySound.get(s)
      if (!m) { if (by < 0) continue; m = new Map(); bySound.set(s, m) }
      const before = m.get(w) ?? 0
      if (before === 0 && by < 0) continue
      const n = before + by
      // A word coming or going changes corrections; so does a count where words share a sound (the commoner wins).
      if (n === 0 || before === 0 || m.size > 1) changed = true
      if (n > 0) m.set(w, n)
      else { m.delete(w); if (m.size === 0) bySound.delete(s) }
    }
    return changed
  }

  function bumpWritten(codes: Iterable<readonly number[]>, by: 1 | -1): boolean {
    let changed = false
    for (const list of codes) for (const c of list) {
      const n = (written.get(c) ?? 0) + by
      if (n > 0) { if (n === 1 && by > 0) changed = true; written.set(c, n) } else { changed = true; written.delete(c) }
    }
    return changed
  }

  const isWord = (w: string) => bySound.get(sound(w))?.has(w) ?? false
  const isWritten = (a: string, b: string) => written.has(a.charCodeAt(0) * 65536 + b.charCodeAt(0))

  /**
   * The library's word that `span` (as typed, not a word of the library) is a typo of, if any.
   * `loose(i)` says whether the span's i-th character was cut as a word of one character: a typo's
   * wrong character is (婚因 is cut 婚 / 因); a character inside a word is typed as meant (补发工资).
   */
  function wordFor(span: string, loose: (i: number) => boolean): string | null {
    const words = bySound.get(sound(span))
    if (!words || words.has(span)) return null
    const maxDiff = span.length >= 4 ? 2 : 1
    let best: string | null = null
    let bestCount = 0
    for (const [w, n] of words) {
      if (w.length !== span.length) continue
      const at = differing(span, w)
      if (at.length === 0 || at.length > maxDiff) continue
      if (at.some((i) => !loose(i) || NEGATIONS.has(span[i]) || NEGATIONS.has(w[i]))) continue
      // A character the library writes beside its neighbour here is typed as meant.
      if (at.some((i) => (i > 0 && isWritten(span[i - 1], span[i])) || (i + 1 < span.length && isWritten(span[i], span[i + 1])))) continue
      if (n > bestCount || (n === bestCount && best !== null && w < best)) { best = w; bestCount = n }
    }
    return best
  }

  /** Whether some stretch of a Han run sounds like a library word it is not (most questions have none, and are not cut here). */
  function mayHoldTypo(run: string): boolean {
    for (let i = 0; i + 1 < run.length; i++) {
      for (let len = 2; len <= MAX_CHARS && i + len <= run.length; len++) {
        const words = bySound.get(soundOf(run, i, i + len))
        if (words && !words.has(run.slice(i, i + len))) return true
      }
    }
    return false
  }

  /**
   * Reads homophone typos in a normalised question as the library's words. `cut` is how the
   * question's words are cut: a stretch is looked at only along word boundaries, only when it is not
   * one word itself (公式 is a word, so it is never read as 公示), and, up to four characters, only
   * when none of it is a stop word (我是 is never read as 我市, A市能 never as A失能).
   */
  function correct(normalized: string, cut: (text: string) => string[]): { text: string; corrections: Correction[] } {
    if (bySound.size === 0) return { text: normalized, corrections: [] }
    const corrections: Correction[] = []
    const text = normalized.replace(HAN_RUN, (run) => {
      if (run.length < 2 || !mayHoldTypo(run)) return run
      const words = cut(run)
      if (words.join('') !== run) return run
      const out: string[] = []
      let i = 0
      let start = 0 // where words[i] starts in the run
      while (i < words.length) {
        let done = false
        // Longest first: a stretch of up to six characters, ending on a word boundary.
        for (let j = Math.min(words.length, i + MAX_CHARS); j > i && !done; j--) {
          const tokens = words.slice(i, j)
          const span = tokens.join('')
          if (span.length < 2 || span.length > MAX_CHARS) continue
          if (tokens.length === 1) continue // a word of its own, as typed
          // 我是 is not 我市, 市能 not 失能; a long stretch may hold a stop word, but its wrong character is none (灵活就叶人员).
          if (span.length <= 4 && tokens.some((t) => STOP_WORDS.has(t))) continue
          // A stretch that would break a word of the library at its edge is typed as meant (房本去 is not 房本区).
          if (start > 0 && isWord(run.slice(start - 1, start + 1))) continue
          if (start + span.length < run.length && isWord(run.slice(start + span.length - 1, start + span.length + 1))) continue
          const single = tokens.flatMap((t) => [...t].map(() => t.length === 1 && !STOP_WORDS.has(t)))
          const to = wordFor(span, (k) => single[k])
          if (to === null) continue
          corrections.push({ from: span, to })
          out.push(to)
          start += span.length
          i = j
          done = true
        }
        if (!done) { out.push(words[i]); start += words[i].length; i++ }
      }
      return out.join('')
    })
    return { text, corrections }
  }

  return {
    /**
     * Words of an entry (or an extra list) that typos are read as, and the character bigrams (codes)
     * it writes. True if a word or bigram came or went: corrections made before may no longer hold.
     */
    add(words: Iterable<string>, bigrams: Iterable<readonly number[]> = []): boolean {
      const a = bump(words, 1)
      const b = bumpWritten(bigrams, 1)
      return a || b
    },
    remove(words: Iterable<string>, bigrams: Iterable<readonly number[]> = []): boolean {
      const a = bump(words, -1)
      const b = bumpWritten(bigrams, -1)
      return a || b
    },
    correct,
    isWord,
    clear() { bySound.clear(); written.clear() },
    get size() { return bySound.size },
  }
}

export type SoundLexicon = ReturnType<typeof createSoundLexicon>
