import { createError } from '../plugins/errors.ts'

export const ProposalNotFoundError = createError('PROPOSAL_NOT_FOUND', '相似问法建议 %s 不存在', 404)
export const ProposalDecidedError = createError('PROPOSAL_ALREADY_DECIDED', '相似问法建议 %s 已处理（%s）', 409)
export const DraftingTaskNotFoundError = createError('DRAFTING_TASK_NOT_FOUND', '起草任务 %s 不存在', 404)
export const DraftingTaskClosedError = createError('DRAFTING_TASK_CLOSED', '起草任务 %s 已办结', 409)
export const DraftingEntryRequiredError = createError('DRAFTING_TASK_ENTRY_REQUIRED', '任务标为已起草时，请填写起草的问答条目编号（entryId）', 400)
export const DraftingEntryInvalidError = createError('DRAFTING_TASK_ENTRY_INVALID', '问答条目 %s 不存在或不属于任务的承办单位', 422)
