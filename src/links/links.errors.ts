import { createError } from '../plugins/errors.ts'

export const LinkCheckRunningError = createError('LINK_CHECK_RUNNING', '链接检查正在进行（第 %s 次），请等它结束后再发起', 409)
export const LinkCheckRunNotFoundError = createError('LINK_CHECK_RUN_NOT_FOUND', '链接检查记录 %s 不存在', 404)
