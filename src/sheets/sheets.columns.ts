// The spreadsheet formats of the library: which columns, what a person writes in each cell and how
// it is read back. Pure functions, no database: tested in sheets.columns.test.ts. The same column
// list serves the template, the export and the import, so that export → edit → import round-trips.
import { LIMITS } from '../common/schemas.ts'
import type { Media, MediaKind, Validity } from '../kb/kb.types.ts'

export interface Column { header: string; width: number; help: string }

export const ENTRY_COLUMNS = [
  { header: '外部编号', width: 16, help: '12345 知识库等外部系统中的编号，唯一。填写已有的编号即修改该条目；留空则新建条目。导出时没有外部编号的条目写作「#库内编号」（如 #123），原样保留即可修改该条目。' },
  { header: '标准问题', width: 40, help: `必填，不超过 ${LIMITS.question} 字。` },
  { header: '相似问法', width: 40, help: '选填。一个单元格内每行一个问法（Alt+Enter 换行）。' },
  { header: '答复口径', width: 60, help: `必填，统一答复口径，不超过 ${LIMITS.answer} 字。不要照搬文件原文。` },
  { header: '关键词', width: 20, help: '选填。多个关键词用顿号、逗号、分号或换行分隔，每个不超过 50 字；关键词本身含这些符号时用「」括起，如「40、50人员」。' },
  { header: '领域', width: 14, help: '选填。填写「可选值」表中的领域名称（或代码）。' },
  { header: '承办单位', width: 18, help: '管理员导入时必填，填写「可选值」表中的单位名称（或代码）；单位账号留空即本单位。' },
  { header: '政策文件文号', width: 28, help: '选填。答复所依据的政策文件文号，须已在库中登记；多个文号每行一个。' },
  { header: '图解/视频链接', width: 40, help: '选填。每行一个：类型：标题 链接，类型为 图解、动画 或 短视频，如「图解：一图读懂创业补贴 https://www.example.gov.cn/tj/1.png」。' },
  { header: '状态', width: 10, help: '草稿（默认，导入后走审核流程）或 已发布（仅管理员，迁移已审定的问答库时使用）。导出文件中的「审核中」「已归档」在导入时按草稿处理。' },
] as const satisfies readonly Column[]

export const DOCUMENT_COLUMNS = [
  { header: '文号', width: 26, help: '必填，唯一。填写已有的文号即修改该文件，否则新建。' },
  { header: '标题', width: 48, help: `必填，不超过 ${LIMITS.shortText} 字。` },
  { header: '发文单位', width: 20, help: `必填，不超过 ${LIMITS.shortText} 字。` },
  { header: '发布日期', width: 12, help: '选填，格式 2024-03-01。' },
  { header: '施行日期', width: 12, help: '选填，格式 2024-03-01。' },
  { header: '失效日期', width: 12, help: '选填，格式 2026-12-31。' },
  { header: '效力', width: 10, help: '现行有效（默认）、失效 或 废止。' },
  { header: '链接', width: 40, help: '选填，以 http:// 或 https:// 开头的原文链接。' },
  { header: '承办单位', width: 18, help: '选填，文件所属单位的名称（或代码）；单位账号留空即本单位。' },
] as const satisfies readonly Column[]

export type SheetKind = 'entries' | 'documents'
export const COLUMNS: Record<SheetKind, readonly Column[]> = { entries: ENTRY_COLUMNS, documents: DOCUMENT_COLUMNS }
export const SHEET_NAMES: Record<SheetKind, string> = { entries: '问答条目', documents: '政策文件' }
export const ERROR_COLUMN = '错误说明'
/** Excel's own limit on the text of one cell. */
export const EXCEL_CELL_LIMIT = 32_767

export const STATUS_LABELS = { draft: '草稿', in_review: '审核中', published: '已发布', archived: '已归档' } as const
export const VALIDITY_LABELS: Record<Validity, string> = { in_force: '现行有效', expired: '失效', repealed: '废止' }
const MEDIA_LABELS: Record<MediaKind, string> = { image: '图解', animation: '动画', video: '短视频' }
const MEDIA_KINDS: Record<string, MediaKind> = { 图解: 'image', 图片: 'image', 动画: 'animation', 短视频: 'video', 视频: 'video' }

function checkKeywords(errors: CellError[], keywords: string[]): string[] {
  const stray = keywords.find((k) => /[「」]/.test(k))
  if (stray) errors.push({ column: '关键词', message: `关键词「${stray.slice(0, 20)}」中的「」不成对：「」只用来括住本身含顿号、逗号或分号的关键词，如「40、50人员」` })
  return keywords
}

/** A problem with one cell, named by its column header. */
export interface CellError { column: string; message: string }

// ---------- reading cells ----------

const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/
const lines = (s: string) => s.split(/\r\n|\r|\n/).map((l) => l.trim()).filter(Boolean)

