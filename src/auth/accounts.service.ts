import { asc, eq } from 'drizzle-orm'
import type { Db } from '../db/client.ts'
import { first } from '../db/query.ts'
import type { AuditService } from '../audit/audit.service.ts'
import { unitByCode, unitById } from '../units/units.queries.ts'
import { UnitNotFoundError } from '../units/units.errors.ts'
import { withDetails } from '../plugins/errors.ts'
import { accounts, apiTokens } from './auth.table.ts'
import type { Role } from './auth.types.ts'
import type { Actor, AuthService } from './auth.service.ts'
import {
  AccountExistsError, AccountLockedError, AccountNotFoundError, SignInFailedError, TokenReviewStepError, TokenUnitRequiredError,
  WeakPasswordError, WrongPasswordError,
} from './auth.errors.ts'
import { decoyHash, generatePassword, hashPassword, passwordProblem, verifyPassword } from './passwords.ts'
import { lockoutFor } from './accounts.logic.ts'
import { systemClock, type Clock } from '../common/time.ts'

/** A working day and a bit: a session does not outlive the night. */
export const SESSION_TTL_MS = 12 * 3600_000

export type PeopleRole = Exclude<Role, 'integration'>

export interface AccountInput {
  username: string
  displayName: string
  role: PeopleRole
  unitCode?: string
  reviewStep?: number
  /** Omitted: one is generated and returned once. */
  password?: string
}

export interface AccountPatch {
  displayName?: string
  role?: PeopleRole
  unitCode?: string | null
  reviewStep?: number | null
  disabled?: boolean
}

export interface AccountsServiceDeps {
  db: Db
  auth: AuthService
  audit: AuditService
  reviewSteps: readonly string[]
  now?: Clock
}

type AccountRow = typeof accounts.$inferSelect

