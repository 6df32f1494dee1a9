import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core'
import { createdAt, id } from '../common/columns.ts'

/** Responses remembered for `Idempotency-Key`, scoped to the token that sent them. */
export const idempotencyKeys = sqliteTable('idempotency_keys', {
  id: id(),
  tokenId: integer('token_id').notNull(),
  key: text('key').notNull(),
  route: text('route').notNull(),
  bodyHash: text('body_hash').notNull(),
  statusCode: integer('status_code').notNull(),
  response: text('response').notNull(),
  createdAt: createdAt(),
}, (t) => [uniqueIndex('idempotency_keys_token_key_uq').on(t.tokenId, t.key), index('idempotency_keys_created_idx').on(t.createdAt)])
