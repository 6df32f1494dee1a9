import { createError } from '../plugins/errors.ts'

export const StatsPeriodInvalidError = createError('STATS_PERIOD_INVALID', '统计期间有误：%s', 400)
export const StatsUnitForbiddenError = createError('STATS_UNIT_FORBIDDEN', '单位令牌只能查看本单位的数据', 403)
export const PublicationTicketNotFoundError = createError('PUBLICATION_TICKET_NOT_FOUND', '登记台账中没有编号为 %s 的工单', 404)
export const PublicationTicketUnansweredError = createError('PUBLICATION_TICKET_UNANSWERED', '工单 %s 尚未答复咨询人，不能选入答复公开', 409)
export const PublicationTicketTakenError = createError('PUBLICATION_TICKET_TAKEN', '工单 %s 已选入%s的答复公开', 409)
export const PublicationTicketWrongMonthError = createError('PUBLICATION_TICKET_WRONG_MONTH', '工单 %s 是%s之后受理的：每月的答复公开清单只收当月及以前受理的工单', 409)
export const PublicationItemNotFoundError = createError('PUBLICATION_ITEM_NOT_FOUND', '答复公开条目 %s 不存在', 404)
