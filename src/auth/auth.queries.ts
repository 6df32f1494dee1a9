// What other modules may read of credentials: who acted (a token's name and role), never its hash.
import { eq } from 'drizzle-orm'
import { QueryBuilder } from 'drizzle-orm/sqlite-core'
import type { Tx } from '../db/client.ts'
import { first } from '../db/query.ts'
import { apiTokens } from './auth.table.ts'

const qb = new QueryBuilder()

/**
 * Tokens as other modules may join them, to name the actor of a history line: id, name, role,
 * prefix. The hash, the unit and the session columns stay private.
 */
export const tokensView = (alias = 'actor') =>
  qb.select({ id: apiTokens.id, name: apiTokens.name, role: apiTokens.role, prefix: apiTokens.prefix }).from(apiTokens).as(alias)

/** A token's public face: its prefix and whether it was revoked. */
export const tokenSummary = (tx: Tx, id: number) =>
  first(tx.select({ prefix: apiTokens.prefix, revokedAt: apiTokens.revokedAt }).from(apiTokens).where(eq(apiTokens.id, id)))
