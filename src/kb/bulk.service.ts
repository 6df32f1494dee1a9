import { inArray, type SQL } from 'drizzle-orm'
import type { Tx } from '../db/client.ts'
import type { Actor } from '../auth/auth.service.ts'
import { topicRefs, unitIdsByCode, unitRefs } from '../units/units.queries.ts'
import { withDetails } from '../plugins/errors.ts'
import { entries } from './kb.table.ts'
import type { Media } from './kb.types.ts'
import type { VersionState } from './kb.table.ts'
import { BulkRejectedError } from './kb.errors.ts'
import type { KbContext } from './kb.dependencies.ts'
import { cleanList } from './entries.content.ts'
import { bulkSchemaErrors, type RowError, type SchemaErrors } from './bulk.row-errors.ts'
import { isInForce } from './kb.in-force.ts'
import { createKbRepository, readableColumns } from './kb.repository.ts'
import { entryReading } from './kb.reading.ts'
import { chunks } from '../db/chunks.ts'
import { createBulkWriter, type BulkRow } from './bulk.repository.ts'

const repo = createKbRepository()

export interface BulkEntryInput {
  externalId?: string | null
  question: string
  similarQuestions?: string[]
  answer: string
  keywords?: string[]
  topic?: string | null
  unitCode?: string
  policyDocumentIds?: number[]
  media?: Media[]
  status?: 'draft' | 'published'
}

/**
 * The answer about an external id held by an entry the actor may not read: the id is unique, so it
 * cannot be used, but neither the entry nor its unit is named (their existence is not the actor's to know).
 */
export const externalIdUnavailable = (externalId: string) => `外部编号 ${externalId} 不可用，请换一个编号`

/** Rejects the whole import with every row error, the way the API reports them. */
export function rowsRejected(errors: RowError[]): Error {
  const rows = new Set(errors.map((e) => e.index)).size
  return withDetails(new BulkRejectedError(String(rows)), errors)
}

/**
 * Checks rows for import and resolves their codes: the one set of rules for every way in (the JSON
 * bulk import and the spreadsheet import). `skip`: rows already reported. With `allowExisting`, an
 * external id already in the library is not an error (the spreadsheet import updates that entry).
 */
