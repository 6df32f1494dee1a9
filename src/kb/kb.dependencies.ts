import type { Actor } from '../auth/auth.service.ts'
import type { Db } from '../db/client.ts'
import type { UnitsService } from '../units/units.service.ts'
import { NotYourUnitError } from './kb.errors.ts'

/** What the parts of the kb service share. */
export interface KbContext {
  db: Db
  units: Pick<UnitsService, 'requireUnit' | 'requireTopic' | 'unitByCode'>
  reviewSteps: readonly string[]
  /** Tells the onChange listeners, after commit, which entries' served content changed. */
  notify(entryIds: readonly number[]): void
}

/** A unit token may only touch what belongs to its own unit. */
export function assertOwnUnit(actor: Actor, unitId: number | null, what: string): void {
  if (actor.role === 'unit' && actor.unitId !== unitId) throw new NotYourUnitError(what)
}

/** The unit a new row belongs to: a unit token's own unit; for others, the one named. */
export function resolveUnitId(ctx: KbContext, actor: Actor, unitCode: string | null | undefined, what: string): number | null {
  if (actor.role === 'unit') {
    if (unitCode && ctx.units.requireUnit(unitCode).id !== actor.unitId) throw new NotYourUnitError(what)
    return actor.unitId
  }
  return unitCode ? ctx.units.requireUnit(unitCode).id : null
}

export const now = () => new Date().toISOString()
