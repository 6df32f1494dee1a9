import * as OpenCC from 'opencc-js'

// 'tw' → 'cn' covers both OpenCC's standard traditional forms and the Taiwan variants (裡, 著) callers type.
const convert = OpenCC.Converter({ from: 'tw', to: 'cn' })

// OpenCC walks its phrase trie over the whole text, which dominates the cost of indexing long
// answers. Text with no character that OpenCC changes on its own is left as it is; what OpenCC does
// to each character is learnt once, in a table by character code (0 not yet known, 1 kept, 2 changed).
const changes = new Uint8Array(65536)
// 么 alone is 幺 to OpenCC (Taiwan's 么 is a variant of 幺), but in 什么/怎么 it stays 么: as a lone
// character it is not a sign of traditional text, and nearly every question has it.
changes['么'.charCodeAt(0)] = 1
function toSimplified(text: string): string {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i)
    let c = changes[code]
    // Characters beyond the BMP (surrogate pairs) are rare: any of them sends the text to OpenCC.
    if (c === 0) { c = (code >= 0xd800 && code <= 0xdfff) || convert(text[i]) !== text[i] ? 2 : 1; changes[code] = c }
    if (c === 2) return convert(text)
  }
  return text
}

/**
 * Hotline fillers: politeness and lead-ins that carry no meaning for matching. Longest first, so
 * 我想问一下 goes before 问一下. Only removed as whole phrases, never inside other words' characters
 * that would change meaning (请问 is never part of a policy term).
 */
export const FILLERS: readonly string[] = [
  '我想咨询一下', '我想问一下', '我想问问', '我想了解一下', '我想请问一下', '我想请问', '麻烦问一下', '想咨询一下',
  '想了解一下', '想问一下', '咨询一下', '了解一下', '请问一下', '问一下', '打扰一下', '请教一下', '请问', '请教',
  '你好', '您好', '谢谢你', '谢谢您', '谢谢', '麻烦你', '麻烦您', '急求', '谁知道', '有谁知道',
  '有没有人知道', '谁能告诉我', '帮我看看', '帮忙看看', '在线等', '急急急',
].slice().sort((a, b) => b.length - a.length)

/** Colloquial words that mean the same as a standard one. */
export const COLLOQUIAL: Readonly<Record<string, string>> = {
  咋整: '怎么办', 咋办: '怎么办', 咋样: '怎么样', 咋: '怎么', 啥子: '什么', 啥: '什么', 甚么: '什么', 神马: '什么',
  哪儿: '哪里', 哪旮旯: '哪里', 多会儿: '什么时候', 俺: '我', 木有: '没有', 没得: '没有',
  // Interrogatives that ask the same thing in different registers.
  如何: '怎么', 怎样: '怎么', 为何: '为什么', 何时: '什么时候', 何地: '哪里', 何处: '哪里', 能否: '能不能', 可否: '可不可以',
}

// Words whose presence decides nothing between two questions; dropped from the index and the query
// terms (but kept in the text the re-ranker compares, where 怎么 vs 什么 can matter).
export const STOP_WORDS: ReadonlySet<string> = new Set([
  '的', '了', '吗', '呢', '啊', '吧', '呀', '嘛', '哦', '哈', '么', '着', '过', '得', '地', '和', '与', '及', '或', '跟',
  '是', '在', '有', '就', '也', '都', '还', '又', '再', '很', '太', '会', '能', '要', '想', '可以', '可', '让', '把', '被',
  '给', '对', '从', '到', '为', '向', '这', '那', '这个', '那个', '这样', '那样', '一个', '个', '些', '一些', '一下', '下',
  '我', '你', '您', '他', '她', '它', '我们', '你们', '他们', '自己', '人家', '大家', '请', '呗', '嗯', '呃', '哎', '诶',
  '吗?', '么?', '之', '其', '而', '并', '且', '但', '但是', '如果', '的话', '因为', '所以', '现在', '已经',
])

const FILLER_RE = new RegExp(FILLERS.map(escapeRe).join('|'), 'g')
const COLLOQUIAL_RE = new RegExp(Object.keys(COLLOQUIAL).sort((a, b) => b.length - a.length).map(escapeRe).join('|'), 'g')
// Punctuation and symbols of every script become a space; letters, digits and CJK stay.
const PUNCT_RE = /[\p{P}\p{S}\p{C}\s]+/gu

export function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

/**
 * Character-level folding that keeps the length of the string: full-width → half-width, upper →
 * lower case, traditional → simplified. Used for display highlights, where offsets must line up
 * with the text as written.
 */
export function foldChars(text: string): string {
  // Native replace and lower-casing: a loop adding characters one by one cost ~50 µs per answer.
  const narrow = text.replace(WIDE_RE, (ch) => (ch === '\u3000' ? ' ' : String.fromCharCode(ch.charCodeAt(0) - 0xfee0)))
  let out = narrow.toLowerCase()
  // A few capitals lower-case to two units (İ → i̇): then character by character, keeping those.
  if (out.length !== narrow.length) out = narrow.replace(/[^]/g, (ch) => { const l = ch.toLowerCase(); return l.length === 1 ? l : ch })
  const simplified = toSimplified(out)
  // OpenCC converts phrase by phrase and may in rare cases change the length; then keep the input.
  if (simplified.length === out.length) out = simplified
  return out
}

const WIDE_RE = /[\uff01-\uff5e\u3000]/g

/**
 * The text that is indexed and compared: NFKC (full-width → half-width), lower case, simplified
 * characters, no punctuation, no hotline fillers, colloquial words in their standard form.
 * Spaces separate what punctuation separated.
 */
export function normalizeText(text: string): string {
  let s = text.normalize('NFKC').toLowerCase()
  s = toSimplified(s)
  s = s.replace(PUNCT_RE, ' ')
  s = s.replace(COLLOQUIAL_RE, (m) => COLLOQUIAL[m])
  const withoutFillers = s.replace(FILLER_RE, ' ')
  // A question made only of fillers ("你好，请问") keeps its words rather than becoming empty.
  if (withoutFillers.trim()) s = withoutFillers
  return s.replace(/\s+/g, ' ').trim()
}

/**
 * Whether a question has nothing to read once normalised: only punctuation, symbols, emoji, control
 * characters or spaces ("？？？"). The one rule: /match refuses such a question (SEARCH_EMPTY_QUESTION)
 * and the intake of consultations refuses it through the search service (CONSULTATION_QUESTION_EMPTY).
 */
export function isEmptyQuestion(text: string): boolean {
  return normalizeText(text) === ''
}

/** Normalised text with spaces removed, as compared character by character. */
export function compactText(normalized: string): string {
  return normalized.replace(/ /g, '')
}
