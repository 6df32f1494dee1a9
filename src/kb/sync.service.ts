// The spreadsheet import's side of the knowledge base: which rows would create, update or leave an
// entry unchanged (external id = 外部编号), and applying them. The rules for a row are the bulk
// import's (checkBulkRows); an update goes through the same versioning as an edit (createReviser).
import { asc, eq, gt } from 'drizzle-orm'
import type { Actor } from '../auth/auth.service.ts'
import type { Tx } from '../db/client.ts'
import { allUnits, topicRefs, topicUnitCodes, unitRefs } from '../units/units.queries.ts'
import { entries, policyDocuments } from './kb.table.ts'
import type { KbContext } from './kb.dependencies.ts'
import { nowIso as now } from '../common/time.ts'
import { visibility, type Viewer } from '../auth/visibility.ts'
import { entryReading } from './kb.reading.ts'
import type { RowError } from './bulk.row-errors.ts'
import { createKbRepository } from './kb.repository.ts'
import { checkBulkRows, externalIdUnavailable, rowsRejected, type BulkEntryInput } from './bulk.service.ts'
import { createBulkWriter, type BulkRow } from './bulk.repository.ts'
import { createReviser, publishVersion } from './kb.revise.ts'
import { createDocumentSync } from './sync.documents.ts'
import { OWN_ID, createSyncRepository, type ComparableVersion, type ExistingEntry, type ExportFilter } from './sync.repository.ts'

const repo = createKbRepository()
const sync = createSyncRepository()

export type SyncAction = 'create' | 'update' | 'unchanged'
export interface SyncPlanRow { action: SyncAction; entryId: number | null; errors: RowError[] }
export interface SyncCounts { created: number; updated: number; unchanged: number; published: number }

const IMPORT_NOTE = '表格导入'

const mediaKey = (m: ComparableVersion['media']) => JSON.stringify(m.map((x) => [x.kind, x.title, x.url]))
function sameContent(row: BulkRow, v: ComparableVersion | null): boolean {
  if (!v) return false
  const docs = [...row.policyDocumentIds].sort((a, b) => a - b)
  return v.question === row.question && v.answer === row.answer && v.topicId === row.topicId
    && JSON.stringify(v.similarQuestions) === JSON.stringify(row.similarQuestions) && JSON.stringify(v.keywords) === JSON.stringify(row.keywords)
    && mediaKey(v.media) === mediaKey(row.media) && JSON.stringify(v.docIds) === JSON.stringify(docs)
}

