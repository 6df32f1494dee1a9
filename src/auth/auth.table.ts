import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core'
import { createdAt, id, timestamp } from '../common/columns.ts'
import { units } from '../units/units.table.ts'
import type { Role } from './auth.types.ts'

/** API credentials. Only a SHA-256 of the secret is kept; `prefix` lets people tell tokens apart. */
export const apiTokens = sqliteTable('api_tokens', {
  id: id(),
  name: text('name').notNull(),
  role: text('role').$type<Role>().notNull(),
  /** Set for the `unit` role: the one unit this token acts for. */
  unitId: integer('unit_id').references(() => units.id),
  /** Set for the `reviewer` role: the review step (0-based) this token may act at. */
  reviewStep: integer('review_step'),
  tokenHash: text('token_hash').notNull(),
  prefix: text('prefix').notNull(),
  createdBy: integer('created_by'),
  createdAt: createdAt(),
  lastUsedAt: timestamp('last_used_at'),
  revokedAt: timestamp('revoked_at'),
  /** Set for a sign-in session: the account it was issued to. Sessions travel in a cookie, not a header. */
  accountId: integer('account_id').references(() => accounts.id),
  /** A session's end; null for tokens, which last until revoked. */
  expiresAt: timestamp('expires_at'),
}, (t) => [uniqueIndex('api_tokens_hash_uq').on(t.tokenHash), index('api_tokens_account_idx').on(t.accountId)])

/**
 * People who sign in with a user name and password. An account carries what a token carries (role,
 * unit, review step); each sign-in issues a session, an api_tokens row tied to the account.
 */
export const accounts = sqliteTable('accounts', {
  id: id(),
  username: text('username').notNull(),
  displayName: text('display_name').notNull(),
  role: text('role').$type<Role>().notNull(),
  unitId: integer('unit_id').references(() => units.id),
  reviewStep: integer('review_step'),
  /** scrypt$N$r$p$salt$hash (base64url): see passwords.ts. */
  passwordHash: text('password_hash').notNull(),
  failedAttempts: integer('failed_attempts').notNull().default(0),
  lockedUntil: timestamp('locked_until'),
  disabledAt: timestamp('disabled_at'),
  passwordChangedAt: timestamp('password_changed_at'),
  createdAt: createdAt(),
}, (t) => [uniqueIndex('accounts_username_uq').on(t.username)])
