import type { Actor } from '../auth/auth.service.ts'
import type { InterpretationKind } from './kb.table.ts'
import type { Validity } from './kb.types.ts'
import { DocumentDatesInvalidError, DocumentInUseError, DocumentNotFoundError, DocumentNumberTakenError, InterpretationNotFoundError } from './kb.errors.ts'
import type { KbContext } from './kb.dependencies.ts'
import { assertOwnUnit, resolveUnitId } from './kb.ownership.ts'
import { nowIso as now, shanghaiDate } from '../common/time.ts'
import { withDetails } from '../plugins/errors.ts'
import { documentDateProblems, type DateProblem } from './documents.dates.ts'
import { isUniqueViolation } from '../db/constraints.ts'
import { createDocumentsRepository } from './documents.repository.ts'
import { createKbRepository } from './kb.repository.ts'

const docs = createDocumentsRepository()
const kb = createKbRepository()

export interface DocumentInput {
  title: string
  docNumber?: string | null
  issuer: string
  url?: string | null
  publishedOn?: string | null
  effectiveOn?: string | null
  expiresOn?: string | null
  validity?: Validity
  unitCode?: string | null
}

export interface InterpretationInput { kind: InterpretationKind; title: string; url: string }

const WHAT = '政策文件'

/** Refuses contradictory dates (documents.dates.ts), naming the fields at fault. */
function assertDates(problems: readonly DateProblem[]) {
  if (problems.length) throw withDetails(new DocumentDatesInvalidError(problems.map((p) => p.message).join('；')), problems.map((p) => ({ ...p })))
}

/** A policy document that lapsed by its 失效日期 (expireLapsed). */
export interface LapsedDocument { id: number; docNumber: string | null; title: string; expiresOn: string }

export function createDocumentsService(ctx: KbContext) {
  const { db } = ctx

  async function requireDocument(id: number) {
    const row = await docs.getDocument(db, id)
    if (!row) throw new DocumentNotFoundError(String(id))
    return row
  }
  const view = async (id: number) => (await docs.documentViews(db, [await requireDocument(id)]))[0]

  async function saving<T>(docNumber: string | null | undefined, write: () => Promise<T>): Promise<T> {
    try {
      // In a savepoint: on PostgreSQL a refused write would abort the caller's whole transaction.
      return await db.transaction(write)
    } catch (e) {
      if (isUniqueViolation(e, 'policy_documents.doc_number')) throw new DocumentNumberTakenError(String(docNumber))
      throw e
    }
  }

  return {
    getDocument: view,

    async listDocuments(q: { validity?: Validity; unit?: string; q?: string; page: number; pageSize: number }) {
      const unitId = q.unit ? (await ctx.units.requireUnit(q.unit, 'unit')).id : undefined
      const { rows, total } = await docs.listDocuments(db, { ...q, unitId })
      return { items: await docs.documentViews(db, rows), total, page: q.page, pageSize: q.pageSize }
    },

    async createDocument(input: DocumentInput, actor: Actor) {
      const { unitCode, ...values } = input
      const unitId = await resolveUnitId(ctx, actor, unitCode, WHAT)
      assertDates(documentDateProblems(values, shanghaiDate(new Date())))
      const row = await saving(input.docNumber, () => docs.insertDocument(db, { ...values, unitId }))
      return view(row.id)
    },

    /**
     * A change of validity (or of anything shown beside an answer) changes what the entries resting
     * on the document serve, so their ids go to the onChange listeners after the commit.
     */
    async updateDocument(id: number, patch: Partial<DocumentInput>, actor: Actor) {
      const { unitCode, ...values } = patch
      await db.transaction(async (tx) => {
        const before = await docs.getDocument(tx, id)
        if (!before) throw new DocumentNotFoundError(String(id))
        assertOwnUnit(actor, before.unitId, WHAT)
        const set: Parameters<typeof docs.updateDocument>[2] = { ...values }
        // A unit may not hand its document to nobody (which only an admin could then edit).
        if (unitCode === null) assertOwnUnit(actor, null, WHAT)
        if (unitCode !== undefined) set.unitId = unitCode === null ? null : await resolveUnitId(ctx, actor, unitCode, WHAT)
        // Only what the patch touches is checked: a title's correction is not refused for dates it left alone.
        const touched = (...fields: (keyof typeof values)[]) => fields.some((f) => values[f] !== undefined)
        assertDates(documentDateProblems({ ...before, ...values }, shanghaiDate(new Date())).filter((p) =>
          p.field === 'validity' ? touched('validity', 'expiresOn') : touched('publishedOn', 'effectiveOn', 'expiresOn')))
        if (values.validity && values.validity !== before.validity) set.validityChangedAt = now()
        await saving(values.docNumber, () => docs.updateDocument(tx, id, set))
        ctx.notify(await kb.entryIdsOnDocument(tx, id))
      })
      return view(id)
    },

    /**
     * E3 without anyone editing: every document still 现行有效 whose 失效日期 is before the Beijing date
     * of `at` becomes 失效, as if its unit had changed it, so the entries resting only on it stop being
     * in force (the index and the portal hear of it after the commit, other processes through the
     * change log). Run at start-up and at each change of the Beijing date (documents.expiry.ts).
     */
    async expireLapsed(at: Date = new Date()): Promise<LapsedDocument[]> {
      const today = shanghaiDate(at)
      return db.transaction(async (tx) => {
        const lapsed: LapsedDocument[] = []
        const changedAt = now()
        for (const d of await docs.lapsedInForce(tx, today)) {
          if (!await docs.expireInForce(tx, d.id, today, changedAt)) continue
          lapsed.push({ id: d.id, docNumber: d.docNumber, title: d.title, expiresOn: d.expiresOn! })
          ctx.notify(await kb.entryIdsOnDocument(tx, d.id))
        }
        return lapsed
      })
    },

    /** Only a document no entry version has ever cited can be deleted; otherwise mark it 失效 or 废止. */
    async deleteDocument(id: number): Promise<void> {
      await db.transaction(async (tx) => {
        if (!await docs.getDocument(tx, id)) throw new DocumentNotFoundError(String(id))
        if (await docs.isCited(tx, id)) throw new DocumentInUseError(String(id))
        await docs.deleteDocument(tx, id)
      })
    },

    async addInterpretation(documentId: number, input: InterpretationInput, actor: Actor) {
      assertOwnUnit(actor, (await requireDocument(documentId)).unitId, WHAT)
      const { policyDocumentId: _, ...row } = await docs.insertInterpretation(db, { ...input, policyDocumentId: documentId })
      return row
    },

    async deleteInterpretation(documentId: number, interpretationId: number, actor: Actor): Promise<void> {
      assertOwnUnit(actor, (await requireDocument(documentId)).unitId, WHAT)
      if (!await docs.deleteInterpretation(db, documentId, interpretationId)) throw new InterpretationNotFoundError(String(interpretationId))
    },
  }
}

export type DocumentsService = ReturnType<typeof createDocumentsService>