export function createSyncService(ctx: KbContext) {
  const { db, reviewSteps } = ctx
  const writeRows = createBulkWriter()
  const { revise } = createReviser(ctx)

  /** Classifies each row; `rows` are the checked rows (with resolved ids) in input order. */
  async function classify(tx: Tx, input: readonly BulkEntryInput[], actor: Actor) {
    const existing = await sync.entriesByExternalIds(tx, input.map((r) => r.externalId).filter((x): x is string => !!x))
    const units = await unitRefs(tx)
    const unitCodes = new Map([...units].map(([id, u]) => [id, u.code]))
    // A row updating an entry may leave 承办单位 blank: the entry keeps its unit.
    const filled = input.map((r) => {
      const e = r.externalId ? existing.get(r.externalId) : undefined
      return e && !r.unitCode && actor.role !== 'unit' ? { ...r, unitCode: unitCodes.get(e.unitId) } : r
    })
    const { rows, errors } = await checkBulkRows(tx, filled, actor, new Set(), true)
    const plan: SyncPlanRow[] = input.map(() => ({ action: 'create', entryId: null, errors: [] }))
    for (const e of errors) plan[e.index].errors.push(e)
    rows.forEach((row, index) => {
      const e = row.externalId ? existing.get(row.externalId) : undefined
      // Another unit's entry the actor may not read (a draft, kb.reading.ts) is not there, as when it
      // is read or written through the API (kb.ownership.ts assertOwnEntry): its 库内编号 is not found,
      // and its 外部编号, which stays unique, is only unavailable, without its owner or entry.
      const hidden = e && !entryReading(actor).sees({ unitId: e.unitId, status: e.status, latestState: e.latest.state })
      if (!e || hidden) {
        if (row.externalId && OWN_ID.test(row.externalId)) plan[index].errors.push({ index, field: 'externalId', message: `库内编号 ${row.externalId} 的条目不存在；新建条目请将外部编号留空或填写自己的编号` })
        else if (hidden) plan[index].errors.push({ index, field: 'externalId', message: externalIdUnavailable(row.externalId!) })
        return
      }
      const p = plan[index]
      p.entryId = e.id
      const fail = (field: string, message: string) => p.errors.push({ index, field, message })
      if (!visibility(actor).sees({ unitId: e.unitId })) { fail('externalId', `外部编号 ${e.externalId} 的条目属于${units.get(e.unitId)?.name ?? '其他单位'}，单位账号只能修改本单位的条目`); return }
      const publish = row.status === 'published'
      const unchanged = e.unitId === row.unitId && (publish
        ? (e.latest.state === 'published' && sameContent(row, e.latest)) || (e.status !== 'archived' && sameContent(row, e.published))
        : sameContent(row, e.latest) || (e.latest.state === 'published' && sameContent(row, e.published)))
      if (unchanged) {
        // Nothing would be written: a published entry whose documents have since expired is no error here.
        p.errors = p.errors.filter((x) => !(x.field === 'policyDocumentIds' && x.message.includes('已发布状态')))
        p.action = 'unchanged'
        return
      }
      p.action = 'update'
      if (e.status === 'archived') fail('externalId', `外部编号 ${e.externalId} 的条目已归档，请先在问答库中恢复，再导入修改`)
      else if (e.latest.state === 'in_review') fail('externalId', `外部编号 ${e.externalId} 的条目第 ${e.latest.version} 版正在审核中，请先撤回审核，再导入修改`)
    })
    return { plan, rows, existing }
  }

  async function applyUpdate(tx: Tx, row: BulkRow, input: BulkEntryInput, existing: ExistingEntry, actor: Actor): Promise<boolean> {
    const entry = (await repo.getEntry(tx, existing.id))!
    if (row.unitId !== entry.unitId) await tx.update(entries).set({ unitId: row.unitId }).where(eq(entries.id, entry.id))
    let latestId = existing.latest.id
    if (!sameContent(row, existing.latest)) {
      latestId = await revise(tx, entry, {
        question: row.question, answer: row.answer, similarQuestions: row.similarQuestions, keywords: row.keywords, media: row.media,
        topic: input.topic ?? null, policyDocumentIds: row.policyDocumentIds, changeNote: IMPORT_NOTE,
      }, actor)
    }
    await tx.update(entries).set({ updatedAt: now() }).where(eq(entries.id, entry.id))
    if (row.status !== 'published') return entry.status === 'published' && row.unitId !== entry.unitId
    const version = (await repo.getVersionById(tx, latestId))!
    if (version.state !== 'published') await publishVersion(tx, (await repo.getEntry(tx, entry.id))!, version, { step: null, stepName: null, comment: `${IMPORT_NOTE}：管理员直接发布`, actorTokenId: actor.tokenId })
    return true
  }

  return {
    ...createDocumentSync(ctx),

    /** Lookups a spreadsheet's names are resolved against: 承办单位 and 领域 by name or code, 文号 to ids; each topic's default unit. */
    async importLookups() {
      const topics = [...(await topicRefs(db)).values()]
      const defaults = await topicUnitCodes(db, topics.map((t) => t.code))
      return {
        units: (await allUnits(db)).map((u) => ({ code: u.code, name: u.name, active: u.active })),
        topics: topics.map((t) => ({ ...t, defaultUnitCode: defaults.get(t.code) ?? null })),
      }
    },
    documentIdsByNumber: (numbers: readonly string[]) => sync.documentIdsByNumber(db, numbers),

    /** The dry run for a part of a file: what each row would do, and what is wrong with it. Writes nothing. */
    async planImport(input: readonly BulkEntryInput[], actor: Actor): Promise<SyncPlanRow[]> {
      return (await classify(db, input, actor)).plan
    },

    /**
     * Applies a part of a file. Call it inside the caller's transaction, part after part, so that a
     * whole file commits or rolls back as one; the rows are checked again against the library as it
     * is now, and any error rejects the part (and with it the caller's transaction).
     */
    applyImport(input: readonly BulkEntryInput[], actor: Actor): Promise<SyncCounts> {
      return db.transaction(async (tx) => {
        const { plan, rows, existing } = await classify(tx, input, actor)
        const errors = plan.flatMap((p) => p.errors)
        if (errors.length) throw rowsRejected(errors)
        const creates = rows.filter((_, i) => plan[i].action === 'create')
        const createdIds = await writeRows(tx, creates, actor.tokenId, `${IMPORT_NOTE}：迁移已有问答库`)
        const served = createdIds.filter((_, i) => creates[i].status === 'published')
        let updated = 0
        let published = served.length
        for (const [i, row] of rows.entries()) {
          if (plan[i].action !== 'update') continue
          updated++
          if (await applyUpdate(tx, row, input[i], existing.get(row.externalId!)!, actor)) {
            served.push(plan[i].entryId!)
            if (row.status === 'published') published++
          }
        }
        ctx.notify(served)
        return { created: createdIds.length, updated, unchanged: plan.filter((p) => p.action === 'unchanged').length, published }
      })
    },

    /** Policy documents in id order, for the export. */
    async *documentChunks(size = 1000) {
      const unitNames = await repo.unitRefs(db)
      let after = 0
      for (;;) {
        const rows = await db.select().from(policyDocuments).where(gt(policyDocuments.id, after)).orderBy(asc(policyDocuments.id)).limit(size)
        if (rows.length) yield rows.map((d) => ({ ...d, unitName: d.unitId ? unitNames.get(d.unitId)?.name ?? null : null }))
        if (rows.length < size) return
        after = rows[rows.length - 1].id
      }
    },

    /**
     * Resolves the unit and topic first (an unknown one is refused before anything is sent), then reads
     * chunk by chunk what `viewer` may read (kb.reading.ts), as the entries list does.
     */
    async exportChunks(f: Omit<ExportFilter, 'unitId' | 'topicId' | 'readBy'> & { unit?: string; topic?: string }, viewer: Viewer) {
      const unitId = f.unit ? (await ctx.units.requireUnit(f.unit, 'unit')).id : undefined
      const topicId = f.topic ? (await ctx.units.requireTopic(f.topic, 'topic')).id : undefined
      return sync.exportChunks(db, { ...f, unitId, topicId, readBy: entryReading(viewer) })
    },
  }
}

export type SyncService = ReturnType<typeof createSyncService>
