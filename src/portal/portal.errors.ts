import { createError } from '../plugins/errors.ts'

// Every refusal of the public pages: a stable code and a message a citizen understands.
export const PortalEntryNotFoundError = createError('PORTAL_ENTRY_NOT_FOUND', '没有找到这条问答：它可能已下线或正在修订', 404)
export const PortalDocumentNotFoundError = createError('PORTAL_DOCUMENT_NOT_FOUND', '没有找到这份政策文件', 404)
export const PortalTopicNotFoundError = createError('PORTAL_TOPIC_NOT_FOUND', '没有找到这个政策领域', 404)
export const PortalPublicationNotFoundError = createError('PORTAL_PUBLICATION_NOT_FOUND', '%s 的答复公开目录尚未发布', 404)
export const PortalInvalidInputError = createError('PORTAL_INVALID_INPUT', '%s', 400)
export const PortalSpamSuspectedError = createError('PORTAL_SPAM_SUSPECTED', '提交未被受理：表单中填写了不应填写的隐藏项。如您是正常提交，请刷新页面后重新填写', 400)
export const PortalDuplicateError = createError('PORTAL_DUPLICATE', '您在 24 小时内已提交过相同的内容（编号 %s），无需重复提交：请凭编号和查询码查看办理进度', 409)
export const PortalLookupFailedError = createError('PORTAL_LOOKUP_FAILED', '编号或查询码不正确，请核对后再试（查询码在提交成功的页面上）', 404)
export const PortalFeedbackExpiredError = createError('PORTAL_FEEDBACK_EXPIRED', '这次搜索已过期，请重新搜索后再评价', 410)
export const PortalRateLimitedError = createError('RATE_LIMITED', '操作过于频繁，请 %s后再试', 429)
export const PortalDocumentClosedError = createError('PORTAL_DOCUMENT_CLOSED', '这份政策文件已失效或废止，不再征集意见建议', 409)
