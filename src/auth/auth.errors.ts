import { createError } from '../plugins/errors.ts'

export const UnauthenticatedError = createError('AUTH_REQUIRED', '需要登录：请在 Authorization 头中提供 Bearer 令牌', 401)
export const InvalidTokenError = createError('AUTH_INVALID_TOKEN', '令牌无效或已被吊销', 401)
export const TokenUnitInactiveError = createError('AUTH_UNIT_INACTIVE', '令牌所属单位已停用，令牌不再有效', 401)
export const ForbiddenError = createError('FORBIDDEN', '当前角色无权执行此操作：%s', 403)
export const TokenNotFoundError = createError('TOKEN_NOT_FOUND', '令牌 %s 不存在', 404)
export const TokenUnitRequiredError = createError('TOKEN_UNIT_REQUIRED', '单位角色的令牌必须指定单位（unitCode）', 400)
export const TokenReviewStepError = createError('TOKEN_REVIEW_STEP_INVALID', '审核角色的令牌必须指定有效的审核环节（reviewStep）', 400)
