// The public forms' rules, checked field by field so that each refusal names the field in Chinese.
import { withDetails } from '../plugins/errors.ts'
import { PortalInvalidInputError } from './portal.errors.ts'

export interface AskForm {
  question?: string
  name?: string
  phone?: string
  preferredReply?: string
  /** The honeypot: hidden from people, filled in by form-filling robots. */
  website?: string
  nonce?: string
  /** "1": the asker wants a person's reply even if the library has an answer. */
  person?: string
}

/** How the asker would like to be answered (the consultations' reply methods). */
export const REPLY_CHOICES = [
  { value: 'mailbox', label: '在本网站凭编号和查询码查看' },
  { value: 'phone', label: '电话' },
  { value: 'sms', label: '短信' },
] as const

export const FIELD_LABELS: Record<string, string> = {
  question: '问题', name: '姓名', phone: '联系电话', preferredReply: '答复方式', number: '编号', code: '查询码', q: '搜索内容',
  website: '隐藏项', nonce: '表单编号', person: '人工答复', verdict: '评价', rating: '满意度', comment: '意见', matchId: '搜索编号', entryId: '条目', display: '显示方式', back: '返回地址',
}

/** The form's field hidden from people (a honeypot): any value in it is refused, PORTAL_SPAM_SUSPECTED on this field. */
export const HONEYPOT_FIELD = 'website'

export const QUESTION_LIMITS = { min: 5, max: 2000 }
export const NAME_MAX = 50
// Stricter than the API's Phone (common/schemas.ts): a caller must be reachable, so a mobile number or a
// landline with its area code, written as people do (023-68552000, (023)68552000).
const PHONE = /^(\+?86[- ]?)?(1[3-9]\d{9}|(0\d{2,3}[- ]?|\(0\d{2,3}\) ?)\d{7,8})$/
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/

type Problem = { field: string; message: string }

/** The checked fields of an ask or suggestion form; throws PORTAL_INVALID_INPUT listing every problem. */
export function checkAsk(form: AskForm, kind: 'question' | 'suggestion') {
  const problems: Problem[] = []
  const noun = kind === 'suggestion' ? '建议' : '问题'
  const question = (form.question ?? '').trim()
  const length = [...question].length
  if (length === 0) problems.push({ field: 'question', message: `请填写您的${noun}` })
  else if (CONTROL.test(question)) problems.push({ field: 'question', message: `${noun}中有无法识别的字符，请删除后再提交` })
  else if (length < QUESTION_LIMITS.min || !/[\p{L}\p{N}].*[\p{L}\p{N}]/u.test(question)) problems.push({ field: 'question', message: `${noun}太短，请至少写 ${QUESTION_LIMITS.min} 个字，说清楚您想了解的事` })
  else if (length > QUESTION_LIMITS.max) problems.push({ field: 'question', message: `${noun}不能超过 ${QUESTION_LIMITS.max} 个字（现在 ${length} 个字）` })

  const name = form.name?.trim() || undefined
  if (name && ([...name].length > NAME_MAX || CONTROL.test(name))) problems.push({ field: 'name', message: `姓名不能超过 ${NAME_MAX} 个字` })

  const phone = form.phone?.trim().normalize('NFKC') || undefined
  if (phone && !PHONE.test(phone)) problems.push({ field: 'phone', message: '联系电话格式不正确：请填写 11 位手机号，或带区号的固定电话（如 023-68552000 或 (023)68552000）' })

  const preferredReply = form.preferredReply || undefined
  if (preferredReply && !REPLY_CHOICES.some((c) => c.value === preferredReply)) problems.push({ field: 'preferredReply', message: '请选择一种答复方式' })
  if ((preferredReply === 'phone' || preferredReply === 'sms') && !phone) problems.push({ field: 'phone', message: '选择电话或短信答复时，请填写联系电话' })

  if (problems.length) throw withDetails(new PortalInvalidInputError(problems.map((p) => p.message).join('；')), problems)
  return { question, name, phone, preferredReply, person: form.person === '1' }
}
