import { createHash, randomBytes } from 'node:crypto'
import { and, desc, eq, isNull, sql } from 'drizzle-orm'
import type { Db } from '../db/client.ts'
import { units } from '../units/units.table.ts'
import { apiTokens, type Role } from './auth.table.ts'
import { InvalidTokenError, TokenNotFoundError, TokenReviewStepError, TokenUnitRequiredError } from './auth.errors.ts'
import { UnitNotFoundError } from '../units/units.errors.ts'

/** Who is calling: resolved from the bearer token on every request. */
export interface Actor {
  tokenId: number
  role: Role
  name: string
  unitId: number | null
  reviewStep: number | null
}

export const hashToken = (secret: string) => createHash('sha256').update(secret).digest('hex')

export interface CreateTokenInput { name: string; role: Role; unitCode?: string; reviewStep?: number }

export function createAuthService({ db, reviewSteps }: { db: Db; reviewSteps: readonly string[] }) {
  // last_used_at is informative; writing it on every request would put a write on the matching hot path.
  const lastTouched = new Map<number, number>()

  function toActor(row: typeof apiTokens.$inferSelect): Actor {
    return { tokenId: row.id, role: row.role, name: row.name, unitId: row.unitId, reviewStep: row.reviewStep }
  }

  // Every authenticated request runs this: prepared once rather than built per request.
  const tokenByHash = db.select().from(apiTokens).where(and(eq(apiTokens.tokenHash, sql.placeholder('hash')), isNull(apiTokens.revokedAt))).prepare()

  return {
    authenticate(secret: string): Actor {
      const row = tokenByHash.get({ hash: hashToken(secret) })
      if (!row) throw new InvalidTokenError()
      const now = Date.now()
      if ((lastTouched.get(row.id) ?? 0) < now - 60_000) {
        lastTouched.set(row.id, now)
        db.update(apiTokens).set({ lastUsedAt: new Date(now).toISOString() }).where(eq(apiTokens.id, row.id)).run()
      }
      return toActor(row)
    },

    /** Creates a token and returns its secret: the only time the secret is seen. */
    createToken(input: CreateTokenInput, createdBy: number | null = null, secret = `pqa_${randomBytes(24).toString('base64url')}`) {
      let unitId: number | null = null
      if (input.role === 'unit') {
        if (!input.unitCode) throw new TokenUnitRequiredError()
        const unit = db.select().from(units).where(eq(units.code, input.unitCode)).get()
        if (!unit) throw new UnitNotFoundError(input.unitCode)
        unitId = unit.id
      }
      let reviewStep: number | null = null
      if (input.role === 'reviewer') {
        if (input.reviewStep === undefined || input.reviewStep < 0 || input.reviewStep >= reviewSteps.length) throw new TokenReviewStepError()
        reviewStep = input.reviewStep
      }
      const row = db.insert(apiTokens).values({
        name: input.name, role: input.role, unitId, reviewStep, tokenHash: hashToken(secret), prefix: secret.slice(0, 8), createdBy,
      }).returning().get()
      return { ...this.describe(row), token: secret }
    },

    /** Makes sure the ADMIN_TOKEN from the environment is a valid admin credential. */
    ensureBootstrapAdmin(secret: string) {
      const hash = hashToken(secret)
      const existing = db.select().from(apiTokens).where(eq(apiTokens.tokenHash, hash)).get()
      if (existing) {
        if (existing.revokedAt || existing.role !== 'admin') {
          db.update(apiTokens).set({ revokedAt: null, role: 'admin' }).where(eq(apiTokens.id, existing.id)).run()
        }
        return
      }
      this.createToken({ name: '初始管理员（ADMIN_TOKEN）', role: 'admin' }, null, secret)
    },

    listTokens() {
      return db.select().from(apiTokens).orderBy(desc(apiTokens.id)).all().map((r) => this.describe(r))
    },

    revokeToken(id: number) {
      const row = db.update(apiTokens).set({ revokedAt: new Date().toISOString() }).where(and(eq(apiTokens.id, id), isNull(apiTokens.revokedAt))).returning().get()
      if (!row) {
        const exists = db.select({ id: apiTokens.id }).from(apiTokens).where(eq(apiTokens.id, id)).get()
        if (!exists) throw new TokenNotFoundError(String(id))
        return this.describe(db.select().from(apiTokens).where(eq(apiTokens.id, id)).get()!)
      }
      return this.describe(row)
    },

    describe(row: typeof apiTokens.$inferSelect) {
      const unit = row.unitId ? db.select({ code: units.code, name: units.name }).from(units).where(eq(units.id, row.unitId)).get() : undefined
      return {
        id: row.id, name: row.name, role: row.role, prefix: row.prefix,
        unit: unit ?? null,
        reviewStep: row.reviewStep, reviewStepName: row.reviewStep === null ? null : reviewSteps[row.reviewStep] ?? null,
        createdAt: row.createdAt, lastUsedAt: row.lastUsedAt, revokedAt: row.revokedAt,
      }
    },
  }
}

export type AuthService = ReturnType<typeof createAuthService>
