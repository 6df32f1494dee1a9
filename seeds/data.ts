import { readFileSync } from 'node:fs'
import type { Media, MediaKind, Validity } from '../src/kb/kb.types.ts'
import { fromRoot } from '../src/paths.ts'

export interface UnitSeed { code: string; name: string; contactName: string; contactPhone: string; contactEmail?: string }
export interface TopicSeed { code: string; name: string; required: boolean; defaultUnitCode: string }
export interface InterpretationSeed { kind: Exclude<MediaKind, 'animation'>; title: string; url: string }
export interface DocumentSeed {
  docNumber: string
  title: string
  issuer: string
  unitCode: string
  url: string
  publishedOn: string
  effectiveOn: string
  /** The day the document stopped being in force (expired, or repealed by a newer one). */
  expiresOn?: string
  validity: Validity
  interpretations: InterpretationSeed[]
}
export interface EntrySeed {
  externalId: string
  question: string
  similarQuestions: string[]
  answer: string
  keywords: string[]
  topic: string
  unitCode: string
  /** docNumbers of the policy documents the answer rests on. */
  documents: string[]
  media?: Media[]
  /** When the entry was first published, for entries older than the demo database (YYYY-MM-DD). */
  publishedOn?: string
}
export interface DemoData { units: UnitSeed[]; topics: TopicSeed[]; documents: DocumentSeed[]; entries: EntrySeed[] }

const readJson = <T>(name: string): T => JSON.parse(readFileSync(fromRoot('seeds', 'data', `${name}.json`), 'utf8')) as T

export function readDemoData(): DemoData {
  return {
    units: readJson<UnitSeed[]>('units'),
    topics: readJson<TopicSeed[]>('topics'),
    documents: readJson<DocumentSeed[]>('documents'),
    entries: readJson<EntrySeed[]>('entries'),
  }
}

export const ANSWER_LENGTH = { min: 60, max: 300 } as const
export const SIMILAR_QUESTIONS = { min: 2, max: 5 } as const
/** Words that betray filler text rather than a real answer. */
export const PLACEHOLDER_PATTERN = /xxx|todo|tbd|lorem|ipsum|示例|样例|占位|待补充|测试数据|某某/i

const CODE = /^[a-z0-9][a-z0-9_-]{0,31}$/
const DATE = /^\d{4}-\d{2}-\d{2}$/
const URL_PATTERN = /^https:\/\/[a-z0-9.-]+\.example\//
const VALIDITIES: Validity[] = ['in_force', 'expired', 'repealed']
const MEDIA_KINDS: MediaKind[] = ['image', 'video', 'animation']

/** Every strand of human text in the data, with where it is. */
function texts(data: DemoData): [string, string][] {
  const out: [string, string][] = []
  for (const u of data.units) out.push([`units.${u.code}`, `${u.name} ${u.contactName}`])
  for (const t of data.topics) out.push([`topics.${t.code}`, t.name])
  for (const d of data.documents) {
    out.push([`documents.${d.docNumber}`, `${d.title} ${d.issuer} ${d.url}`])
    for (const i of d.interpretations) out.push([`documents.${d.docNumber}.interpretations`, `${i.title} ${i.url}`])
  }
  for (const e of data.entries) {
    out.push([`entries.${e.externalId}`, [e.question, ...e.similarQuestions, e.answer, ...e.keywords].join(' ')])
    for (const m of e.media ?? []) out.push([`entries.${e.externalId}.media`, `${m.title} ${m.url}`])
  }
  return out
}

function duplicates(values: string[]): string[] {
  const seen = new Set<string>()
  return [...new Set(values.filter((v) => seen.has(v) || !seen.add(v)))]
}

/**
 * Checks the demo data hangs together before anything is written: every reference resolves,
 * keys are unique, answers have the agreed shape, and no filler text slipped in.
 * Returns the problems found, in Chinese; an empty list means the data is sound.
 */