export async function checkBulkRows(db: Tx, all: readonly BulkEntryInput[], actor: Actor, skip: ReadonlySet<number>, allowExisting = false): Promise<{ rows: BulkRow[]; errors: RowError[] }> {
  // Rows that failed the schema are already reported; their values may not even be of the right type.
  const input = all.map((r, i) => (skip.has(i) ? undefined : r))
  const valid = input.filter((r): r is BulkEntryInput => r !== undefined)
  const unitCodes = [...new Set(valid.map((r) => r.unitCode).filter((c): c is string => !!c))]
  const unitIds = new Map<string, number>()
  for (const part of chunks(unitCodes)) for (const [code, id] of await unitIdsByCode(db, part)) unitIds.set(code, id)
  const topicIds = new Map([...await topicRefs(db)].map(([id, t]) => [t.code, id]))
  // A person reads the refusals (the spreadsheet import's 错误说明): a unit by its name.
  const unitNames = actor.role === 'unit' ? await unitRefs(db) : new Map<number, { name: string }>()
  const validity = await repo.validitiesOf(db, [...new Set(valid.flatMap((r) => r.policyDocumentIds ?? []))])
  const externalIds = valid.map((r) => r.externalId).filter((x): x is string => !!x)
  // Each external id in use, and whether the actor may read the entry holding it (kb.reading.ts).
  const taken = new Map<string | null, boolean>()
  const readBy = entryReading(actor)
  for (const part of chunks(externalIds)) {
    for (const r of await db.select({ x: entries.externalId, unitId: entries.unitId, status: entries.status, latestState: readableColumns.latestState as SQL<VersionState> }).from(entries).where(inArray(entries.externalId, part))) {
      taken.set(r.x, readBy.sees(r))
    }
  }
  const firstRowOf = new Map<string, number>()

  const errors: RowError[] = []
  const rows: BulkRow[] = []
  input.forEach((r, index) => {
    if (!r) return
    const fail = (field: string, message: string) => errors.push({ index, field, message })
    let unitId: number | null = null
    if (actor.role === 'unit') {
      unitId = actor.unitId
      if (r.unitCode && unitIds.get(r.unitCode) !== actor.unitId) fail('unitCode', `单位令牌只能导入本单位的条目，不能导入到${unitNames.get(unitIds.get(r.unitCode) ?? -1)?.name ?? `单位 ${r.unitCode}`}`)
    } else if (!r.unitCode) fail('unitCode', '缺少条目所属单位 unitCode')
    else if (!unitIds.has(r.unitCode)) fail('unitCode', `单位 ${r.unitCode} 不存在`)
    else unitId = unitIds.get(r.unitCode)!

    const topicId = r.topic ? topicIds.get(r.topic) ?? null : null
    if (r.topic && topicId === null) fail('topic', `政策领域 ${r.topic} 不存在`)

    const docIds = r.policyDocumentIds ?? []
    const missing = docIds.filter((id) => !validity.has(id))
    if (missing.length) fail('policyDocumentIds', `政策文件 ${missing.join('、')} 不存在`)

    const status = r.status ?? 'draft'
    if (status === 'published') {
      if (actor.role !== 'admin') fail('status', '只有管理员可以直接导入已发布的条目，其他角色只能导入草稿')
      else if (!missing.length && !isInForce(docIds.map((id) => validity.get(id)!))) fail('policyDocumentIds', '所依据的政策文件均已失效或废止，不能以已发布状态导入')
    }

    if (r.externalId) {
      const first = firstRowOf.get(r.externalId)
      if (first !== undefined) fail('externalId', `外部编号 ${r.externalId} 与第 ${first} 行重复`)
      else if (!allowExisting && taken.has(r.externalId)) fail('externalId', taken.get(r.externalId) ? `外部编号 ${r.externalId} 已被其他问答条目使用` : externalIdUnavailable(r.externalId))
      else firstRowOf.set(r.externalId, index)
    }

    const question = r.question.trim()
    rows.push({
      externalId: r.externalId ?? null, unitId: unitId ?? 0, topicId, status, question,
      similarQuestions: cleanList(r.similarQuestions, [question]), answer: r.answer.trim(), keywords: cleanList(r.keywords),
      media: r.media ?? [], policyDocumentIds: docIds,
    })
  })
  return { rows, errors }
}

/**
 * POST /entries/bulk: all rows are checked first and every bad one reported; only a clean batch
 * is written, in one transaction. An administrator may import published entries (migrating an
 * existing library); everyone else imports drafts that then go through review.
 */
export function createBulkService(ctx: KbContext) {
  const { db } = ctx
  const writeRows = createBulkWriter()


  return {
    /**
     * `schemaError` is the route's own validation error (the route uses attachValidation), so that
     * rows failing the schema are reported together with rows failing the checks here, each as
     * `{ index, field, message }`. Errors about the body as a whole stay ordinary validation errors.
     */
    async importEntries(input: { entries: BulkEntryInput[] }, actor: Actor, schemaError?: Error & { validation?: SchemaErrors }) {
      const bad = schemaError ? bulkSchemaErrors(schemaError.validation ?? []) : { rows: [], other: [] }
      if (schemaError && (bad.other.length > 0 || bad.rows.length === 0)) throw schemaError
      const { rows, entryIds } = await db.transaction(async (tx) => {
        const skip = new Set(bad.rows.map((e) => e.index))
        const { rows, errors } = await checkBulkRows(tx, input.entries, actor, skip)
        const all = [...bad.rows, ...errors].sort((a, b) => a.index - b.index)
        if (all.length) throw rowsRejected(all)
        const entryIds = await writeRows(tx, rows, actor.tokenId, '批量导入：迁移已有问答库')
        ctx.notify(entryIds.filter((_, i) => rows[i].status === 'published'))
        return { rows, entryIds }
      })
      const published = entryIds.filter((_, i) => rows[i].status === 'published')
      return { created: entryIds.length, published: published.length, drafts: entryIds.length - published.length, entryIds }
    },
  }
}

export type BulkService = ReturnType<typeof createBulkService>
