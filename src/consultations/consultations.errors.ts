import { createError } from '../plugins/errors.ts'

export const ConsultationNotFoundError = createError('CONSULTATION_NOT_FOUND', '咨询 %s 不存在', 404)
export const ReceivedInFutureError = createError('CONSULTATION_RECEIVED_IN_FUTURE', '受理时间 %s 晚于当前时间', 400)
export const AnsweredEntryNotFoundError = createError('CONSULTATION_ENTRY_NOT_FOUND', '问答条目 %s 不存在', 404)
export const AnsweredEntryNotPublishedError = createError('CONSULTATION_ENTRY_NOT_PUBLISHED', '问答条目 %s 尚未发布或已归档，不能用于答复', 422)
export const AnsweredEntryNotInForceError = createError('CONSULTATION_ENTRY_NOT_IN_FORCE', '问答条目 %s 所依据的政策已失效或废止，不能用来答复：请登记交办，由单位给出现行答复', 422)
export const EmptyQuestionError = createError('CONSULTATION_QUESTION_EMPTY', '咨询内容不能只有标点、符号或空白，请写明要咨询的问题', 400)
export const ExternalIdReusedError = createError('CONSULTATION_EXTERNAL_ID_REUSED', '来信编号 %s 已登记过一件内容不同的咨询（%s 不同）：重试请原样提交，另一封来信请用新的编号', 409)
export const ChannelNotAllowedError = createError('CONSULTATION_CHANNEL_NOT_ALLOWED', '接入系统不能登记“%s”渠道的咨询，只能登记%s渠道的咨询；热线、电话和窗口的咨询由坐席登记', 403)
export const SuggestionNotAnswerableError = createError('CONSULTATION_SUGGESTION_NEEDS_TICKET', '建议须交由政策制定单位研判，不能直接以问答条目答复', 400)
export const ConflictingIntentError = createError('CONSULTATION_CONFLICTING_INTENT', '不能同时指定 answeredEntryId 与 openTicket', 400)
export const PolicyDocumentNotFoundError = createError('CONSULTATION_POLICY_DOCUMENT_NOT_FOUND', '政策文件 %s 不存在', 404)
