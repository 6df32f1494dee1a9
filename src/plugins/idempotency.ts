import { createHash } from 'node:crypto'
import { and, eq, lt } from 'drizzle-orm'
import { Type } from '@fastify/type-provider-typebox'
import type { FastifyBaseLogger, FastifyReply, FastifyRequest, RouteOptions } from 'fastify'
import type { Db, Tx } from '../db/client.ts'
import { first } from '../db/query.ts'
import { idempotencyKeys } from './idempotency.table.ts'
import { IdempotencyKeyInProgressError, IdempotencyKeyReusedError } from './security.errors.ts'
import type { TxParticipant } from './write-transaction.ts'

export const IDEMPOTENCY_HEADER = 'idempotency-key'
export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000
/** A reserved key waiting for its handler's response: status 0 is never a real HTTP status. */
const RESERVED = 0
const PURGE_EVERY_MS = 10 * 60 * 1000

export const IdempotencyKeySchema = Type.String({
  minLength: 1,
  maxLength: 200,
  pattern: '^[\\x20-\\x7E]*[\\x21-\\x7E][\\x20-\\x7E]*$',
  description: '幂等键：1 到 200 个可打印 ASCII 字符（如 UUID）。同一令牌用同一键重试，返回首次的结果而不重复创建；24 小时后失效',
})

/** JSON with object keys sorted, so one body sent with its keys in another order has the same fingerprint. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null'
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`
  const entries = Object.entries(value).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`
}

export function requestFingerprint(route: string, params: unknown, body: unknown): string {
  return createHash('sha256').update(`${route}\n${canonicalJson(params ?? {})}\n${canonicalJson(body ?? null)}`).digest('hex')
}

export type BeginResult = { kind: 'reserved'; id: number } | { kind: 'replay'; statusCode: number; body: string }

/** The idempotency_keys table. Callers run `begin` and `complete` inside the request's transaction (`tx`). */
export function createIdempotencyStore({ db, ttlMs = IDEMPOTENCY_TTL_MS, now = () => Date.now() }: { db: Db; ttlMs?: number; now?: () => number }) {
  let lastPurge = 0
  const cutoff = () => new Date(now() - ttlMs).toISOString()
  return {
    /** Deletes expired keys through the created_at index, at most once every ten minutes. */
    async purgeExpired(force = false): Promise<number> {
      if (!force && now() - lastPurge < PURGE_EVERY_MS) return 0
      lastPurge = now()
      return (await db.delete(idempotencyKeys).where(lt(idempotencyKeys.createdAt, cutoff())).returning({ id: idempotencyKeys.id })).length
    },

    /** Reserves the key, or says how to answer a retry; throws when the key belongs to another request. */
    async begin(tokenId: number, key: string, route: string, bodyHash: string, tx: Tx = db): Promise<BeginResult> {
      const where = and(eq(idempotencyKeys.tokenId, tokenId), eq(idempotencyKeys.key, key))
      let row = await first(tx.select().from(idempotencyKeys).where(where))
      if (row && row.createdAt < cutoff()) {
        await tx.delete(idempotencyKeys).where(eq(idempotencyKeys.id, row.id))
        row = undefined
      }
      if (!row) {
        // ON CONFLICT: a concurrent duplicate that reserved the key first makes this insert wait for
        // its commit on PostgreSQL (on SQLite the writer lock already did), then insert nothing.
        const reserved = await first(tx.insert(idempotencyKeys)
          .values({ tokenId, key, route, bodyHash, statusCode: RESERVED, response: '', createdAt: new Date(now()).toISOString() })
          .onConflictDoNothing()
          .returning({ id: idempotencyKeys.id }))
        if (reserved) return { kind: 'reserved', id: reserved.id }
        // The duplicate has committed: its response is there to replay (read committed sees it).
        row = await first(tx.select().from(idempotencyKeys).where(where))
        if (!row) throw new IdempotencyKeyInProgressError(key)
      }
      if (row.route !== route || row.bodyHash !== bodyHash) throw new IdempotencyKeyReusedError(key)
      if (row.statusCode === RESERVED) throw new IdempotencyKeyInProgressError(key)
      return { kind: 'replay', statusCode: row.statusCode, body: row.response }
    },

    async complete(id: number, statusCode: number, body: string, tx: Tx = db): Promise<void> {
      await tx.update(idempotencyKeys).set({ statusCode, response: body }).where(eq(idempotencyKeys.id, id))
    },

    /** Frees a key whose request failed, so the client may correct it and retry with the same key. */
    async abandon(id: number, tx: Tx = db): Promise<void> {
      await tx.delete(idempotencyKeys).where(and(eq(idempotencyKeys.id, id), eq(idempotencyKeys.statusCode, RESERVED)))
    },
  }
}

