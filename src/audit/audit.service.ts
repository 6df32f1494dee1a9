import { and, count, desc, eq, gte, lte, type SQL } from 'drizzle-orm'
import type { Db, Tx } from '../db/client.ts'
import { jsonArrayHas } from '../db/dialect.ts'
import { first } from '../db/query.ts'
import type { Actor } from '../auth/auth.service.ts'
import type { Role } from '../auth/auth.types.ts'
import { tokensView } from '../auth/auth.queries.ts'
import { maskText } from '../privacy/privacy.text.ts'
import { toIsoInstant } from '../common/instants.ts'
import { auditLog } from './audit.table.ts'

export interface AuditRecordInput {
  /** Who acted; null for the command line and background work. */
  actor: Pick<Actor, 'tokenId' | 'role'> | null
  /** What was done: the route's operationId, or a verb such as `readContactDetails`. */
  action: string
  /** The kind of thing touched, singular: `consultation`, `ticket`, `entry`, `token`. */
  targetType: string
  targetIds: (string | number)[]
  /** Ids and field names only: never an asker's name, phone, e-mail or story. */
  details?: Record<string, unknown>
  requestId?: string
}

export interface AuditFilter {
  actorTokenId?: number
  role?: Role
  action?: string
  targetType?: string
  targetId?: string
  from?: string
  to?: string
  page: number
  pageSize: number
}

const MAX_TARGET_IDS = 1000

/**
 * A safety net under the rule that callers pass ids, not people: phone and ID-card numbers, e-mail
 * addresses and given names in any string of `details` are masked before they are stored. No list
 * of public numbers here: an audit row never needs one, so it errs on the side of masking.
 */
export function scrubDetails(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return maskText(value)
  if (depth > 4 || value === null || typeof value !== 'object') return value
  if (Array.isArray(value)) return value.map((v) => scrubDetails(v, depth + 1))
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, scrubDetails(v, depth + 1)]))
}

export function createAuditService({ db }: { db: Db }) {
  return {
    /** Writes one audit row; pass the caller's transaction so the row commits with the change. */
    async record(input: AuditRecordInput, tx: Tx = db): Promise<void> {
      const targetIds = [...new Set(input.targetIds)].slice(0, MAX_TARGET_IDS)
      await tx.insert(auditLog).values({
        actorTokenId: input.actor?.tokenId ?? null,
        actorRole: input.actor?.role ?? null,
        action: input.action,
        targetType: input.targetType,
        targetIds,
        details: input.details ? scrubDetails(input.details) as Record<string, unknown> : null,
        requestId: input.requestId ?? null,
      })
    },

    /** Newest first; `targetId` matches any element of the row's target ids. */
    async list(filter: AuditFilter) {
      const where: SQL[] = []
      if (filter.actorTokenId !== undefined) where.push(eq(auditLog.actorTokenId, filter.actorTokenId))
      if (filter.role) where.push(eq(auditLog.actorRole, filter.role))
      if (filter.action) where.push(eq(auditLog.action, filter.action))
      if (filter.targetType) where.push(eq(auditLog.targetType, filter.targetType))
      if (filter.targetId !== undefined) {
        where.push(jsonArrayHas(db, auditLog.targetIds, filter.targetId))
      }
      if (filter.from) where.push(gte(auditLog.at, toIsoInstant(filter.from, 'from')))
      if (filter.to) where.push(lte(auditLog.at, toIsoInstant(filter.to, 'to')))
      const condition = where.length ? and(...where) : undefined
      const total = (await first(db.select({ n: count() }).from(auditLog).where(condition)))!.n
      const actor = tokensView()
      const rows = await db.select({ row: auditLog, actorName: actor.name })
        .from(auditLog)
        .leftJoin(actor, eq(actor.id, auditLog.actorTokenId))
        .where(condition)
        .orderBy(desc(auditLog.at), desc(auditLog.id))
        .limit(filter.pageSize)
        .offset((filter.page - 1) * filter.pageSize)
      return {
        items: rows.map(({ row, actorName }) => ({
          id: row.id,
          at: row.at,
          actor: row.actorTokenId === null && row.actorRole === null ? null : { tokenId: row.actorTokenId, role: row.actorRole, name: actorName },
          action: row.action,
          targetType: row.targetType,
          targetIds: row.targetIds,
          details: row.details ?? null,
          requestId: row.requestId,
        })),
        total,
        page: filter.page,
        pageSize: filter.pageSize,
      }
    },
  }
}

export type AuditService = ReturnType<typeof createAuditService>