// Keywords in one cell: separated by 、，,；; or line breaks; a keyword that holds one of them is
// written inside 「」, which a keyword may not otherwise hold (KEYWORD_PATTERN), so an export reads
// back exactly as it was. Sheets written before, with plain 、 between keywords, read as they did.
const KEYWORD_SEPARATOR = /[\r\n、,，;；]/
/** The keywords as one cell. */
export const joinKeywords = (keywords: readonly string[]) => keywords.map((k) => (KEYWORD_SEPARATOR.test(k) ? `「${k}」` : k)).join('、')
/** The keywords of a cell: joinKeywords() undone. A stray 「 or 」 stays in its keyword, which the row check then refuses. */
export const splitKeywords = (s: string) => [...s.matchAll(/「([^「」\r\n]*)」|[^\r\n、,，;；]+/g)].map((m) => (m[1] ?? m[0]).trim()).filter(Boolean)

/** Text of a cell whatever Excel stored: formulas give their value, rich text its characters. */
export function cellText(value: unknown): string {
  if (value === null || value === undefined) return ''
  if (typeof value === 'string') return value
  if (typeof value === 'number' || typeof value === 'boolean') return String(value)
  if (value instanceof Date) return value.toISOString().slice(0, 10)
  if (typeof value === 'object') {
    const v = value as { result?: unknown; formula?: unknown; sharedFormula?: unknown; richText?: { text: string }[]; text?: unknown; error?: unknown }
    if ('formula' in v || 'sharedFormula' in v) return cellText(v.result)
    if (Array.isArray(v.richText)) return v.richText.map((t) => t.text).join('')
    if (v.text !== undefined) return cellText(v.text)
    if (v.error !== undefined) return String(v.error)
  }
  return String(value)
}

function checkText(errors: CellError[], column: string, value: string, max: number, required = false): string {
  if (!value) { if (required) errors.push({ column, message: `${column}不能为空` }); return value }
  if (value.length > max) errors.push({ column, message: `${column}超过 ${max} 字（本格 ${value.length} 字），请精简` })
  else if (CONTROL.test(value)) errors.push({ column, message: `${column}含有不可见的控制字符，请删除后重新输入` })
  return value
}

function checkList(errors: CellError[], column: string, items: string[], maxEach: number, maxItems: number = LIMITS.listItems): string[] {
  if (items.length > maxItems) errors.push({ column, message: `${column}最多 ${maxItems} 项（本格 ${items.length} 项）` })
  const long = items.find((s) => s.length > maxEach)
  if (long) errors.push({ column, message: `${column}中「${long.slice(0, 20)}…」超过 ${maxEach} 字` })
  else if (items.some((s) => CONTROL.test(s))) errors.push({ column, message: `${column}含有不可见的控制字符，请删除后重新输入` })
  return items
}

export function parseMedia(cell: string, errors: CellError[], column = '图解/视频链接'): Media[] {
  const out: Media[] = []
  for (const line of lines(cell)) {
    const m = /^(?:(图解|图片|动画|短视频|视频)\s*[:：]\s*)?(.*?)\s*(https?:\/\/\S+)$/.exec(line)
    if (!m) { errors.push({ column, message: `${column}「${line.slice(0, 30)}」应写成「图解：标题 https://…」` }); continue }
    const kind = MEDIA_KINDS[m[1] ?? ''] ?? (/\.(mp4|m3u8|mov|flv)(\?|$)/i.test(m[3]) ? 'video' : 'image')
    const title = m[2] || MEDIA_LABELS[kind]
    if (title.length > LIMITS.shortText) errors.push({ column, message: `${column}的标题超过 ${LIMITS.shortText} 字` })
    else if (m[3].length > 2000) errors.push({ column, message: `${column}的链接超过 2000 字符` })
    else out.push({ kind, title, url: m[3] })
  }
  if (out.length > 20) errors.push({ column, message: `${column}最多 20 个` })
  return out
}

export const formatMedia = (media: readonly Media[]) => media.map((m) => `${MEDIA_LABELS[m.kind]}：${m.title} ${m.url}`).join('\n')

/** One data row of the entries sheet, read as a person wrote it; names are resolved later. */
export interface EntrySheetRow {
  externalId: string | null
  question: string
  similarQuestions: string[]
  answer: string
  keywords: string[]
  /** 领域 and 承办单位 as written: a name or a code. */
  topic: string | null
  unit: string | null
  docNumbers: string[]
  media: Media[]
  status: 'draft' | 'published'
}

