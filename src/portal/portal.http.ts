// The HTTP plumbing of the public pages: form bodies, HTML or JSON, the display cookie, limits, errors.
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { Config } from '../config.ts'
import { describeValidationError } from '../plugins/errors.ts'
import { fromRoot } from '../paths.ts'
import { FIELD_LABELS } from './portal.forms.ts'
import { layout, type FieldError, type Page, type PageContext, type Site } from './portal.layout.ts'
import { errorPage } from './portal.pages.ts'
import { PortalRateLimitedError } from './portal.errors.ts'
import { shanghaiDate, waitText } from '../common/time.ts'

/** A form carries a question of up to 2,000 characters, ~18 KB once percent-encoded. */
export const FORM_BODY_LIMIT = 64 * 1024
export const DISPLAY_COOKIE = 'pqa_display'

export interface Assets { css: { body: string; etag: string }; js: { body: string; etag: string } }

export function loadAssets(): Assets {
  const read = (name: string) => {
    const body = readFileSync(fromRoot('src/portal/assets', name), 'utf8')
    return { body, etag: createHash('sha256').update(body).digest('hex').slice(0, 16) }
  }
  return { css: read('portal.css'), js: read('portal.js') }
}

export function siteOf(config: Pick<Config, 'portal'>, assets: Assets): Site {
  return {
    title: config.portal.title, districtName: config.portal.districtName, contact: config.portal.contact,
    assets: { css: `/assets/portal.css?v=${assets.css.etag}`, js: `/assets/portal.js?v=${assets.js.etag}` },
  }
}

/** A browser asks for HTML; anything else (a script, the district site's own front end) gets JSON. */
export const wantsHtml = (req: FastifyRequest) => /\btext\/html\b/.test(req.headers.accept ?? '')

export function pageContext(req: FastifyRequest, site: Site): PageContext {
  const cookie = req.headers.cookie ?? ''
  const large = cookie.split(';').some((c) => c.trim() === `${DISPLAY_COOKIE}=large`)
  return { site, large, path: req.url.length <= 500 ? req.url : req.url.split('?')[0]!.slice(0, 500) }
}

export type CachePolicy = 'public' | 'no-store'

/** Sends a page. Public pages may be cached briefly; pages with a form nonce or a private answer never. */
export function sendPage(req: FastifyRequest, reply: FastifyReply, site: Site, page: Page, { status = 200, cache = 'no-store' as CachePolicy } = {}): void {
  reply.status(status).type('text/html; charset=utf-8')
    .header('cache-control', cache === 'public' ? 'public, max-age=300' : 'no-store')
    // The large-type class is rendered from the cookie: caches must keep the two versions apart.
    .header('vary', 'Cookie, Accept')
  reply.send(layout(pageContext(req, site), page))
}

/** Form bodies as objects of strings; blank fields are left out, as if not filled in. */
export function registerFormParser(app: FastifyInstance) {
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: FORM_BODY_LIMIT }, (_req, body, done) => {
    const entries = [...new URLSearchParams(body as string)].filter(([, v]) => v.trim() !== '')
      // Codes and phone numbers typed with a Chinese input method arrive full-width.
      .map(([k, v]) => [k, ['phone', 'number', 'code'].includes(k) ? v.normalize('NFKC').trim() : v] as const)
    // fromEntries defines own properties: a field named __proto__ stays a field (and is refused as unknown).
    done(null, Object.fromEntries(entries))
  })
}

interface AjvError { instancePath: string; keyword: string; params: Record<string, unknown>; message?: string }

/** A validation error in a citizen's words, naming the field by its label. */
export function formFieldErrors(error: FastifyError, route?: string): FieldError[] {
  // One problem said once: a value can break two rules of its field (digits only, and an integer).
  const said = new Set<string>()
  return (error.validation ?? []).map((e): FieldError => {
    const { field } = describeValidationError(e as AjvError, error.validationContext ?? 'body')
    // A page's address (a link cut short, a month typed by hand): said as what the reader was looking for.
    const address = addressMessage(error.validationContext, field, route)
    if (address) return { field, message: address }
    const label = FIELD_LABELS[field] ?? field
    const p = (e as AjvError).params
    switch ((e as AjvError).keyword) {
      case 'required': return { field, message: `请填写${label}` }
      case 'maxLength': return { field, message: `${label}不能超过 ${p.limit} 个字` }
      case 'additionalProperties': return { field, message: '表单中有无法识别的项，请刷新页面后重新填写' }
      case 'enum': case 'const': return { field, message: `请从选项中选择${label}` }
      default: return { field, message: `${label}格式不正确或含有无法识别的字符` }
    }
  }).filter((f) => {
    const key = `${f.field}\n${f.message}`
    if (said.has(key)) return false
    said.add(key)
    return true
  })
}

