import { createError } from '../plugins/errors.ts'

export const IntegrationNotFoundError = createError('INTEGRATION_NOT_FOUND', '接入系统 %s 不存在', 404)
export const IntegrationEventNotFoundError = createError('INTEGRATION_EVENT_NOT_FOUND', '事件 %s 不存在', 404)
export const EventAlreadyQueuedError = createError('INTEGRATION_EVENT_QUEUED', '事件 %s 仍在投递队列中，无需重新投递', 409)
export const NotAnIntegrationError = createError('INTEGRATION_NOT_REGISTERED', '当前令牌未登记为接入系统，请联系管理员登记', 403)
