import { Type } from '@fastify/type-provider-typebox'
import { LIMITS, Nullable, Phone, Text } from '../common/schemas.ts'
import { NONCE_PATTERN } from './portal.codes.ts'
import { NAME_MAX, QUESTION_LIMITS } from './portal.forms.ts'

// The forms post application/x-www-form-urlencoded (blank fields dropped); the same routes take JSON.

const Ref = Type.Object({ code: Type.String(), name: Type.String() })
const HtmlPage = Type.String({ description: 'HTML 页面' })
export const Html200 = { 200: { description: 'HTML 页面', content: { 'text/html': { schema: HtmlPage } } } }

// The service's one error shape (the shared `Error` schema); a browser gets the same as an HTML page.
const errorOf = (description: string) => ({ description, content: { 'application/json': { schema: Type.Ref('Error') }, 'text/html': { schema: HtmlPage } } })
export const publicErrors = (...statuses: (400 | 404 | 409 | 410 | 413 | 429)[]) =>
  Object.fromEntries([400, 429, ...statuses].map((s) => [s, errorOf(String(s))]))

export const EntryIdParams = Type.Object({ id: Type.Integer({ minimum: 1, maximum: 2 ** 53 - 1 }) })
export const TopicParams = Type.Object({ code: Type.String({ pattern: '^[a-z0-9][a-z0-9_-]{0,31}$', maxLength: 32 }) })
export const MonthParams = Type.Object({ month: Type.String({ pattern: '^20\\d{2}-(0[1-9]|1[0-2])$', description: '月份，如 2025-10' }) })
export const PageQuery = Type.Object({ page: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000 })) }, { additionalProperties: false })
export const SearchQuery = Type.Object({ q: Type.Optional(Type.String({ maxLength: 500, description: '搜索内容（至多 200 字）' })) }, { additionalProperties: false })
export const AskQuery = Type.Object({
  q: Type.Optional(Type.String({ maxLength: 500, description: '预填的问题' })),
  person: Type.Optional(Type.Literal('1', { description: '请工作人员答复' })),
}, { additionalProperties: false })
export const FollowQuery = Type.Object({ number: Type.Optional(Type.String({ maxLength: 30, description: '预填的编号' })) }, { additionalProperties: false })

export const AskBody = Type.Object({
  question: Text(QUESTION_LIMITS.max, { description: `问题或建议，${QUESTION_LIMITS.min}–${QUESTION_LIMITS.max} 字` }),
  name: Type.Optional(Text(NAME_MAX, { description: '姓名或称呼（选填，不公开）' })),
  phone: Type.Optional(Phone('联系电话（选填，不公开）')),
  preferredReply: Type.Optional(Type.Enum(['mailbox', 'phone', 'sms'], { description: 'mailbox 在本网站查看；phone 电话；sms 短信' })),
  website: Type.Optional(Text(LIMITS.shortText, { description: '防机器人的隐藏项：必须留空' })),
  nonce: Type.Optional(Type.String({ pattern: NONCE_PATTERN, description: '表单的一次性编号：同一表单重复提交时返回第一次的结果' })),
  person: Type.Optional(Type.Literal('1', { description: '即使问答库有答复，也请工作人员答复' })),
}, { additionalProperties: false, examples: [{ question: '灵活就业人员的社保补贴怎么申请？' }] })

export const AskResultSchema = Type.Object({
  outcome: Type.Enum(['answered', 'ticketed'], { description: 'answered 已从问答库自动答复；ticketed 已登记交办' }),
  entry: Type.Optional(Type.Object({ id: Type.Integer(), question: Type.String(), answer: Type.String(), unit: Ref, url: Type.String() })),
  ticket: Type.Optional(Type.Object({
    number: Type.String({ description: '编号' }),
    code: Type.String({ description: '查询码：只在这里给出一次' }),
    dueAt: Type.String({ description: '答复期限' }),
    dueAtProvisional: Type.Boolean(),
    unitName: Type.String({ description: '承办单位（尚待分派时为空）' }),
    replayed: Type.Boolean({ description: '同一表单的重复提交：返回的是第一次的结果' }),
  })),
}, { title: '提问结果' })

export const FollowBody = Type.Object({
  number: Type.String({ pattern: '^[A-Za-z0-9 -]{1,30}$', description: '编号，如 ZX20251009-0001' }),
  code: Type.String({ pattern: '^[A-Za-z0-9 -]{1,20}$', description: '查询码，如 K7QM-3WXA' }),
}, { additionalProperties: false, examples: [{ number: 'ZX20251009-0001', code: 'K7QM-3WXA' }] })

export const RateBody = Type.Object({
  number: Type.String({ pattern: '^[A-Za-z0-9 -]{1,30}$', description: '编号' }),
  code: Type.String({ pattern: '^[A-Za-z0-9 -]{1,20}$', description: '查询码' }),
  rating: Type.Enum(['satisfied', 'basically_satisfied', 'unsatisfied'], { description: 'satisfied 满意；basically_satisfied 基本满意；unsatisfied 不满意（将重新办理）' }),
  comment: Type.Optional(Text(500, { description: '意见（可不填，请勿填写个人信息）' })),
}, { additionalProperties: false, examples: [{ number: 'ZX20251009-0001', code: 'K7QM-3WXA', rating: 'satisfied' }] })

export const FollowResultSchema = Type.Object({
  number: Type.String(), kind: Type.String(), status: Type.String(), statusName: Type.String(),
  receivedAt: Type.String(), dueAt: Type.String(), dueAtProvisional: Type.Boolean(), overdue: Type.Boolean(),
  unitName: Type.String(), question: Type.String({ description: '去标识化后的问题' }),
  answer: Nullable(Type.String({ description: '承办单位的答复（去标识化）' })), answeredAt: Nullable(Type.String()),
  decision: Nullable(Type.String()), decisionName: Nullable(Type.String()), decisionReason: Nullable(Type.String()),
}, { title: '办理进度' })

export const FeedbackBody = Type.Object({
  matchId: Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$', description: '搜索编号' }),
  entryId: Type.String({ pattern: '^[1-9][0-9]{0,15}$', description: '显示在最上方的条目' }),
  verdict: Type.Enum(['helpful', 'not_helpful'], { description: 'helpful 已解答；not_helpful 没有解答' }),
}, { additionalProperties: false, examples: [{ matchId: 'a1b2c3', entryId: '1', verdict: 'helpful' }] })

export const FeedbackResultSchema = Type.Object({ recorded: Type.Boolean({ description: '是否记下（同一次搜索只记第一次评价）' }), verdict: Type.String() })

export const DisplayBody = Type.Object({
  display: Type.Enum(['large', 'standard'], { description: 'large 大字模式；standard 标准字号' }),
  back: Type.Optional(Type.String({ pattern: '^/(?![/\\\\])[\\x21-\\x7E]{0,500}$', description: '返回的页面（本站路径）' })),
}, { additionalProperties: false, examples: [{ display: 'large', back: '/' }] })

export const SuggestResultSchema = Type.Object({ items: Type.Array(Type.Object({ entryId: Type.Integer(), question: Type.String() })) })
