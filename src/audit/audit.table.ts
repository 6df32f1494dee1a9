import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core'
import { createdAt, id, json } from '../common/columns.ts'

/** Every write, and every read of an asker's full contact details: who, what, when, which ids. */
export const auditLog = sqliteTable('audit_log', {
  id: id(),
  at: createdAt(),
  actorTokenId: integer('actor_token_id'),
  actorRole: text('actor_role'),
  action: text('action').notNull(),
  targetType: text('target_type').notNull(),
  targetIds: json<(string | number)[]>('target_ids').notNull().$defaultFn(() => []),
  details: json<Record<string, unknown>>('details'),
  requestId: text('request_id'),
}, (t) => [index('audit_log_at_idx').on(t.at), index('audit_log_action_idx').on(t.action), index('audit_log_actor_idx').on(t.actorTokenId)])
