// The public 政策问答 pages at `/`: no token, read-only except asking, suggesting and feedback.
import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyRequest } from 'fastify'
import type { Config } from '../config.ts'
import type { PortalService } from './portal.service.ts'
import type { PortalIntake } from './portal.intake.ts'
import type { AskForm } from './portal.forms.ts'
import { PortalDocumentClosedError } from './portal.errors.ts'
import * as S from './portal.schemas.ts'
import * as P from './portal.pages.ts'
import * as F from './portal.form-pages.ts'
import {
  DISPLAY_COOKIE, FORM_BODY_LIMIT, loadAssets, perAddress, registerErrorPages, registerFormParser, registerRefusalPages, sendPage, siteOf, wantsHtml,
} from './portal.http.ts'

export interface PortalRoutesOptions {
  portal: PortalService
  intake: PortalIntake
  config: Pick<Config, 'portal' | 'portalLimits'>
}

/** The routes that take input from anyone: every other public route only reads. */
export const PUBLIC_WRITE_ROUTES = ['POST /ask', 'POST /documents/:id/suggestions', 'POST /follow', 'POST /follow/rating', 'POST /feedback', 'POST /display'] as const

const tags = ['portal']
const YEAR = 365 * 24 * 3600

export const portalRoutes: FastifyPluginAsyncTypebox<PortalRoutesOptions> = async (app, { portal, intake, config }) => {
  const assets = loadAssets()
  const site = siteOf(config, assets)
  const { askPerHour, readsPerMinute } = config.portalLimits
  const limits = {
    read: perAddress(readsPerMinute, 60_000),
    search: perAddress(Math.max(10, Math.floor(readsPerMinute / 5)), 60_000),
    ask: perAddress(askPerHour, 3600_000),
    follow: perAddress(Math.max(10, askPerHour), 600_000),
    small: perAddress(Math.max(10, Math.floor(readsPerMinute / 10)), 60_000),
  }
  app.addHook('onRoute', (route) => { route.config = { ...route.config, roles: 'public' } })
  registerFormParser(app)
  registerErrorPages(app, site)
  registerRefusalPages(app, site)
  const client = (req: FastifyRequest) => ({ ip: req.ip })

  for (const [name, asset, type] of [['portal.css', assets.css, 'text/css'], ['portal.js', assets.js, 'text/javascript']] as const) {
    app.get(`/assets/${name}`, { schema: { hide: true }, config: { rateLimit: limits.read } }, async (_req, reply) =>
      reply.type(`${type}; charset=utf-8`).header('cache-control', `public, max-age=${YEAR}, immutable`).header('etag', `"${asset.etag}"`).send(asset.body))
  }

  app.get('/', {
    schema: { tags, operationId: 'portalHome', summary: '政策问答首页：搜索、常见问题、按领域浏览', security: [], response: { ...S.Html200, ...S.publicErrors() } },
    config: { rateLimit: limits.read },
  }, async (req, reply) => sendPage(req, reply, site, P.homePage(await portal.home(), config.portal.districtName), { cache: 'public' }))

  app.get('/search', {
    schema: { tags, operationId: 'portalSearch', summary: '搜索政策问答；把握足够时在最上方直接给出答复', security: [], querystring: S.SearchQuery, response: { ...S.Html200, ...S.publicErrors() } },
    config: { rateLimit: limits.search },
  }, async (req, reply) => sendPage(req, reply, site, P.searchPage(await portal.search(req.query.q))))

  app.get('/suggest', {
    schema: { tags, operationId: 'portalSuggest', summary: '搜索框联想：包含所输入词语的常见问题', security: [], querystring: S.SearchQuery, response: { 200: S.SuggestResultSchema, ...S.publicErrors() } },
    config: { rateLimit: limits.read },
  }, async (req, reply) => reply.header('cache-control', 'public, max-age=60').send(await portal.suggest(req.query.q ?? '')))

  app.get('/topics', {
    schema: { tags, operationId: 'portalTopics', summary: '按领域浏览：每个领域被问得最多的问题', security: [], response: { ...S.Html200, ...S.publicErrors() } },
    config: { rateLimit: limits.read },
  }, async (req, reply) => {
    const topics = []
    for (const t of (await portal.home()).topics) topics.push({ ...t, top: (await portal.topic(t.code, 1)).items.slice(0, 5) })
    return sendPage(req, reply, site, P.topicsPage(topics), { cache: 'public' })
  })

  app.get('/topics/:code', {
    schema: { tags, operationId: 'portalTopic', summary: '一个领域的全部问答，按被问次数排列', security: [], params: S.TopicParams, querystring: S.PageQuery, response: { ...S.Html200, ...S.publicErrors(404) } },
    config: { rateLimit: limits.read },
  }, async (req, reply) => sendPage(req, reply, site, P.topicPage(await portal.topic(req.params.code, req.query.page ?? 1)), { cache: 'public' }))

  app.get('/qa/:id', {
    schema: { tags, operationId: 'portalEntry', summary: '问答条目页：答复、答复单位、政策依据、解读材料、最近审核日期与相关问答', security: [], params: S.EntryIdParams, response: { ...S.Html200, ...S.publicErrors(404) } },
    config: { rateLimit: limits.read },
  }, async (req, reply) => sendPage(req, reply, site, P.entryPage(await portal.entry(req.params.id)), { cache: 'public' }))

  const documentPage = async (req: FastifyRequest, id: number, state: F.FormState) => {
    const d = await portal.document(id)
    return P.documentPage(d, F.suggestionForm(id, state, state.values.nonce ?? intake.newNonce(), d.document.validity === 'in_force'))
  }

  app.get('/documents/:id', {
    schema: { tags, operationId: 'portalDocument', summary: '政策文件页：文号、发文单位、效力、解读材料、相关问答、建议采纳情况与建议表单', security: [], params: S.EntryIdParams, response: { ...S.Html200, ...S.publicErrors(404) } },
    config: { rateLimit: limits.read },
  }, async (req, reply) => sendPage(req, reply, site, await documentPage(req, req.params.id, F.emptyForm())))

  app.post('/documents/:id/suggestions', {
    schema: {
      tags, operationId: 'portalSuggestion', summary: '对政策文件提出意见建议：交文件制定单位研判，返回编号和查询码', security: [],
      consumes: ['application/x-www-form-urlencoded', 'application/json'], params: S.EntryIdParams, body: S.AskBody,
      response: { 201: { description: '已受理', content: { 'application/json': { schema: S.AskResultSchema }, 'text/html': { schema: Type.String() } } }, ...S.publicErrors(404, 409, 413) },
    },
    bodyLimit: FORM_BODY_LIMIT,
    config: {
      rateLimit: limits.ask, audit: false,
      portalForm: (req, errors, message) => documentPage(req, Number((req.params as { id: string }).id), { values: formValues(req), errors, message }),
    },
  }, async (req, reply) => {
    if ((await portal.document(req.params.id)).document.validity !== 'in_force') throw new PortalDocumentClosedError()
    await answerAsk(req, reply, await intake.suggest(req.params.id, req.body, client(req)))
    return reply
  })

  app.get('/ask', {
    schema: { tags, operationId: 'portalAskForm', summary: '提问表单', security: [], querystring: S.AskQuery, response: { ...S.Html200, ...S.publicErrors() } },
    config: { rateLimit: limits.read },
  }, async (req, reply) => sendPage(req, reply, site, F.askPage(F.emptyForm({ question: req.query.q?.slice(0, 2000), person: req.query.person }), intake.newNonce())))

  app.post('/ask', {
    schema: {
      tags, operationId: 'portalAsk', summary: '提问（渠道 portal）：能从问答库自动答复的当即答复，否则登记交办，返回编号和查询码', security: [],
      consumes: ['application/x-www-form-urlencoded', 'application/json'], body: S.AskBody,
      response: { 201: { description: '已受理', content: { 'application/json': { schema: S.AskResultSchema }, 'text/html': { schema: Type.String() } } }, ...S.publicErrors(409, 413) },
    },
    bodyLimit: FORM_BODY_LIMIT,
    config: { rateLimit: limits.ask, audit: false, portalForm: (req, errors, message) => F.askPage({ values: formValues(req), errors, message }, formValues(req).nonce ?? intake.newNonce()) },
  }, async (req, reply) => {
    await answerAsk(req, reply, await intake.ask(req.body, client(req)))
    return reply
  })

  async function answerAsk(req: FastifyRequest, reply: Parameters<typeof sendPage>[1], result: Awaited<ReturnType<PortalIntake['ask']>>): Promise<void> {
    const entry = result.outcome === 'answered' ? (await portal.entry(result.entryId)).entry : undefined
    if (wantsHtml(req)) return sendPage(req, reply, site, F.askResultPage(result, entry), { status: 201 })
    reply.status(201).header('cache-control', 'no-store').send(result.outcome === 'answered'
      ? { outcome: 'answered', entry: { id: entry!.id, question: entry!.question, answer: entry!.answer, unit: entry!.unit, url: `/qa/${entry!.id}` } }
      : { outcome: 'ticketed', ticket: { number: result.number, code: result.code, dueAt: result.dueAt, dueAtProvisional: result.dueAtProvisional, unitName: result.unitName, replayed: result.replayed } })
  }

  app.get('/follow', {
    schema: { tags, operationId: 'portalFollowForm', summary: '查询办理进度的表单', security: [], querystring: S.FollowQuery, response: { ...S.Html200, ...S.publicErrors() } },
    config: { rateLimit: limits.read },
  }, async (req, reply) => sendPage(req, reply, site, F.followPage(F.emptyForm({ number: req.query.number }))))

  app.post('/follow', {
    schema: {
      tags, operationId: 'portalFollow', summary: '凭编号和查询码查看办理进度与答复（不含任何个人信息）', security: [],
      consumes: ['application/x-www-form-urlencoded', 'application/json'], body: S.FollowBody,
      response: { 200: { description: '办理进度', content: { 'application/json': { schema: S.FollowResultSchema }, 'text/html': { schema: Type.String() } } }, ...S.publicErrors(404) },
    },
    // A lookup writes nothing: outside the write transaction, and no audit row.
    config: { rateLimit: limits.follow, readOnly: true, audit: false, portalForm: (req, errors, message) => F.followPage({ values: { number: formValues(req).number }, errors, message }) },
  }, async (req, reply) => {
    const status = await intake.follow(req.body)
    if (wantsHtml(req)) return sendPage(req, reply, site, F.followResultPage(status, req.body.code))
    return reply.header('cache-control', 'no-store').send(status)
  })

  app.post('/follow/rating', {
    schema: {
      tags, operationId: 'portalRate', summary: '对答复评价（满意 / 基本满意 / 不满意）：凭编号和查询码，不满意将重新办理', security: [],
      consumes: ['application/x-www-form-urlencoded', 'application/json'], body: S.RateBody,
      response: { 200: { description: '已评价', content: { 'application/json': { schema: S.FollowResultSchema }, 'text/html': { schema: Type.String() } } }, ...S.publicErrors(404, 409) },
    },
    config: { rateLimit: limits.follow, audit: false, portalForm: (req, errors, message) => F.followPage({ values: { number: formValues(req).number }, errors, message }) },
  }, async (req, reply) => {
    const { status, redone } = await intake.rate(req.body)
    if (wantsHtml(req)) return sendPage(req, reply, site, F.followResultPage(status, req.body.code, { rating: req.body.rating, redone }))
    return reply.header('cache-control', 'no-store').send(status)
  })

  app.post('/feedback', {
    schema: {
      tags, operationId: 'portalFeedback', summary: '“这是否解答了您的问题？”：对最上方答复的评价', security: [],
      consumes: ['application/x-www-form-urlencoded', 'application/json'], body: S.FeedbackBody,
      response: { 200: { description: '已记录', content: { 'application/json': { schema: S.FeedbackResultSchema }, 'text/html': { schema: Type.String() } } }, ...S.publicErrors(410) },
    },
    config: { rateLimit: limits.small, audit: false },
  }, async (req, reply) => {
    const r = await portal.feedback({ matchId: req.body.matchId, entryId: Number(req.body.entryId), verdict: req.body.verdict })
    if (wantsHtml(req)) sendPage(req, reply, site, F.feedbackPage(r.verdict, r.query, r.recorded))
    else reply.send({ recorded: r.recorded, verdict: r.verdict })
    return reply
  })

  app.post('/display', {
    schema: {
      tags, operationId: 'portalDisplay', summary: '切换大字模式（适老化）：记在一个 Cookie 里，再回到原页面', security: [],
      consumes: ['application/x-www-form-urlencoded', 'application/json'], body: S.DisplayBody,
      response: {
        200: { description: '已切换（非浏览器请求）', content: { 'application/json': { schema: Type.Object({ display: Type.String() }) } } },
        303: { description: '已切换，回到原页面', type: 'null' }, ...S.publicErrors(),
      },
    },
    config: { rateLimit: limits.small, readOnly: true, audit: false },
  }, async (req, reply) => {
    const cookie = req.body.display === 'large'
      ? `${DISPLAY_COOKIE}=large; Path=/; Max-Age=${YEAR}; SameSite=Lax; HttpOnly`
      : `${DISPLAY_COOKIE}=; Path=/; Max-Age=0; SameSite=Lax; HttpOnly`
    reply.header('set-cookie', cookie).header('cache-control', 'no-store')
    return wantsHtml(req) ? reply.redirect(req.body.back ?? '/', 303) : reply.send({ display: req.body.display })
  })

  app.get('/replies', {
    schema: { tags, operationId: 'portalReplies', summary: '答复公开：已公开的月份', security: [], response: { ...S.Html200, ...S.publicErrors() } },
    config: { rateLimit: limits.read },
  }, async (req, reply) => sendPage(req, reply, site, P.repliesIndexPage(await portal.publicationMonths()), { cache: 'public' }))

  app.get('/replies/:month', {
    schema: { tags, operationId: 'portalRepliesMonth', summary: '一个月的答复公开：留言摘要、受理日期、答复日期、答复部门、答复内容', security: [], params: S.MonthParams, response: { ...S.Html200, ...S.publicErrors(404) } },
    config: { rateLimit: limits.read },
  }, async (req, reply) => sendPage(req, reply, site, P.repliesMonthPage(await portal.publication(req.params.month)), { cache: 'public' }))
}

/** What the refused form held, to show it again (never the honeypot). */
function formValues(req: FastifyRequest): AskForm & { number?: string } {
  const body = (req.body && typeof req.body === 'object' ? req.body : {}) as Record<string, unknown>
  const pick = (k: string) => (typeof body[k] === 'string' ? (body[k] as string).slice(0, 2000) : undefined)
  const nonce = pick('nonce')
  return {
    question: pick('question'), name: pick('name'), phone: pick('phone'), preferredReply: pick('preferredReply'), person: pick('person') === '1' ? '1' : undefined,
    nonce: nonce && /^[A-Za-z0-9_-]{22}$/.test(nonce) ? nonce : undefined, number: pick('number'),
  }
}
