// THE RULE for reading the library: which entries an actor sees, and how much of each. What is
// published is the library that every reader reads (agents answer from it, the portal shows it), so
// everyone who may read entries sees a published entry, as published: its published version. All the
// rest of an entry is its unit's work in progress: a draft never published, a version in review, a
// returned or withdrawn one, a new version being written of a published entry, and an archived
// entry. That is seen by the unit that owns the entry (the one visibility rule, auth/visibility.ts),
// by the office (admins), and by reviewers while a version of it waits in review (their queue, and
// the diff and trail they decide on). Agents and other units see only what is published.
//
// One function, entryReading(actor), gives the rule both ways: predicates for an entry in hand and
// the same conditions as SQL for lists and exports. kb.reading.test.ts checks that they agree for
// every role on a table of entries, on both engines.
import { eq, or, sql, type SQL, type SQLWrapper } from 'drizzle-orm'
import { visibility, type Viewer } from '../auth/visibility.ts'
import type { VersionState } from './kb.table.ts'
import type { EntryStatus } from './kb.types.ts'

/** What the rule looks at: the entry's owner and status, and the state of its latest version. */
export interface ReadableEntry { unitId: number; status: EntryStatus; latestState: VersionState }

/** The same, as the columns (or SQL expressions) of a statement. */
export interface ReadableColumns { unitId: SQLWrapper; status: SQLWrapper; latestState: SQLWrapper }

export interface EntryReading {
  /** Whether the actor sees the whole entry: every version and status, work in progress included. */
  whole(e: ReadableEntry): boolean
  /** Whether the actor sees the entry at all: whole, or as published. */
  sees(e: ReadableEntry): boolean
  /** whole() as a condition; undefined when every entry is seen whole. */
  wholeWhere(cols: ReadableColumns): SQL | undefined
  /** sees() as a condition; undefined when every entry is seen. */
  where(cols: ReadableColumns): SQL | undefined
}

/** Version states a reader who sees only what is published may read in an entry's history. */
export const PUBLISHED_STATES: readonly VersionState[] = ['published', 'superseded']

function reading(whole: (e: ReadableEntry) => boolean, wholeWhere: (cols: ReadableColumns) => SQL): EntryReading {
  return {
    whole,
    sees: (e) => e.status === 'published' || whole(e),
    wholeWhere,
    where: (cols) => or(eq(cols.status, 'published'), wholeWhere(cols))!,
  }
}

const everything: EntryReading = { whole: () => true, sees: () => true, wholeWhere: () => undefined, where: () => undefined }

/** What this actor reads of the library: the one rule. */
export function entryReading(actor: Viewer): EntryReading {
  switch (actor.role) {
    case 'admin': return everything
    case 'unit': {
      const own = visibility(actor)
      return reading((e) => own.sees({ unitId: e.unitId }), (cols) => own.where({ unitId: cols.unitId }) ?? sql`true`)
    }
    case 'reviewer':
      return reading((e) => e.latestState === 'in_review', (cols) => eq(cols.latestState, 'in_review'))
    default:
      return reading(() => false, () => sql`false`)
  }
}