export function checkDemoData(data: DemoData): string[] {
  const problems: string[] = []
  const unitCodes = new Set(data.units.map((u) => u.code))
  const topicCodes = new Set(data.topics.map((t) => t.code))
  const docNumbers = new Set(data.documents.map((d) => d.docNumber))

  for (const [what, values] of [
    ['单位代码', data.units.map((u) => u.code)],
    ['领域代码', data.topics.map((t) => t.code)],
    ['文号', data.documents.map((d) => d.docNumber)],
    ['条目外部编号', data.entries.map((e) => e.externalId)],
    ['标准问', data.entries.map((e) => e.question)],
  ] as const) {
    for (const d of duplicates([...values])) problems.push(`${what}重复：${d}`)
  }
  const allQuestions = data.entries.flatMap((e) => [e.question, ...e.similarQuestions])
  for (const d of duplicates(allQuestions)) problems.push(`问法在多个条目或同一条目中重复：${d}`)

  for (const u of data.units) if (!CODE.test(u.code)) problems.push(`单位代码不合规：${u.code}`)
  for (const t of data.topics) {
    if (!CODE.test(t.code)) problems.push(`领域代码不合规：${t.code}`)
    if (!unitCodes.has(t.defaultUnitCode)) problems.push(`领域 ${t.code} 的默认单位不存在：${t.defaultUnitCode}`)
  }
  for (const d of data.documents) {
    const at = `政策文件 ${d.docNumber}`
    if (!unitCodes.has(d.unitCode)) problems.push(`${at} 的单位不存在：${d.unitCode}`)
    if (!VALIDITIES.includes(d.validity)) problems.push(`${at} 的效力状态不合规：${d.validity}`)
    if (![d.publishedOn, d.effectiveOn, d.expiresOn ?? d.effectiveOn].every((s) => DATE.test(s))) problems.push(`${at} 的日期格式不合规`)
    if ((d.validity === 'in_force') === Boolean(d.expiresOn)) problems.push(`${at}：失效或废止的文件须有失效日期，现行有效的文件不应有`)
    if (![d.url, ...d.interpretations.map((i) => i.url)].every((u) => URL_PATTERN.test(u))) problems.push(`${at} 的链接应指向虚构站点（.example）`)
  }
  for (const e of data.entries) {
    const at = `条目 ${e.externalId}`
    if (!/^demo-\d{4}$/.test(e.externalId)) problems.push(`${at} 的外部编号不合规`)
    if (!unitCodes.has(e.unitCode)) problems.push(`${at} 的单位不存在：${e.unitCode}`)
    if (!topicCodes.has(e.topic)) problems.push(`${at} 的领域不存在：${e.topic}`)
    for (const n of e.documents) if (!docNumbers.has(n)) problems.push(`${at} 引用的政策文件不存在：${n}`)
    const len = [...e.answer].length
    if (len < ANSWER_LENGTH.min || len > ANSWER_LENGTH.max) problems.push(`${at} 的答复口径长度为 ${len} 字，应在 ${ANSWER_LENGTH.min}–${ANSWER_LENGTH.max} 字之间`)
    const n = e.similarQuestions.length
    if (n < SIMILAR_QUESTIONS.min || n > SIMILAR_QUESTIONS.max) problems.push(`${at} 有 ${n} 个相似问，应为 ${SIMILAR_QUESTIONS.min}–${SIMILAR_QUESTIONS.max} 个`)
    if (e.keywords.length === 0) problems.push(`${at} 没有关键词`)
    for (const m of e.media ?? []) {
      if (!MEDIA_KINDS.includes(m.kind)) problems.push(`${at} 的多媒体类型不合规：${m.kind}`)
      if (!URL_PATTERN.test(m.url)) problems.push(`${at} 的多媒体链接应指向虚构站点（.example）`)
    }
    if (e.publishedOn !== undefined && !DATE.test(e.publishedOn)) problems.push(`${at} 的发布日期格式不合规`)
  }
  for (const [where, text] of texts(data)) {
    const m = PLACEHOLDER_PATTERN.exec(text)
    if (m) problems.push(`${where} 含占位文字：${m[0]}`)
  }
  return problems
}
