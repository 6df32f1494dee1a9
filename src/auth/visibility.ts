// THE RULE: which rows an actor sees of the data that belongs to units. The office (admins and
// agents) sees every unit's; a unit sees its own (the tickets it holds now, the entries and policy
// documents it owns, its figures); an integration sees what its token registered; a reviewer sees
// none of it. Which entries of the library each role reads (published ones by all; work in progress
// by its unit, the office and reviewers) is the kb's rule built on this one (kb/kb.reading.ts).
// Roles on the routes decide who may call what at all; this decides which rows they get.
//
// One function, visibility(actor), gives the rule both ways: a predicate for a row in hand and the
// same condition as SQL for a list. visibility.test.ts checks that the two agree for every role on
// a table of rows. Nothing else in the service tests a role against a unit id.
import { eq, sql, type SQL, type SQLWrapper } from 'drizzle-orm'
import type { Actor } from './auth.service.ts'

export type Viewer = Pick<Actor, 'role' | 'tokenId' | 'unitId'>

/** Whom a row belongs to. */
export interface ScopedRow {
  /** The unit that holds it (a ticket) or owns it (an entry, a document); null: none. */
  unitId: number | null
  /** The token that registered it (consultations and their tickets); absent for rows that have none. */
  registeredBy?: number | null
}

/** The same, as the columns (or SQL expressions) of a statement. */
export interface ScopedColumns {
  unitId: SQLWrapper
  registeredBy?: SQLWrapper
}

export interface Visibility {
  /** Whether the actor sees the row. */
  sees(row: ScopedRow): boolean
  /** sees() as a condition on the row's columns; undefined when every row is seen. */
  where(cols: ScopedColumns): SQL | undefined
  /**
   * The unit a request about units' data is kept to (statistics, the ledger, a new row's owner):
   * for the office, the unit it names, or null for every unit; for a unit, its own, and naming
   * another is refused with `refuse()`; anyone else is refused.
   */
  unitOf(named: number | undefined, refuse: () => Error): number | null
}

const everything: Visibility = {
  sees: () => true,
  where: () => undefined,
  unitOf: (named) => named ?? null,
}

const nothing: Visibility = {
  sees: () => false,
  where: () => sql`false`,
  unitOf: (_named, refuse) => { throw refuse() },
}

const ofUnit = (unitId: number): Visibility => ({
  sees: (row) => row.unitId === unitId,
  where: (cols) => eq(cols.unitId, unitId),
  unitOf: (named, refuse) => {
    if (named !== undefined && named !== unitId) throw refuse()
    return unitId
  },
})

const registeredBy = (tokenId: number): Visibility => ({
  sees: (row) => row.registeredBy === tokenId,
  where: (cols) => (cols.registeredBy ? eq(cols.registeredBy, tokenId) : sql`false`),
  unitOf: (_named, refuse) => { throw refuse() },
})

/** What this actor sees: the one scope function. */
export function visibility(actor: Viewer): Visibility {
  switch (actor.role) {
    case 'admin': case 'agent': return everything
    case 'unit': return actor.unitId === null ? nothing : ofUnit(actor.unitId)
    case 'integration': return registeredBy(actor.tokenId)
    default: return nothing
  }
}
