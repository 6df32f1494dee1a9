import type { Db } from '../db/client.ts'
import { visibility, type Viewer } from '../auth/visibility.ts'
import { unitByCode } from '../units/units.queries.ts'
import { UnitNotFoundError } from '../units/units.errors.ts'
import { withDetails } from '../plugins/errors.ts'
import { StatsUnitForbiddenError } from './stats.errors.ts'

/** Whose data a request may see: one unit, or every unit (`unitId: null`, the office only). */
export interface Scope { unitId: number | null }

/**
 * The unit a request about figures is kept to, by the one visibility rule (auth/visibility.ts): a
 * unit token always sees its own unit, and naming another (or an unknown one) is refused; the office
 * sees every unit, or the one named by `unitCode` (the query parameter `unit`, the field a refusal names).
 */
export async function resolveScope(db: Db, actor: Viewer, unitCode?: string): Promise<Scope> {
  const named = unitCode ? await unitByCode(db, unitCode) : undefined
  const unitId = visibility(actor).unitOf(unitCode ? named?.id ?? -1 : undefined, () => new StatsUnitForbiddenError())
  // Only the office gets this far with a unit that does not exist: a unit was refused above.
  if (unitCode && !named) throw withDetails(new UnitNotFoundError(unitCode), [{ field: 'unit', message: `单位 ${unitCode} 不存在` }])
  return { unitId }
}
