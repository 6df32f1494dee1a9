import { createError } from '../plugins/errors.ts'

export const RatingNotRepliedError = createError('RATING_NOT_REPLIED', '台账当前状态为「%s」，尚未回复咨询人，不能评价（rating）', 409)
export const RatingWindowClosedError = createError('RATING_WINDOW_CLOSED', '该答复已于 %s 评价，超过 %s 天的修改期限，不能再改（rating）', 409)
export const RatingForbiddenError = createError('RATING_FORBIDDEN', '当前身份不能登记咨询人评价：由回访坐席、督办办公室或提交该来信的接入系统登记', 403)
export const RatingLookupFailedError = createError('RATING_LOOKUP_FAILED', '台账编号（number）或查询码（lookupCode）不正确', 404)
export const RedoUnitRequiredError = createError('REDO_UNIT_REQUIRED', '原承办单位 %s 已停用，重办须指定承办单位（unitCode）', 400)
export const PromiseNotFoundError = createError('PROMISE_NOT_FOUND', '承诺事项 %s 不存在', 404)
export const PromiseDueRequiredError = createError('PROMISE_DUE_REQUIRED', '承诺事项须填写完成日期（dueOn）或工作日数（workingDays），二者选一', 400)
export const PromiseDuePastError = createError('PROMISE_DUE_PAST', '承诺完成日期（dueOn）%s 早于今天', 400)
export const PromiseAlreadyFulfilledError = createError('PROMISE_ALREADY_FULFILLED', '承诺事项 %s 已于 %s 办结', 409)
export const PromiseTicketStateError = createError('PROMISE_TICKET_STATE', '台账当前状态为「%s」：单位提交答复后才能登记承诺事项', 409)