export type IdempotencyStore = ReturnType<typeof createIdempotencyStore>

type KeyState = { replayed: true } | { replayed: false; id: number }

/** Adds the optional `Idempotency-Key` header to the schema of routes with `config: { idempotency: true }`. */
export function declareIdempotencyHeader(route: RouteOptions): void {
  if (!route.config?.idempotency) return
  const schema = (route.schema ?? {}) as Record<string, unknown>
  const headers = (schema.headers ?? { type: 'object', properties: {} }) as { properties?: Record<string, unknown> }
  route.schema = { ...schema, headers: { ...headers, type: 'object', properties: { ...headers.properties, [IDEMPOTENCY_HEADER]: IdempotencyKeySchema } } }
}

/**
 * `Idempotency-Key` for routes with `config: { idempotency: true }`. The key is reserved, the
 * handler runs and the response is stored in ONE transaction (see write-transaction.ts), which
 * stays open across the handler's awaits, so two concurrent duplicates cannot both execute: the
 * second waits for the first's commit, sees the stored response and replays it. A key found
 * reserved without a response (its request failed and the key could not be freed) gets 409
 * IDEMPOTENCY_KEY_IN_PROGRESS. Only 2xx responses are kept; after a 4xx/5xx the key is freed. Keys
 * are scoped to the token and expire after 24 hours.
 */
export function createIdempotencyParticipant(store: IdempotencyStore, log: FastifyBaseLogger) {
  const states = new WeakMap<FastifyRequest, KeyState>()
  const participant: TxParticipant = {
    async before(req: FastifyRequest, reply: FastifyReply, tx: Tx) {
      const key = req.headers[IDEMPOTENCY_HEADER]
      if (!req.routeOptions.config.idempotency || typeof key !== 'string' || !req.actor) return
      await store.purgeExpired()
      const route = `${req.method} ${req.routeOptions.url}`
      const result = await store.begin(req.actor.tokenId, key, route, requestFingerprint(route, req.params, req.body), tx)
      if (result.kind === 'reserved') {
        states.set(req, { replayed: false, id: result.id })
        return
      }
      states.set(req, { replayed: true })
      reply.code(result.statusCode).type('application/json; charset=utf-8').header('idempotent-replayed', 'true').send(result.body)
      return true
    },
    async beforeSend(req: FastifyRequest, reply: FastifyReply, payload: unknown, tx: Tx) {
      const state = states.get(req)
      if (!state || state.replayed) return
      states.delete(req)
      if (reply.statusCode >= 200 && reply.statusCode < 300 && typeof payload === 'string') {
        await store.complete(state.id, reply.statusCode, payload, tx)
        return
      }
      try {
        // In a savepoint: on PostgreSQL a failed statement would abort the request's whole transaction.
        await tx.transaction((sp) => store.abandon(state.id, sp))
      } catch (err) {
        // The key stays reserved: retries get 409 IN_PROGRESS until it expires, never a second execution.
        log.error({ err, reqId: req.id }, 'idempotency: could not free a key after a failed request')
      }
    },
  }
  return { participant, isReplay: (req: FastifyRequest) => states.get(req)?.replayed === true }
}