const ADDRESS_CHECK = '请检查链接是否完整，或从首页进入'

/** What a page's path or query parameter that cannot be read means to the reader, or undefined for a form's field. */
function addressMessage(context: string | undefined, field: string, route?: string): string | undefined {
  if (context === 'params') {
    if (field === 'month') return `月份应为 ${shanghaiDate(new Date()).slice(0, 7)} 这样的年月（四位年份、两位月份）：${ADDRESS_CHECK}`
    if (field === 'code') return `没有这个政策领域：${ADDRESS_CHECK}`
    if (field === 'id') return `${route?.startsWith('/documents') ? '没有这份政策文件' : '没有这条问答'}：网址中的编号应为数字，${ADDRESS_CHECK}`
    return `网址有误：${ADDRESS_CHECK}`
  }
  if (context === 'querystring' && field === 'page') return '页码应为从 1 开始的数字'
  return undefined
}

/**
 * The public pages' errors: a browser gets a page (the form again, with its problems, where there is
 * one), anything else the service's one JSON error shape, by rethrowing to the root error handler.
 */
export function registerErrorPages(app: FastifyInstance, site: Site) {
  // The form again may need the database (a document's page): the handler awaits it.
  app.setErrorHandler(async (error: FastifyError & { details?: FieldError[] }, req, reply) => {
    const status = error.statusCode ?? 500
    if (!wantsHtml(req) || status >= 500) throw error
    const errors = error.validation ? formFieldErrors(error, req.routeOptions.url) : Array.isArray(error.details) ? error.details : []
    const code = error.validation ? 'VALIDATION_FAILED' : status === 429 ? (error.code ?? 'RATE_LIMITED') : error.code ?? 'BAD_REQUEST'
    const message = error.validation ? errors.map((e) => e.message).join('；') : error.message
    const form = req.routeOptions.config?.portalForm
    const page = form && status !== 404 ? await form(req, errors, message) : errorPage(status, code, message)
    reply.header('x-error-code', code)
    sendPage(req, reply, site, page, { status })
    return reply
  })
}

/** Paths of the JSON API: an unknown one is refused in JSON, whoever asks. */
const API_PATH = /^\/api(\/|$)/

/**
 * The public pages own every path outside the API: a browser asking for one no route answers (a
 * mistyped or outdated link, a form's address opened by hand) gets a page in their style, with the
 * code in X-Error-Code, as for their other errors.
 */
export function registerRefusalPages(app: FastifyInstance, site: Site) {
  app.routeRefusals.page = (req, reply, refusal) => {
    if (!wantsHtml(req) || API_PATH.test(req.url)) return false
    const message = refusal.statusCode === 404
      ? '您要找的页面不存在，可能是链接有误或页面已调整。可以从首页搜索您关心的问题。'
      : '这个地址不能直接打开，请回到原页面，用页面上的表单提交。'
    reply.header('x-error-code', refusal.code)
    sendPage(req, reply, site, errorPage(refusal.statusCode, refusal.code, message), { status: refusal.statusCode })
    return true
  }
}

/** A limit per client address (req.ip: set TRUST_PROXY behind a reverse proxy), refused in Chinese. */
export function perAddress(max: number, timeWindow: number) {
  return {
    max, timeWindow,
    // The root limiter lets everyone but integrations through; here every anonymous address counts.
    allowList: () => false,
    keyGenerator: (req: FastifyRequest) => `portal:${req.ip}`,
    errorResponseBuilder: (_req: FastifyRequest, ctx: { ttl: number }) => new PortalRateLimitedError(waitText(ctx.ttl / 1000)),
  }
}
