import { eq } from 'drizzle-orm'
import type { Actor } from '../auth/auth.service.ts'
import type { Db } from '../db/client.ts'
import { units } from '../units/units.table.ts'
import { UnitNotFoundError } from '../units/units.errors.ts'
import { StatsUnitForbiddenError } from './stats.errors.ts'

/** Whose data a request may see: one unit, or every unit (`unitId: null`, admins only). */
export interface Scope { unitId: number | null }

/**
 * A unit token always sees its own unit, and naming another unit is refused. An admin sees every
 * unit, or the one named by `unitCode`.
 */
export function resolveScope(db: Db, actor: Pick<Actor, 'role' | 'unitId'>, unitCode?: string): Scope {
  const named = unitCode ? db.select({ id: units.id }).from(units).where(eq(units.code, unitCode)).get() : undefined
  if (actor.role === 'unit') {
    if (unitCode && named?.id !== actor.unitId) throw new StatsUnitForbiddenError()
    return { unitId: actor.unitId }
  }
  if (unitCode && !named) throw new UnitNotFoundError(unitCode)
  return { unitId: named?.id ?? null }
}