export function parseEntryRow(cells: readonly string[]): { row: EntrySheetRow; errors: CellError[] } {
  const errors: CellError[] = []
  const [externalId, question, similar, answer, keywords, topic, unit, docs, media, status] = ENTRY_COLUMNS.map((_, i) => (cells[i] ?? '').trim())
  checkText(errors, '外部编号', externalId, 100)
  if (/\s/.test(externalId)) errors.push({ column: '外部编号', message: '外部编号不能含空格或换行' })
  checkText(errors, '标准问题', question, LIMITS.question, true)
  checkText(errors, '答复口径', answer, LIMITS.answer, true)
  checkText(errors, '领域', topic, 50)
  checkText(errors, '承办单位', unit, 100)
  let parsedStatus: EntrySheetRow['status'] = 'draft'
  if (status === '已发布' || status === '发布') parsedStatus = 'published'
  else if (status && !['草稿', '审核中', '已归档'].includes(status)) errors.push({ column: '状态', message: `状态「${status.slice(0, 20)}」不可用，请填写 草稿 或 已发布` })
  return {
    row: {
      externalId: externalId || null,
      question,
      similarQuestions: checkList(errors, '相似问法', lines(similar), LIMITS.question),
      answer,
      keywords: checkKeywords(errors, checkList(errors, '关键词', splitKeywords(keywords), 50)),
      topic: topic || null,
      unit: unit || null,
      docNumbers: checkList(errors, '政策文件文号', [...new Set(lines(docs).flatMap((l) => l.split(/[;；]+/)).map((s) => s.trim()).filter(Boolean))], 100, 50),
      media: parseMedia(media, errors),
      status: parsedStatus,
    },
    errors,
  }
}

export interface EntrySheetValues {
  externalId: string | null; question: string; similarQuestions: readonly string[]; answer: string; keywords: readonly string[]
  topicName: string | null; unitName: string; docNumbers: readonly string[]; media: readonly Media[]; status: keyof typeof STATUS_LABELS
}

export const entryCells = (e: EntrySheetValues): string[] => [
  e.externalId ?? '', e.question, e.similarQuestions.join('\n'), e.answer, joinKeywords(e.keywords),
  e.topicName ?? '', e.unitName, e.docNumbers.join('\n'), formatMedia(e.media), STATUS_LABELS[e.status],
]

export interface DocumentSheetRow {
  docNumber: string; title: string; issuer: string; publishedOn: string | null; effectiveOn: string | null; expiresOn: string | null
  validity: Validity; url: string | null; unit: string | null
}

const VALIDITY_BY_LABEL: Record<string, Validity> = { 现行有效: 'in_force', 有效: 'in_force', 失效: 'expired', 已失效: 'expired', 废止: 'repealed', 已废止: 'repealed' }

/** A calendar date as written in a cell: 2024-03-01, 2024/3/1 or 2024年3月1日. */
export function parseDay(s: string): string | null | undefined {
  if (!s) return null
  const m = /^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$/.exec(s)
  if (!m) return undefined
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])]
  const date = new Date(Date.UTC(y, mo - 1, d))
  if (y < 1949 || y > 2100 || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) return undefined
  return `${m[1]}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}`
}

export function parseDocumentRow(cells: readonly string[]): { row: DocumentSheetRow; errors: CellError[] } {
  const errors: CellError[] = []
  const [docNumber, title, issuer, publishedOn, effectiveOn, expiresOn, validity, url, unit] = DOCUMENT_COLUMNS.map((_, i) => (cells[i] ?? '').trim())
  checkText(errors, '文号', docNumber, 100, true)
  checkText(errors, '标题', title, LIMITS.shortText, true)
  checkText(errors, '发文单位', issuer, LIMITS.shortText, true)
  checkText(errors, '承办单位', unit, 100)
  const day = (column: string, s: string) => {
    const d = parseDay(s)
    if (d === undefined) errors.push({ column, message: `${column}「${s.slice(0, 20)}」不是有效日期，请写成 2024-03-01` })
    return d ?? null
  }
  const v = validity ? VALIDITY_BY_LABEL[validity] : 'in_force'
  if (!v) errors.push({ column: '效力', message: `效力「${validity.slice(0, 20)}」不可用，请填写 现行有效、失效 或 废止` })
  if (url && (!/^https?:\/\/\S+$/.test(url) || url.length > 2000)) errors.push({ column: '链接', message: '链接应以 http:// 或 https:// 开头，不含空格，不超过 2000 字符' })
  return {
    row: {
      docNumber, title, issuer, publishedOn: day('发布日期', publishedOn), effectiveOn: day('施行日期', effectiveOn), expiresOn: day('失效日期', expiresOn),
      validity: v ?? 'in_force', url: url || null, unit: unit || null,
    },
    errors,
  }
}

export const documentCells = (d: { docNumber: string | null; title: string; issuer: string; publishedOn: string | null; effectiveOn: string | null; expiresOn: string | null; validity: Validity; url: string | null; unitName: string | null }): string[] => [
  d.docNumber ?? '', d.title, d.issuer, d.publishedOn ?? '', d.effectiveOn ?? '', d.expiresOn ?? '', VALIDITY_LABELS[d.validity], d.url ?? '', d.unitName ?? '',
]

/** Whether a header row is the expected one; names the first missing or misplaced column. */
export function checkHeader(kind: SheetKind, header: readonly string[]): string | null {
  const expected = COLUMNS[kind].map((c) => c.header)
  const got = header.map((h) => h.trim())
  for (let i = 0; i < expected.length; i++) {
    if (got[i] !== expected[i]) {
      const where = got.indexOf(expected[i])
      return where < 0 ? `缺少「${expected[i]}」列` : `第 ${i + 1} 列应为「${expected[i]}」，实际为「${got[i] || '空'}」`
    }
  }
  return null
}
