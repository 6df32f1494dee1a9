import { withDetails } from '../plugins/errors.ts'
import { UnitInactiveError, UnitNotFoundError } from './units.errors.ts'

/**
 * The one check before something is handed to a unit (a consultation's chosen unit, a ticket
 * assigned, reassigned or redone): the unit exists and is active, or a 4xx that names `code` in
 * the field `unitCode`. The caller looks the unit up in its own transaction.
 */
export function requireActiveUnit<U extends { active: boolean }>(unit: U | undefined, code: string): U {
  if (!unit) throw withDetails(new UnitNotFoundError(code), [{ field: 'unitCode', message: `单位 ${code} 不存在` }])
  if (!unit.active) throw withDetails(new UnitInactiveError(code), [{ field: 'unitCode', message: `单位 ${code} 已停用` }])
  return unit
}