export function createAccountsService({ db, auth, audit, reviewSteps, now = systemClock }: AccountsServiceDeps) {
  const byName = (username: string) => first(db.select().from(accounts).where(eq(accounts.username, username.trim().toLowerCase())))
  const byId = async (id: number) => {
    const row = await first(db.select().from(accounts).where(eq(accounts.id, id)))
    if (!row) throw new AccountNotFoundError(String(id))
    return row
  }

  async function scope(role: Role, unitCode: string | null | undefined, reviewStep: number | null | undefined) {
    let unitId: number | null = null
    if (role === 'unit') {
      if (!unitCode) throw new TokenUnitRequiredError()
      const unit = await unitByCode(db, unitCode)
      if (!unit) throw withDetails(new UnitNotFoundError(unitCode), [{ field: 'unitCode', message: `单位 ${unitCode} 不存在` }])
      unitId = unit.id
    }
    let step: number | null = null
    if (role === 'reviewer') {
      if (reviewStep === undefined || reviewStep === null || reviewStep < 0 || reviewStep >= reviewSteps.length) throw new TokenReviewStepError()
      step = reviewStep
    }
    return { unitId, reviewStep: step }
  }

  async function describe(row: AccountRow) {
    const found = row.unitId ? await unitById(db, row.unitId) : undefined
    const unit = found ? { code: found.code, name: found.name } : null
    const at = now().toISOString()
    return {
      id: row.id, username: row.username, displayName: row.displayName, role: row.role, unit,
      reviewStep: row.reviewStep, reviewStepName: row.reviewStep === null ? null : reviewSteps[row.reviewStep] ?? null,
      locked: row.lockedUntil !== null && row.lockedUntil > at, lockedUntil: row.lockedUntil,
      disabled: row.disabledAt !== null, failedAttempts: row.failedAttempts,
      passwordChangedAt: row.passwordChangedAt, createdAt: row.createdAt,
    }
  }

  const checkPassword = (password: string) => {
    const problem = passwordProblem(password)
    if (problem) throw new WeakPasswordError(problem)
  }

  return {
    async list() {
      const rows = await db.select().from(accounts).orderBy(asc(accounts.username))
      const described = []
      for (const row of rows) described.push(await describe(row))
      return described
    },

    async get(id: number) { return await describe(await byId(id)) },

    async sessionExpiry(tokenId: number): Promise<string> {
      return (await first(db.select({ at: apiTokens.expiresAt }).from(apiTokens).where(eq(apiTokens.id, tokenId))))?.at ?? ''
    },

    /** Writes to the audit log are the caller's: the HTTP routes' audit hook, or the command line. */
    async create(input: AccountInput) {
      const username = input.username.trim().toLowerCase()
      if (await byName(username)) throw new AccountExistsError(username)
      const s = await scope(input.role, input.unitCode, input.reviewStep)
      const password = input.password ?? generatePassword()
      checkPassword(password)
      const passwordHash = await hashPassword(password)
      // After the await: another request may have taken the name meanwhile.
      if (await byName(username)) throw new AccountExistsError(username)
      const [row] = await db.insert(accounts).values({ username, displayName: input.displayName.trim(), role: input.role, ...s, passwordHash }).returning()
      return { ...(await describe(row!)), password: input.password === undefined ? password : null }
    },

    async update(id: number, patch: AccountPatch) {
      const row = await byId(id)
      const role = patch.role ?? row.role
      const unitCode = patch.unitCode !== undefined ? patch.unitCode
        : row.unitId ? (await unitById(db, row.unitId))?.code : undefined
      const s = await scope(role, unitCode, patch.reviewStep !== undefined ? patch.reviewStep : row.reviewStep)
      const disabledAt = patch.disabled === undefined ? row.disabledAt : patch.disabled ? row.disabledAt ?? now().toISOString() : null
      return await db.transaction(async (tx) => {
        const [updated] = await tx.update(accounts).set({ displayName: patch.displayName?.trim() ?? row.displayName, role, ...s, disabledAt })
          .where(eq(accounts.id, id)).returning()
        // A session carries the role and unit it was issued with: changing them ends it.
        await auth.revokeSessions(id, undefined, tx)
        return await describe(updated!)
      })
    },

    /** An admin's reset: a new generated password (returned once), the lock lifted, every session ended. */
    async resetPassword(id: number) {
      await byId(id)
      const password = generatePassword()
      const passwordHash = await hashPassword(password)
      return await db.transaction(async (tx) => {
        const [row] = await tx.update(accounts).set({ passwordHash, failedAttempts: 0, lockedUntil: null, passwordChangedAt: null })
          .where(eq(accounts.id, id)).returning()
        await auth.revokeSessions(id, undefined, tx)
        return { ...(await describe(row!)), password }
      })
    },

    /** The holder's own change: needs the current password; other sessions end, this one stays. */
    async changePassword(actor: Actor, current: string, next: string) {
      const row = await byId(actor.accountId!)
      if (!(await verifyPassword(current, row.passwordHash))) throw new WrongPasswordError()
      checkPassword(next)
      const passwordHash = await hashPassword(next)
      await db.transaction(async (tx) => {
        await tx.update(accounts).set({ passwordHash, passwordChangedAt: now().toISOString() }).where(eq(accounts.id, row.id))
        await auth.revokeSessions(row.id, actor.tokenId, tx)
      })
    },

    /**
     * Checks a user name and password. Repeated failures lock the account with a growing wait
     * (accounts.logic.ts); while it is locked the password is not even tried. Every outcome is audited.
     */
    async signIn(usernameInput: string, password: string, requestId?: string) {
      const username = usernameInput.trim().toLowerCase()
      const row = await byName(username)
      if (!row || row.disabledAt) {
        await verifyPassword(password, await decoyHash())
        await audit.record({ actor: null, action: 'signInFailed', targetType: 'account', targetIds: row ? [row.id] : [], details: { reason: row ? 'disabled' : 'unknownUser' }, requestId })
        throw new SignInFailedError()
      }
      const at = now()
      if (row.lockedUntil && row.lockedUntil > at.toISOString()) {
        await audit.record({ actor: null, action: 'signInFailed', targetType: 'account', targetIds: [row.id], details: { reason: 'locked' }, requestId })
        throw new AccountLockedError(String(Math.ceil((Date.parse(row.lockedUntil) - at.getTime()) / 1000)))
      }
      const ok = await verifyPassword(password, row.passwordHash)
      // Read again after the await: concurrent failures each count.
      const fresh = await byId(row.id)
      if (!ok) {
        const failedAttempts = fresh.failedAttempts + 1
        const lockMs = lockoutFor(failedAttempts)
        const lockedUntil = lockMs > 0 ? new Date(at.getTime() + lockMs).toISOString() : fresh.lockedUntil
        await db.transaction(async (tx) => {
          await tx.update(accounts).set({ failedAttempts, lockedUntil }).where(eq(accounts.id, row.id))
          await audit.record({ actor: null, action: 'signInFailed', targetType: 'account', targetIds: [row.id], details: { reason: 'wrongPassword', failedAttempts }, requestId }, tx)
        })
        if (lockMs > 0) throw new AccountLockedError(String(Math.ceil(lockMs / 1000)))
        throw new SignInFailedError()
      }
      return await db.transaction(async (tx) => {
        await tx.update(accounts).set({ failedAttempts: 0, lockedUntil: null }).where(eq(accounts.id, row.id))
        const session = await auth.createSession(fresh, SESSION_TTL_MS, at, tx)
        await audit.record({ actor: { tokenId: session.tokenId, role: fresh.role }, action: 'signIn', targetType: 'account', targetIds: [row.id], requestId }, tx)
        return { ...session, account: await describe(fresh) }
      })
    },

    async signOut(actor: Actor) {
      await auth.revokeToken(actor.tokenId)
    },

    /**
     * First start: with no account at all, an administrator account with a generated password. The
     * caller prints the password once; it is never stored in clear.
     */
    async ensureFirstAdmin(): Promise<{ username: string; password: string } | null> {
      if (await first(db.select({ id: accounts.id }).from(accounts).limit(1))) return null
      const password = generatePassword()
      const account = await this.create({ username: 'admin', displayName: '系统管理员', role: 'admin', password })
      await audit.record({ actor: null, action: 'createAccount', targetType: 'account', targetIds: [account.id], details: { via: 'firstStart' } })
      return { username: 'admin', password }
    },
  }
}

export type AccountsService = ReturnType<typeof createAccountsService>
