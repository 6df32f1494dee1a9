// What differs between importing entries and importing policy documents: how a row is read, how
// its names are resolved, and which knowledge-base calls plan and apply it.
import type { Actor } from '../auth/auth.service.ts'
import type { KbService } from '../kb/kb.service.ts'
import type { BulkEntryInput } from '../kb/bulk.service.ts'
import type { DocumentSyncInput } from '../kb/sync.documents.ts'
import type { RowError } from '../kb/bulk.row-errors.ts'
import type { SyncAction, SyncCounts } from '../kb/sync.service.ts'
import { parseDocumentRow, parseEntryRow, type CellError, type SheetKind } from './sheets.columns.ts'

export interface CheckedRow { rowNo: number; cells: string[]; input: unknown | null; problems: CellError[] }
export interface PlannedRow extends CheckedRow { action: SyncAction | 'error' }

export interface KindAdapter {
  /** Rows resolved and planned; `seen` carries what must be unique across the whole file. */
  check(rows: { rowNo: number; cells: string[] }[], actor: Actor, seen: Map<string, number>): Promise<PlannedRow[]>
  apply(inputs: unknown[], actor: Actor): Promise<SyncCounts>
}

const FIELD_COLUMNS: Record<string, string> = {
  externalId: '外部编号', question: '标准问题', answer: '答复口径', similarQuestions: '相似问法', keywords: '关键词', topic: '领域',
  unitCode: '承办单位', policyDocumentIds: '政策文件文号', media: '图解/视频链接', status: '状态', docNumber: '文号',
  expiresOn: '失效日期', validity: '效力',
}
/** A knowledge-base row error in the words of the sheet: its column, and no API field names. */
const toProblem = (e: RowError): CellError => ({
  column: FIELD_COLUMNS[e.field] ?? e.field,
  message: e.message.replace('缺少条目所属单位 unitCode', '承办单位不能为空：管理员导入须填写承办单位').replace(/^单位 (\S+) 不存在$/, '承办单位 $1 不存在'),
})

function byNameOrCode<T extends { code: string; name: string }>(items: readonly T[]) {
  const map = new Map<string, T>()
  for (const i of items) map.set(i.code, i)
  for (const i of items) map.set(i.name, i)
  return map
}

async function finish<I>(checked: (CheckedRow & { input: I | null })[], plan: (inputs: I[]) => Promise<{ action: SyncAction; errors: RowError[] }[]>): Promise<PlannedRow[]> {
  const clean = checked.filter((r) => r.problems.length === 0)
  const planned = await plan(clean.map((r) => r.input as I))
  clean.forEach((r, i) => { r.problems.push(...planned[i].errors.map(toProblem)) })
  const at = new Map(clean.map((r, i) => [r, i]))
  return checked.map((r) => ({ ...r, input: r.problems.length ? null : r.input, action: r.problems.length ? 'error' : planned[at.get(r)!].action }))
}

export function createAdapters(kb: KbService): Record<SheetKind, KindAdapter> {
  return {
    entries: {
      async check(rows, actor, seen) {
        const { units, topics } = await kb.sync.importLookups()
        const unitBy = byNameOrCode(units)
        const topicBy = byNameOrCode(topics)
        const parsed = rows.map((r) => ({ ...r, ...parseEntryRow(r.cells) }))
        const docIds = await kb.sync.documentIdsByNumber(parsed.flatMap((r) => r.row.docNumbers))
        const checked = parsed.map(({ rowNo, cells, row, errors }) => {
          const unit = row.unit ? unitBy.get(row.unit) : undefined
          if (row.unit && !unit) errors.push({ column: '承办单位', message: `承办单位「${row.unit}」不存在，请填写「可选值」表中的单位名称` })
          else if (unit && !unit.active) errors.push({ column: '承办单位', message: `承办单位「${row.unit}」已停用` })
          const topic = row.topic ? topicBy.get(row.topic) : undefined
          if (row.topic && !topic) errors.push({ column: '领域', message: `领域「${row.topic}」不在可选范围内，请填写「可选值」表中的领域名称` })
          const unknown = row.docNumbers.filter((n) => !docIds.has(n))
          if (unknown.length) errors.push({ column: '政策文件文号', message: `文号「${unknown.join('、')}」未在库中登记：请先登记或导入该政策文件，或核对文号` })
          if (row.externalId) {
            const first = seen.get(row.externalId)
            if (first !== undefined) errors.push({ column: '外部编号', message: `外部编号 ${row.externalId} 与第 ${first} 行重复` })
            else seen.set(row.externalId, rowNo)
          }
          const input: BulkEntryInput = {
            externalId: row.externalId, question: row.question, answer: row.answer, similarQuestions: row.similarQuestions, keywords: row.keywords,
            topic: topic?.code ?? null, unitCode: unit?.code, policyDocumentIds: row.docNumbers.map((n) => docIds.get(n)!).filter(Boolean),
            // Only an administrator publishes directly; anyone else's 已发布 row goes through review like a draft.
            media: row.media, status: actor.role === 'admin' ? row.status : 'draft',
          }
          return { rowNo, cells, input, problems: errors }
        })
        return finish(checked, (inputs) => kb.sync.planImport(inputs, actor))
      },
      apply: (inputs, actor) => kb.sync.applyImport(inputs as BulkEntryInput[], actor),
    },

    documents: {
      async check(rows, actor, seen) {
        const unitBy = byNameOrCode((await kb.sync.importLookups()).units)
        const checked = rows.map(({ rowNo, cells }) => {
          const { row, errors } = parseDocumentRow(cells)
          return { rowNo, cells, row, errors }
        }).map(({ rowNo, cells, row, errors }) => {
          const unit = row.unit ? unitBy.get(row.unit) : undefined
          if (row.unit && !unit) errors.push({ column: '承办单位', message: `承办单位「${row.unit}」不存在，请填写「可选值」表中的单位名称` })
          if (row.docNumber) {
            const first = seen.get(row.docNumber)
            if (first !== undefined) errors.push({ column: '文号', message: `文号 ${row.docNumber} 与第 ${first} 行重复` })
            else seen.set(row.docNumber, rowNo)
          }
          const { unit: _, ...values } = row
          const input: DocumentSyncInput = { ...values, unitCode: unit?.code ?? null }
          return { rowNo, cells, input, problems: errors }
        })
        return finish(checked, (inputs) => kb.sync.planDocuments(inputs, actor))
      },
      apply: (inputs, actor) => kb.sync.applyDocuments(inputs as DocumentSyncInput[], actor),
    },
  }
}
