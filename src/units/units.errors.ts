import { createError } from '../plugins/errors.ts'

export const UnitNotFoundError = createError('UNIT_NOT_FOUND', '单位 %s 不存在', 404)
export const UnitCodeTakenError = createError('UNIT_CODE_TAKEN', '单位编码 %s 已被使用', 409)
// Its code predates the units module's own errors; clients match on it, so it stays.
export const UnitInactiveError = createError('CONSULTATION_UNIT_INACTIVE', '单位 %s 已停用，不能交办', 422)
export const TopicNotFoundError = createError('TOPIC_NOT_FOUND', '政策领域 %s 不存在', 404)
export const TopicCodeTakenError = createError('TOPIC_CODE_TAKEN', '政策领域编码 %s 已被使用', 409)
