// What other modules may read of consultations. The table is this module's own: tickets (opened for
// a consultation), stats and the portal call these functions, or join the published view, and never
// name `consultations`.
import { eq, getTableColumns } from 'drizzle-orm'
import { QueryBuilder } from 'drizzle-orm/sqlite-core'
import type { Tx } from '../db/client.ts'
import { first } from '../db/query.ts'
import { consultations } from './consultations.table.ts'

const qb = new QueryBuilder()

/** A consultation as recorded: the question, the asker, how and when it came in, what became of it. */
export type Consultation = typeof consultations.$inferSelect

/**
 * Consultations as other modules may join them: the whole record, since a ticket is the handling of
 * one consultation and shows all of it. SQLite flattens the view, so the join costs what a join on
 * the table costs; the alias names each use.
 */
export const consultationsView = (alias = 'consultation') => qb.select(getTableColumns(consultations)).from(consultations).as(alias)

export const consultationById = (tx: Tx, id: number): Promise<Consultation | undefined> =>
  first(tx.select().from(consultations).where(eq(consultations.id, id)))
