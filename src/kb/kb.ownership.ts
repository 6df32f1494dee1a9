// Which unit's entries and documents an actor may write: the one visibility rule (auth/visibility.ts)
// applied to the kb's rows, with the kb's own error. Who reads which entries is kb.reading.ts.
import { visibility, type Viewer } from '../auth/visibility.ts'
import type { KbContext } from './kb.dependencies.ts'
import { EntryNotFoundError, NotYourUnitError } from './kb.errors.ts'
import { entryReading } from './kb.reading.ts'
import type { VersionState } from './kb.table.ts'
import type { EntryStatus } from './kb.types.ts'

/** A unit token may only touch what belongs to its own unit. */
export function assertOwnUnit(actor: Viewer, unitId: number | null, what: string): void {
  if (!visibility(actor).sees({ unitId })) throw new NotYourUnitError(what)
}

/**
 * The same for an entry, as reading it is: another unit's entry that the actor may not even read
 * (its draft, kb.reading.ts) is not found, as it is when read, so a write does not tell that it
 * exists; a published one the actor reads but may not change is refused.
 */
export async function assertOwnEntry(actor: Viewer, entry: { id: number; unitId: number; status: EntryStatus }, latestState: () => Promise<VersionState>): Promise<void> {
  if (visibility(actor).sees({ unitId: entry.unitId })) return
  if (!entryReading(actor).sees({ unitId: entry.unitId, status: entry.status, latestState: await latestState() })) throw new EntryNotFoundError(String(entry.id))
  throw new NotYourUnitError('问答条目')
}

/** The unit a new row belongs to: a unit token's own unit (naming another is refused); for the office, the one named. */
export async function resolveUnitId(ctx: KbContext, actor: Viewer, unitCode: string | null | undefined, what: string): Promise<number | null> {
  return visibility(actor).unitOf(unitCode ? (await ctx.units.requireUnit(unitCode, 'unitCode')).id : undefined, () => new NotYourUnitError(what))
}
