// A tiny HTML template: every interpolated value is escaped unless it is already Html.
import { shanghaiDate } from '../common/time.ts'

export class Html {
  constructor(readonly text: string) {}
  toString() { return this.text }
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }
export const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ESCAPES[c]!)

type Value = Html | string | number | boolean | null | undefined | Value[]

function render(v: Value): string {
  if (v === null || v === undefined || v === false || v === true) return ''
  if (Array.isArray(v)) return v.map(render).join('')
  if (v instanceof Html) return v.text
  return escapeHtml(String(v))
}

export function html(strings: TemplateStringsArray, ...values: Value[]): Html {
  let out = strings[0]!
  for (let i = 0; i < values.length; i++) out += render(values[i]) + strings[i + 1]!
  return new Html(out)
}

/** Plain text as paragraphs: blank lines split paragraphs, single line breaks are kept. */
export function paragraphs(text: string): Html {
  return new Html(text.split(/\n\s*\n/).map((p) => p.trim()).filter(Boolean)
    .map((p) => `<p>${escapeHtml(p).replace(/\n/g, '<br>')}</p>`).join(''))
}

/** An address a page may link to: http(s) only, so that a stored `javascript:` URL never becomes a link. */
export const safeUrl = (url: string | null | undefined) => (url && /^https?:\/\//i.test(url) ? url : null)

/** 2025年10月14日 (Beijing date) of an ISO instant or a plain date. */
export function chineseDate(value: string | null | undefined): string {
  if (!value) return ''
  const iso = /^\d{4}-\d{2}-\d{2}$/.test(value) ? value : shanghaiDate(value)
  const [y, m, d] = iso.split('-')
  return `${y}年${Number(m)}月${Number(d)}日`
}

export const chineseMonth = (month: string) => `${month.slice(0, 4)}年${Number(month.slice(5, 7))}月`

export const VALIDITY_NAMES = { in_force: '现行有效', expired: '已失效', repealed: '已废止' } as const
export const MEDIA_NAMES = { image: '图解', animation: '动画', video: '视频', text: '文字解读' } as const
