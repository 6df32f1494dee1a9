import { createError } from './errors.ts'

export const IdempotencyKeyReusedError = createError('IDEMPOTENCY_KEY_REUSED', '幂等键 %s 已用于另一个不同的请求，请换一个新的幂等键', 409)
export const IdempotencyKeyInProgressError = createError('IDEMPOTENCY_KEY_IN_PROGRESS', '使用幂等键 %s 的请求正在处理或处理中断，请稍后查询结果，不要换键重发', 409)
export const RateLimitedError = createError('RATE_LIMITED', '请求过于频繁：每分钟最多 %s 次，请 %s后再试', 429)
