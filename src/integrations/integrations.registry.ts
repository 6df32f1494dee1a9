// Registered integrations: their token, webhook URL and signing secret.
import { and, desc, eq, isNull, sql } from 'drizzle-orm'
import type { Db } from '../db/client.ts'
import { first } from '../db/query.ts'
import type { AuthService } from '../auth/auth.service.ts'
import { tokenSummary } from '../auth/auth.queries.ts'
import { integrations, outboxEvents } from './integrations.table.ts'
import { withDetails } from '../plugins/errors.ts'
import { IntegrationNotFoundError, WebhookUrlCredentialsError, WebhookUrlRefusedError } from './integrations.errors.ts'
import { generateSecret } from './integrations.webhook.ts'
import { describeRefusal, type AddressPolicy } from './integrations.address.ts'

type IntegrationRow = typeof integrations.$inferSelect
export interface RegisterInput { name: string; webhookUrl?: string | null }
export interface UpdateInput { name?: string; webhookUrl?: string | null; active?: boolean }

export const DELETED_ERROR = '接入系统已删除，事件不再投递'

export function createRegistry({ db, auth, policy }: { db: Db; auth: Pick<AuthService, 'createToken' | 'revokeToken'>; policy: Pick<AddressPolicy, 'checkUrl'> }) {
  /** Refuses a webhook URL the dispatcher would refuse to post to, as written (names are checked again when resolved). */
  function requireAllowedUrl(url: string | null | undefined) {
    const refusal = url ? policy.checkUrl(url) : undefined
    if (!refusal) return
    const message = describeRefusal(refusal)
    const error = refusal.reason === 'credentials' ? new WebhookUrlCredentialsError(message) : new WebhookUrlRefusedError(message)
    throw withDetails(error, [{ field: 'webhookUrl', message }])
  }

  async function view(row: IntegrationRow) {
    const token = await tokenSummary(db, row.tokenId)
    const counts = await db.select({ state: outboxEvents.state, n: sql<number>`count(*)` }).from(outboxEvents)
      .where(eq(outboxEvents.integrationId, row.id)).groupBy(outboxEvents.state)
    const events = { pending: 0, delivered: 0, dead: 0 }
    for (const c of counts) events[c.state] = c.n
    return {
      id: row.id, name: row.name, webhookUrl: row.webhookUrl, active: row.active,
      token: { id: row.tokenId, prefix: token?.prefix ?? '', revokedAt: token?.revokedAt ?? null },
      events, createdAt: row.createdAt, secretRotatedAt: row.secretRotatedAt, deletedAt: row.deletedAt,
    }
  }

  /** A live (not deleted) integration, or 404. */
  async function requireLive(id: number) {
    const row = await first(db.select().from(integrations).where(and(eq(integrations.id, id), isNull(integrations.deletedAt))))
    if (!row) throw new IntegrationNotFoundError(String(id))
    return row
  }

  return {
    /** Creates the integration with its token and secret; both are shown only in this answer. */
    register(input: RegisterInput, createdBy: number | null) {
      requireAllowedUrl(input.webhookUrl)
      return db.transaction(async (tx) => {
        const token = await auth.createToken({ name: `接入系统：${input.name}`, role: 'integration' }, createdBy, undefined, tx)
        const secret = generateSecret()
        const [row] = await tx.insert(integrations).values({ name: input.name, webhookUrl: input.webhookUrl ?? null, tokenId: token.id, secret }).returning()
        return { ...await view(row), credentials: { token: token.token, secret } }
      })
    },

    async list(opts: { includeDeleted?: boolean } = {}) {
      const rows = await db.select().from(integrations).where(opts.includeDeleted ? undefined : isNull(integrations.deletedAt)).orderBy(desc(integrations.id))
      const views = []
      for (const row of rows) views.push(await view(row))
      return views
    },

    async get(id: number) {
      const row = await first(db.select().from(integrations).where(eq(integrations.id, id)))
      if (!row) throw new IntegrationNotFoundError(String(id))
      return view(row)
    },

    async update(id: number, patch: UpdateInput) {
      await requireLive(id)
      requireAllowedUrl(patch.webhookUrl)
      const row = (await first(db.update(integrations).set(patch).where(eq(integrations.id, id)).returning()))!
      return view(row)
    },

    /** A new secret at once: deliveries from now on are signed with it only. */
    async rotateSecret(id: number) {
      await requireLive(id)
      const secret = generateSecret()
      const row = (await first(db.update(integrations).set({ secret, secretRotatedAt: new Date().toISOString() }).where(eq(integrations.id, id)).returning()))!
      return { ...await view(row), credentials: { secret } }
    },

    /** Revokes the token, stops deliveries and parks what was still queued; the log is kept. */
    async remove(id: number) {
      const existing = await requireLive(id)
      return db.transaction(async (tx) => {
        await auth.revokeToken(existing.tokenId, tx)
        const row = (await first(tx.update(integrations).set({ active: false, deletedAt: new Date().toISOString() }).where(eq(integrations.id, id)).returning()))!
        await tx.update(outboxEvents).set({ state: 'dead', lastError: DELETED_ERROR })
          .where(and(eq(outboxEvents.integrationId, id), eq(outboxEvents.state, 'pending')))
        return view(row)
      })
    },

    /** The live integration behind a token, if any. */
    byToken(tokenId: number) {
      return first(db.select().from(integrations).where(and(eq(integrations.tokenId, tokenId), isNull(integrations.deletedAt))))
    },
  }
}

export type Registry = ReturnType<typeof createRegistry>
