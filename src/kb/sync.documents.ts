// The spreadsheet import of policy documents, keyed by 文号: a new 文号 creates a document, a known
// one updates it through the documents service (so a change of validity reaches the entries at once).
import { inArray } from 'drizzle-orm'
import type { Actor } from '../auth/auth.service.ts'
import type { Tx } from '../db/client.ts'
import { unitIdsByCode } from '../units/units.queries.ts'
import { policyDocuments } from './kb.table.ts'
import type { Validity } from './kb.types.ts'
import type { KbContext } from './kb.dependencies.ts'
import type { RowError } from './bulk.row-errors.ts'
import { createKbRepository } from './kb.repository.ts'
import { chunks } from '../db/chunks.ts'
import { rowsRejected } from './bulk.service.ts'
import { createDocumentsService } from './documents.service.ts'
import { documentDateProblems } from './documents.dates.ts'
import { shanghaiDate } from '../common/time.ts'
import type { SyncAction } from './sync.service.ts'

const repo = createKbRepository()

export interface DocumentSyncInput {
  docNumber: string; title: string; issuer: string; publishedOn: string | null; effectiveOn: string | null; expiresOn: string | null
  validity: Validity; url: string | null; unitCode: string | null
}
export interface DocumentPlanRow { action: SyncAction; documentId: number | null; errors: RowError[] }

const FIELDS = ['title', 'issuer', 'publishedOn', 'effectiveOn', 'expiresOn', 'validity', 'url'] as const

export function createDocumentSync(ctx: KbContext) {
  const { db } = ctx
  const documents = createDocumentsService(ctx)

  async function classify(tx: Tx, input: readonly DocumentSyncInput[], actor: Actor): Promise<DocumentPlanRow[]> {
    const existing = new Map<string, typeof policyDocuments.$inferSelect>()
    for (const part of chunks(input.map((r) => r.docNumber))) for (const d of await tx.select().from(policyDocuments).where(inArray(policyDocuments.docNumber, part))) existing.set(d.docNumber!, d)
    const unitIds = await unitIdsByCode(tx)
    const unitCodes = await repo.unitRefs(tx)
    const seen = new Map<string, number>()
    const today = shanghaiDate(new Date())
    return input.map((r, index) => {
      const errors: RowError[] = []
      const fail = (field: string, message: string) => errors.push({ index, field, message })
      const before = existing.get(r.docNumber)
      const first = seen.get(r.docNumber)
      if (first !== undefined) fail('docNumber', `文号 ${r.docNumber} 与第 ${first} 行重复`)
      seen.set(r.docNumber, index)
      let unitId: number | null | undefined = r.unitCode ? unitIds.get(r.unitCode) : undefined
      if (r.unitCode && unitId === undefined) fail('unitCode', `单位 ${r.unitCode} 不存在`)
      if (actor.role === 'unit') {
        if (unitId !== undefined && unitId !== actor.unitId) fail('unitCode', '单位账号只能导入本单位的政策文件')
        if (before && before.unitId !== actor.unitId) fail('docNumber', `文号 ${r.docNumber} 的文件属于${before.unitId ? unitCodes.get(before.unitId)?.name ?? '其他单位' : '区级（无所属单位）'}，单位账号不能修改`)
        unitId ??= actor.unitId
      }
      const same = !!before && FIELDS.every((f) => (before[f] ?? null) === (r[f] ?? null)) && (unitId === undefined || unitId === before.unitId)
      // A row that changes nothing writes nothing, so it is not refused for dates already stored.
      if (!same) for (const p of documentDateProblems(r, today)) fail(p.field, p.message)
      if (!before) return { action: 'create', documentId: null, errors }
      return { action: same ? 'unchanged' : 'update', documentId: before.id, errors }
    })
  }

  return {
    planDocuments: (input: readonly DocumentSyncInput[], actor: Actor) => classify(db, input, actor),

    /** Applies a part of a file inside the caller's transaction; any error rejects the part. */
    applyDocuments(input: readonly DocumentSyncInput[], actor: Actor) {
      return db.transaction(async (tx) => {
        const plan = await classify(tx, input, actor)
        const errors = plan.flatMap((p) => p.errors)
        if (errors.length) throw rowsRejected(errors)
        let created = 0
        let updated = 0
        for (const [i, p] of plan.entries()) {
          const { unitCode, ...values } = input[i]
          if (p.action === 'create') { await documents.createDocument({ ...values, unitCode: unitCode ?? undefined }, actor); created++ }
          else if (p.action === 'update') { await documents.updateDocument(p.documentId!, unitCode ? { ...values, unitCode } : values, actor); updated++ }
        }
        return { created, updated, unchanged: plan.length - created - updated, published: 0 }
      })
    },
  }
}
