import { createHash, randomBytes } from 'node:crypto'
import { and, desc, eq, isNull, ne, sql } from 'drizzle-orm'
import type { FastifyBaseLogger } from 'fastify'
import type { Db, Tx } from '../db/client.ts'
import { unitByCode, unitById, unitsView } from '../units/units.queries.ts'
import { apiTokens } from './auth.table.ts'
import type { Role } from './auth.types.ts'
import { isDatabaseBusy } from '../db/client.ts'
import { first } from '../db/query.ts'
import { postgresClientOf } from '../db/postgres.ts'
import { InvalidTokenError, SessionExpiredError, TokenNotFoundError, TokenReviewStepError, TokenUnitInactiveError, TokenUnitRequiredError } from './auth.errors.ts'
import { UnitNotFoundError } from '../units/units.errors.ts'
import { withDetails } from '../plugins/errors.ts'

/** Who is calling: resolved from the bearer token on every request. */
export interface Actor {
  tokenId: number
  role: Role
  name: string
  unitId: number | null
  reviewStep: number | null
  /** Set when the caller signed in with an account (the credential is then a session). */
  accountId?: number | null
}

export const hashToken = (secret: string) => createHash('sha256').update(secret).digest('hex')

export interface CreateTokenInput { name: string; role: Role; unitCode?: string; reviewStep?: number }

/**
 * How long a token's last use waits in memory before it is written. Authentication never writes:
 * a write on the request path would make every read wait for the SQLite write lock (and fail after
 * busy_timeout when another process holds it). last_used_at is therefore up to this much behind.
 */
export const LAST_USED_FLUSH_MS = 5 * 60_000

export type BootstrapOutcome = 'created' | 'present' | 'revoked'

export interface AuthServiceDeps {
  db: Db
  reviewSteps: readonly string[]
  log?: Pick<FastifyBaseLogger, 'warn'>
  flushMs?: number
}

