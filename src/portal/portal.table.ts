import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core'
import { createdAt, id } from '../common/columns.ts'
import { consultations } from '../consultations/consultations.table.ts'

/**
 * A question or suggestion sent through the public pages. Its lookup code is never stored: it is
 * derived from the form's one-time nonce with the portal's secret (so a double submission of the
 * same form shows the same code again), and its ticket keeps only the hash (tickets.lookup_code_hash).
 */
export const portalSubmissions = sqliteTable('portal_submissions', {
  id: id(),
  consultationId: integer('consultation_id').notNull().references(() => consultations.id),
  kind: text('kind').$type<'question' | 'suggestion'>().notNull(),
  nonceHash: text('nonce_hash').notNull(),
  /** HMAC of the client address: duplicate suppression without keeping the address. */
  clientHash: text('client_hash').notNull(),
  /** The question normalised (no spaces or punctuation), hashed: the duplicate check's key. */
  questionKey: text('question_key').notNull(),
  createdAt: createdAt(),
}, (t) => [
  uniqueIndex('portal_submissions_nonce_uq').on(t.nonceHash),
  uniqueIndex('portal_submissions_consultation_uq').on(t.consultationId),
  index('portal_submissions_dup_idx').on(t.clientHash, t.questionKey, t.createdAt),
])

/** The portal's secret (one row), made on first use: keys the lookup codes and the client hashes. */
export const portalSecrets = sqliteTable('portal_secrets', {
  id: integer('id').primaryKey(),
  secret: text('secret').notNull(),
  /** The revoked token that registers the pages' consultations (consultations.registered_by). */
  actorTokenId: integer('actor_token_id').notNull(),
  createdAt: createdAt(),
})
