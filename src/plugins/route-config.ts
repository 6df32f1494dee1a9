// Every key a route may set in its `config`, in one place, each with the hook that reads it. The order
// in which those hooks run is told in app.ts.
import type { FastifyRequest } from 'fastify'
import type { Role } from '../auth/auth.types.ts'
import type { FieldError, Page } from '../portal/portal.layout.ts'

export type AuditId = string | number

/** What the audit hook may read of a request to name the ids a write touched. */
export type AuditRequest = Pick<FastifyRequest, 'params' | 'body' | 'actor'>

/**
 * What a successful write is about, for the audit log: declared by the route, never guessed from its
 * URL or its response.
 */
export interface AuditSpec {
  /** The kind of thing written, singular: the log's `targetType` (`ticket`, `entry`, `token`). */
  target: string
  /**
   * The ids of what was written: from the request, or from the object the handler answered with
   * (`result`; undefined when it answered with something else). pathId() and resultId() cover most routes.
   */
  id?: (req: AuditRequest, result: unknown) => AuditId | readonly AuditId[] | null | undefined
  /** Other ids worth keeping with the row (`details.ids`), e.g. the ticket a consultation opened. */
  related?: (req: AuditRequest, result: unknown) => Record<string, AuditId | readonly AuditId[] | null | undefined>
  /** The action recorded; the route's operationId when left out. */
  action?: string
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** plugins/auth.ts: who may call the route; `public` needs no token. Routes that say nothing are for admins only. */
    roles?: readonly Role[] | 'public'
    /**
     * plugins/write-transaction.ts: a POST that only reads (a query too large or too private for a
     * URL, like a caller's question to match) runs outside the write transaction. Everything it
     * writes must be its own concern (the matcher's logs are batched on their own).
     */
    readOnly?: boolean
    /** plugins/idempotency.ts: the route honours the `Idempotency-Key` header (creating routes). */
    idempotency?: boolean
    /**
     * plugins/audit-hook.ts: what a 2xx answer of this write is about, or `false` for a write that
     * changes nothing worth auditing (a search, a page's display setting) or audits itself (sign-in).
     * Every write route must say one or the other: the app refuses to start otherwise.
     */
    audit?: AuditSpec | false
    /** portal/portal.http.ts: renders the page of a refused form again, with the problems (public pages only). */
    portalForm?: (req: FastifyRequest, errors: FieldError[], message: string) => Page | Promise<Page>
    // `rateLimit` ({ max, timeWindow, keyGenerator, … }) is declared by @fastify/rate-limit itself;
    // plugins/security.ts sets the default, per integration token.
  }
}

/** The audited id in the path: `:id` unless named otherwise. */
export const pathId = (name = 'id') => (req: AuditRequest): AuditId | undefined =>
  (req.params as Record<string, AuditId | undefined> | undefined)?.[name]

/** The audited id(s) in the handler's answer, at a path of keys: resultId('consultation', 'id'). */
export const resultId = (...path: string[]) => (_req: AuditRequest, result: unknown): AuditId | readonly AuditId[] | undefined => {
  let value: unknown = result
  for (const key of path) value = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined
  const isId = (v: unknown): v is AuditId => typeof v === 'number' || (typeof v === 'string' && v.length > 0)
  if (isId(value)) return value
  return Array.isArray(value) && value.every(isId) ? value : undefined
}

/** The account of the person calling: writes to one's own session or password. */
export const ownAccountId = (req: AuditRequest) => req.actor?.accountId ?? undefined
