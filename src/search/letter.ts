// Reading a long question the way an agent reads a mailbox letter: find the sentences that ask
// something, set aside greetings and closings, and keep the rest as narrative (the background the
// writer gives: where they live, what happened, who they are). Works on the text as written,
// before normalisation removes the punctuation that separates sentences.

/** A sentence asks something when it holds one of these (or ends with a question mark). */
const QUESTION_CUES = /[?？]|请问|想问|问一下|咨询|了解一下|怎么|怎样|如何|咋|能不能|能否|可不可以|可否|是不是|是否|有没有|吗|么$|呢|多少|多久|多长时间|哪里|哪儿|哪个|哪些|哪家|什么|啥|几[个天年月次岁]|为什么|为何|需不需要|要不要|需要.{0,12}(材料|手续|条件)|应该|该找|找谁|去哪/

/** Greetings, thanks and closings: nothing in them is about the question. */
const FORMULAIC = /^(尊敬的)?(各位)?(领导|书记|区长|市长|局长|主任|工作人员|同志|相关部门|有关部门)?(你们|您们)?(好|你好|您好)[!！,，。]*$|^(你好|您好|领导好|大家好)$|^(谢谢|感谢|多谢|盼复|盼回复|望回复|请回复|期待.{0,4}回复|静候.{0,4}|此致|敬礼|此致敬礼|万分感谢|麻烦了|辛苦了|急盼.{0,6})/

export interface LetterSentence {
  /** The sentence as written (trimmed, its end punctuation kept). */
  text: string
  kind: 'question' | 'narrative' | 'formulaic'
}

export interface LetterReading {
  sentences: LetterSentence[]
  /** The sentences that ask something, in order (empty when none does). */
  questions: string[]
  /** The letter without greetings and closings. */
  body: string
}

/** Sentences end at 。！？；… and line breaks; a comma does not end one. */
const SENTENCE_RE = /[^。！？!?；;…\n\r]+[。！？!?；;…]*/g

/** At what length a question is read as a letter rather than as one sentence said on the phone. */
export const LETTER_CHARS = 60

export function readLetter(text: string): LetterReading {
  const sentences: LetterSentence[] = []
  for (const m of text.match(SENTENCE_RE) ?? []) {
    const s = m.trim()
    if (!s.replace(/[\p{P}\p{S}\s]/gu, '')) continue
    // A greeting often opens the first sentence: 领导您好，我是… — split it off at the first comma.
    const lead = /^([^，,]{0,12}?(你好|您好))[，,!！]\s*(.+)$/.exec(s)
    if (lead) {
      sentences.push({ text: lead[1], kind: 'formulaic' })
      sentences.push(classify(lead[3]))
    } else sentences.push(classify(s))
  }
  const questions = sentences.filter((s) => s.kind === 'question').map((s) => s.text)
  const body = sentences.filter((s) => s.kind !== 'formulaic').map((s) => s.text).join('')
  return { sentences, questions, body: body || text }
}

function classify(text: string): LetterSentence {
  const bare = text.replace(/[\p{P}\p{S}\s]/gu, '')
  if (FORMULAIC.test(bare) && bare.length <= 16) return { text, kind: 'formulaic' }
  return { text, kind: QUESTION_CUES.test(text) ? 'question' : 'narrative' }
}