export function createAuthService({ db, reviewSteps, log, flushMs = LAST_USED_FLUSH_MS }: AuthServiceDeps) {
  const lastUsed = new Map<number, string>()
  let flushTimer: NodeJS.Timeout | undefined

  /**
   * Writes the remembered last uses in one transaction without waiting for another process's write
   * lock: when one holds it, they stay in memory for the next round. True when nothing is left.
   * Writers inside this process are not a concern: the transaction waits its turn for the writer
   * (without blocking anything else); only another process (a backup, a script) can hold the lock.
   */
  async function flushLastUsed(): Promise<boolean> {
    if (flushTimer) { clearTimeout(flushTimer); flushTimer = undefined }
    if (lastUsed.size === 0) return true
    try {
      const batch = [...lastUsed]
      await db.transaction(async (tx) => {
        await withoutWaitingForTheLock(tx, async () => {
          for (const [id, at] of batch) await tx.update(apiTokens).set({ lastUsedAt: at }).where(eq(apiTokens.id, id))
        })
      })
      for (const [id, at] of batch) if (lastUsed.get(id) === at) lastUsed.delete(id)
      return true
    } catch (err) {
      if (!isDatabaseBusy(err)) throw err
      scheduleFlush()
      return false
    }
  }

  /**
   * Runs `work` with busy_timeout 0 on the transaction's connection: a write that finds the lock
   * held by another process fails at once with SQLITE_BUSY instead of waiting. better-sqlite3 waits
   * synchronously, so waiting up to busy_timeout would stall every request for a background write.
   * Inside the transaction the writer connection is this work's alone (the writer mutex), so the
   * setting affects nothing else; it is restored before the transaction ends. PostgreSQL waits for
   * a row lock without blocking anything else, so there the work just runs.
   */
  async function withoutWaitingForTheLock(tx: Tx, work: () => Promise<void>) {
    if (postgresClientOf(db)) return await work()
    // #17: SQLite-only, busy_timeout is a SQLite connection setting.
    const [{ timeout }] = await tx.all<{ timeout: number }>(sql`pragma busy_timeout`)
    await tx.run(sql`pragma busy_timeout = 0`)
    try {
      await work()
    } finally {
      await tx.run(sql.raw(`pragma busy_timeout = ${Number(timeout)}`))
    }
  }

  function scheduleFlush() {
    flushTimer ??= setTimeout(() => {
      flushTimer = undefined
      void flushLastUsed().catch((err: unknown) => { log?.warn({ err }, 'could not record when tokens were last used') })
    }, flushMs).unref()
  }

  function toActor(row: typeof apiTokens.$inferSelect): Actor {
    return { tokenId: row.id, role: row.role, name: row.name, unitId: row.unitId, reviewStep: row.reviewStep, accountId: row.accountId ?? null }
  }

  // Every authenticated request runs this: prepared once rather than built per request. A unit
  // token carries its unit's state, so a deactivated unit's tokens stop working at once.
  const unit = unitsView()
  const tokenByHash = db.select({ token: apiTokens, unitActive: unit.active }).from(apiTokens)
    .leftJoin(unit, eq(unit.id, apiTokens.unitId))
    .where(and(eq(apiTokens.tokenHash, sql.placeholder('hash')), isNull(apiTokens.revokedAt))).prepare()

  return {
    /** Reads only: the last use is remembered and written later (flushLastUsed). */
    async authenticate(secret: string): Promise<Actor> {
      const found = await first(tokenByHash.execute({ hash: hashToken(secret) }))
      if (!found) throw new InvalidTokenError()
      if (found.token.expiresAt !== null && found.token.expiresAt <= new Date().toISOString()) throw new SessionExpiredError()
      if (found.token.unitId !== null && found.unitActive !== true) throw new TokenUnitInactiveError()
      lastUsed.set(found.token.id, new Date().toISOString())
      scheduleFlush()
      return toActor(found.token)
    },

    flushLastUsed,

    /** Writes what is still remembered (on shutdown). */
    async stop() {
      try { await flushLastUsed() } catch (err) { log?.warn({ err }, 'could not record when tokens were last used') }
      if (flushTimer) { clearTimeout(flushTimer); flushTimer = undefined }
    },

    /** Creates a token and returns its secret: the only time the secret is seen. `tx`: the caller's transaction. */
    async createToken(input: CreateTokenInput, createdBy: number | null = null, secret = `pqa_${randomBytes(24).toString('base64url')}`, tx: Tx = db) {
      let unitId: number | null = null
      if (input.role === 'unit') {
        if (!input.unitCode) throw new TokenUnitRequiredError()
        const unit = await unitByCode(tx, input.unitCode)
        if (!unit) throw withDetails(new UnitNotFoundError(input.unitCode), [{ field: 'unitCode', message: `单位 ${input.unitCode} 不存在` }])
        unitId = unit.id
      }
      let reviewStep: number | null = null
      if (input.role === 'reviewer') {
        if (input.reviewStep === undefined || input.reviewStep < 0 || input.reviewStep >= reviewSteps.length) throw new TokenReviewStepError()
        reviewStep = input.reviewStep
      }
      const [row] = await tx.insert(apiTokens).values({
        name: input.name, role: input.role, unitId, reviewStep, tokenHash: hashToken(secret), prefix: secret.slice(0, 8), createdBy,
      }).returning()
      return { ...(await this.describe(row!)), token: secret }
    },

    /**
     * Makes sure the ADMIN_TOKEN from the environment is an admin credential, unless it was revoked:
     * a revocation is a decision about that secret and outlives restarts. The caller logs 'revoked'.
     */
    async ensureBootstrapAdmin(secret: string): Promise<{ outcome: BootstrapOutcome; tokenId: number }> {
      const existing = await first(db.select().from(apiTokens).where(eq(apiTokens.tokenHash, hashToken(secret))))
      if (existing?.revokedAt) return { outcome: 'revoked', tokenId: existing.id }
      if (existing) {
        if (existing.role !== 'admin') await db.update(apiTokens).set({ role: 'admin' }).where(eq(apiTokens.id, existing.id))
        return { outcome: 'present', tokenId: existing.id }
      }
      return { outcome: 'created', tokenId: (await this.createToken({ name: '初始管理员（ADMIN_TOKEN）', role: 'admin' }, null, secret)).id }
    },

    /** Tokens only: sign-in sessions are the accounts' business. */
    async listTokens() {
      const rows = await db.select().from(apiTokens).where(isNull(apiTokens.accountId)).orderBy(desc(apiTokens.id))
      const described = []
      for (const r of rows) described.push(await this.describe(r))
      return described
    },

    /** The credential behind a request, session or token. */
    async describeById(id: number) {
      const row = await first(db.select().from(apiTokens).where(eq(apiTokens.id, id)))
      if (!row) throw new TokenNotFoundError(String(id))
      return this.describe(row)
    },

    /** Issues a session for an account: an api_tokens row that expires; its secret goes into a cookie. */
    async createSession(account: { id: number; displayName: string; role: Role; unitId: number | null; reviewStep: number | null }, ttlMs: number, now = new Date(), tx: Tx = db) {
      const secret = `pqs_${randomBytes(32).toString('base64url')}`
      const expiresAt = new Date(now.getTime() + ttlMs).toISOString()
      const [row] = await tx.insert(apiTokens).values({
        name: account.displayName, role: account.role, unitId: account.unitId, reviewStep: account.reviewStep,
        tokenHash: hashToken(secret), prefix: secret.slice(0, 8), accountId: account.id, expiresAt,
      }).returning({ id: apiTokens.id })
      return { secret, tokenId: row!.id, expiresAt }
    },

    /** Ends an account's sessions (sign-out everywhere, password change, account change), except `keep`. */
    async revokeSessions(accountId: number, keep?: number, tx: Tx = db): Promise<number> {
      const at = new Date().toISOString()
      const where = and(eq(apiTokens.accountId, accountId), isNull(apiTokens.revokedAt), keep === undefined ? undefined : ne(apiTokens.id, keep))
      return (await tx.update(apiTokens).set({ revokedAt: at }).where(where).returning({ id: apiTokens.id })).length
    },

    async revokeToken(id: number, tx: Tx = db) {
      const row = await first(tx.update(apiTokens).set({ revokedAt: new Date().toISOString() }).where(and(eq(apiTokens.id, id), isNull(apiTokens.revokedAt))).returning())
      if (!row) {
        const exists = await first(tx.select({ id: apiTokens.id }).from(apiTokens).where(eq(apiTokens.id, id)))
        if (!exists) throw new TokenNotFoundError(String(id))
        return await this.describe((await first(tx.select().from(apiTokens).where(eq(apiTokens.id, id))))!)
      }
      return await this.describe(row)
    },

    async describe(row: typeof apiTokens.$inferSelect) {
      const found = row.unitId ? await unitById(db, row.unitId) : undefined
      const unit = found && { code: found.code, name: found.name }
      return {
        id: row.id, name: row.name, role: row.role, prefix: row.prefix,
        unit: unit ?? null,
        reviewStep: row.reviewStep, reviewStepName: row.reviewStep === null ? null : reviewSteps[row.reviewStep] ?? null,
        createdAt: row.createdAt, lastUsedAt: lastUsed.get(row.id) ?? row.lastUsedAt, revokedAt: row.revokedAt,
      }
    },
  }
}

export type AuthService = ReturnType<typeof createAuthService>
