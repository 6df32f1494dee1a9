import { createError } from '../plugins/errors.ts'

export const IntegrationNotFoundError = createError('INTEGRATION_NOT_FOUND', '接入系统 %s 不存在', 404)
export const IntegrationEventNotFoundError = createError('INTEGRATION_EVENT_NOT_FOUND', '事件 %s 不存在', 404)
export const EventAlreadyQueuedError = createError('INTEGRATION_EVENT_QUEUED', '事件 %s 仍在投递队列中，无需重新投递', 409)
export const CursorAheadError = createError('INTEGRATION_CURSOR_AHEAD', '游标 %s 超出了已有的最新事件，不是本系统返回过的游标：请使用上次返回的 nextCursor，或不带 after 从头读取', 400)
export const NotAnIntegrationError = createError('INTEGRATION_NOT_REGISTERED', '当前令牌未登记为接入系统，请联系管理员登记', 403)
/** The message is the policy's (integrations.address.ts): it names the address, never the URL. */
export const WebhookUrlRefusedError = createError('WEBHOOK_URL_REFUSED', '%s', 400)
export const WebhookUrlCredentialsError = createError('WEBHOOK_URL_CREDENTIALS', '%s', 400)
