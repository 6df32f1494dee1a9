import type { FastifyReply, FastifyRequest } from 'fastify'
import type { AuditRecordInput, AuditService } from '../audit/audit.service.ts'
import type { TxParticipant } from './write-transaction.ts'

const MAX_PARSED_RESPONSE = 1024 * 1024
const isIdName = (k: string) => k === 'id' || /[a-z]Ids?$/.test(k)
const isIdValue = (v: unknown): v is string | number =>
  (typeof v === 'number' && Number.isInteger(v)) || (typeof v === 'string' && v.length > 0 && v.length <= 64)

/** `/api/v1/entries/:id/versions` → `entry`: the resource the route is about, singular. */
export function targetTypeOf(routeUrl: string): string {
  const segment = routeUrl.replace(/^\/api\/v\d+\//, '').split('/').find((s) => s && !s.startsWith(':')) ?? 'unknown'
  if (segment.endsWith('ies')) return `${segment.slice(0, -3)}y`
  if (segment.endsWith('ses') || segment.endsWith('xes')) return segment.slice(0, -2)
  if (segment.endsWith('s') && !segment.endsWith('ss')) return segment.slice(0, -1)
  return segment
}

/** Ids named `id`, `…Id` or `…Ids` at the top of an object and one level down (`ticket.id` → `ticketId`). */
export function collectIds(value: unknown, prefix = '', depth = 0, out: Record<string, string | number | (string | number)[]> = {}) {
  if (value === null || typeof value !== 'object' || Array.isArray(value) || depth > 1) return out
  for (const [k, v] of Object.entries(value)) {
    const name = prefix ? (k === 'id' ? `${prefix}Id` : k) : k
    if (isIdName(k) && isIdValue(v)) out[name] ??= v
    else if (isIdName(k) && Array.isArray(v) && v.every(isIdValue)) out[name] ??= v.slice(0, 1000)
    else if (v && typeof v === 'object' && !Array.isArray(v)) collectIds(v, k, depth + 1, out)
  }
  return out
}

export interface WriteDescription {
  method: string
  routeUrl: string
  operationId: string | undefined
  statusCode: number
  params: unknown
  body: unknown
  responsePayload: unknown
}

/**
 * What the audit log keeps of a successful write: the operation, the ids in the path and in the
 * response, and the NAMES of the body's fields. Body values are never kept: they hold askers'
 * names, phones and stories.
 */
export function describeWrite(w: WriteDescription): Omit<AuditRecordInput, 'actor' | 'requestId'> {
  const paramIds = collectIds(w.params)
  let responseIds: ReturnType<typeof collectIds> = {}
  if (typeof w.responsePayload === 'string' && w.responsePayload.length <= MAX_PARSED_RESPONSE) {
    try { responseIds = collectIds(JSON.parse(w.responsePayload)) } catch { /* not JSON: no ids */ }
  }
  const targetType = targetTypeOf(w.routeUrl)
  const ids = { ...paramIds, ...responseIds }
  delete ids.id
  // The resource's own id: in the path, at the top of the response, or nested (`{ consultation: { id } }`).
  const main = [paramIds.id, responseIds.id ?? (paramIds.id === undefined ? ids[`${targetType}Id`] : undefined)].filter((v) => v !== undefined)
  const targetIds = [...new Set(main.flat())]
  const fields = w.body && typeof w.body === 'object' && !Array.isArray(w.body) ? Object.keys(w.body).sort() : undefined
  return {
    action: w.operationId ?? `${w.method} ${w.routeUrl}`,
    targetType,
    targetIds,
    details: {
      method: w.method,
      route: w.routeUrl,
      statusCode: w.statusCode,
      ...(Object.keys(ids).length ? { ids } : {}),
      ...(fields ? { fields } : {}),
      ...(Array.isArray(w.body) ? { items: w.body.length } : {}),
    },
  }
}

/** Logs every successful write (2xx on POST/PUT/PATCH/DELETE) unless the route says `config: { audit: false }`. */
export function createAuditParticipant(audit: AuditService, isReplay: (req: FastifyRequest) => boolean): TxParticipant {
  return {
    beforeSend(req: FastifyRequest, reply: FastifyReply, payload: unknown) {
      if (reply.statusCode < 200 || reply.statusCode >= 300) return
      if (req.routeOptions.config.audit === false || !req.actor || isReplay(req)) return
      const described = describeWrite({
        method: req.method,
        routeUrl: req.routeOptions.url ?? req.url,
        operationId: (req.routeOptions.schema as { operationId?: string } | undefined)?.operationId,
        statusCode: reply.statusCode,
        params: req.params,
        body: req.body,
        responsePayload: payload,
      })
      audit.record({ ...described, actor: req.actor, requestId: req.id })
    },
  }
}
