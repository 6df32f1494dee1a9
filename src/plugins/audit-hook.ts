import type { FastifyReply, FastifyRequest, RouteOptions } from 'fastify'
import type { AuditRecordInput, AuditService } from '../audit/audit.service.ts'
import type { Tx } from '../db/client.ts'
import type { AuditId, AuditRequest, AuditSpec } from './route-config.ts'
import { isWriteMethod, type TxParticipant } from './write-transaction.ts'

const isIdName = (k: string) => k === 'id' || /[a-z]Ids?$/.test(k)
const isIdValue = (v: unknown): v is string | number =>
  (typeof v === 'number' && Number.isInteger(v)) || (typeof v === 'string' && v.length > 0 && v.length <= 64)

/** The ids among a route's path parameters (`id`, `…Id`), kept with the row besides the target's own. */
function pathIds(params: unknown): Record<string, AuditId> {
  const out: Record<string, AuditId> = {}
  if (params === null || typeof params !== 'object') return out
  for (const [k, v] of Object.entries(params)) if (isIdName(k) && isIdValue(v)) out[k] = v
  return out
}

const asList = (v: AuditId | readonly AuditId[] | null | undefined): AuditId[] => (v === null || v === undefined ? [] : Array.isArray(v) ? [...v] : [v as AuditId])

export interface WriteDescription {
  spec: AuditSpec
  method: string
  routeUrl: string
  operationId: string | undefined
  statusCode: number
  req: AuditRequest
  /** The object the handler answered with (undefined when it answered with a string or a stream). */
  result: unknown
}

/**
 * What the audit log keeps of a successful write: the operation, what the route says it wrote, the
 * ids in its path, and the NAMES of the body's fields. Body values are never kept: they hold
 * askers' names, phones and stories.
 */
export function describeWrite(w: WriteDescription): Omit<AuditRecordInput, 'actor' | 'requestId'> {
  const targetIds = [...new Set(asList(w.spec.id?.(w.req, w.result)))]
  const ids: Record<string, AuditId | AuditId[]> = pathIds(w.req.params)
  delete ids.id
  for (const [k, v] of Object.entries(w.spec.related?.(w.req, w.result) ?? {})) {
    const list = asList(v)
    if (list.length) ids[k] = Array.isArray(v) ? list.slice(0, 1000) : list[0]
  }
  const body = w.req.body
  const fields = body && typeof body === 'object' && !Array.isArray(body) ? Object.keys(body).sort() : undefined
  return {
    action: w.spec.action ?? w.operationId ?? `${w.method} ${w.routeUrl}`,
    targetType: w.spec.target,
    targetIds,
    details: {
      method: w.method,
      route: w.routeUrl,
      statusCode: w.statusCode,
      ...(Object.keys(ids).length ? { ids } : {}),
      ...(fields ? { fields } : {}),
      ...(Array.isArray(body) ? { items: body.length } : {}),
    },
  }
}

/** At start-up: a write route that says neither what it writes nor `audit: false` is a mistake. */
export function requireAuditDeclaration(route: RouteOptions): void {
  if (!isWriteMethod(route.method) || route.config?.audit !== undefined) return
  throw new Error(`${[route.method].flat().join(',')} ${route.url}: a write route must declare config.audit (what it writes, or false)`)
}

/**
 * Logs every successful write (2xx on POST/PUT/PATCH/DELETE) as its route declares it, in the
 * request's transaction (`tx`), unless the route says `config: { audit: false }` or the answer is
 * an idempotent replay of one already logged.
 */
export function createAuditParticipant(audit: AuditService, isReplay: (req: FastifyRequest) => boolean) {
  const results = new WeakMap<FastifyRequest, unknown>()
  const participant: TxParticipant = {
    async beforeSend(req: FastifyRequest, reply: FastifyReply, _payload: unknown, tx: Tx) {
      if (reply.statusCode < 200 || reply.statusCode >= 300) return
      const spec = req.routeOptions.config.audit
      if (!spec || !req.actor || isReplay(req)) return
      const described = describeWrite({
        spec,
        method: req.method,
        routeUrl: req.routeOptions.url ?? req.url,
        operationId: (req.routeOptions.schema as { operationId?: string } | undefined)?.operationId,
        statusCode: reply.statusCode,
        req,
        result: results.get(req),
      })
      await audit.record({ ...described, actor: req.actor, requestId: req.id }, tx)
    },
  }
  return {
    participant,
    /** A preSerialization hook: keeps the handler's answer as an object, for the route's id functions. */
    keepResult(req: FastifyRequest, _reply: FastifyReply, payload: unknown, done: (err: null, payload: unknown) => void) {
      if (isWriteMethod(req.method)) results.set(req, payload)
      done(null, payload)
    },
  }
}
