// Which unit's entries and documents an actor may write: the one visibility rule (auth/visibility.ts)
// applied to the kb's rows, with the kb's own error. Who reads which entries is kb.reading.ts.
import { visibility, type Viewer } from '../auth/visibility.ts'
import type { KbContext } from './kb.dependencies.ts'
import { NotYourUnitError } from './kb.errors.ts'

/** A unit token may only touch what belongs to its own unit. */
export function assertOwnUnit(actor: Viewer, unitId: number | null, what: string): void {
  if (!visibility(actor).sees({ unitId })) throw new NotYourUnitError(what)
}

/** The unit a new row belongs to: a unit token's own unit (naming another is refused); for the office, the one named. */
export async function resolveUnitId(ctx: KbContext, actor: Viewer, unitCode: string | null | undefined, what: string): Promise<number | null> {
  return visibility(actor).unitOf(unitCode ? (await ctx.units.requireUnit(unitCode)).id : undefined, () => new NotYourUnitError(what))
}
