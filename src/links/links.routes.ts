import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@fastify/type-provider-typebox'
import { IdParams, errorResponses } from '../common/schemas.ts'
import type { Actor } from '../auth/auth.service.ts'
import type { LinksService } from './links.service.ts'
import { FlaggedEntriesSchema, LinkListQuery, LinkListSchema, LinkRunSchema, UnitOnlyQuery } from './links.schemas.ts'
import { resultId } from '../plugins/route-config.ts'

const tags = ['links']

/** The unit a request is kept to (the statistics' scope rule, passed in by app.ts). */
type ScopeOf = (actor: Actor, unitCode?: string) => { unitId: number | null } | Promise<{ unitId: number | null }>

export const linksRoutes: FastifyPluginAsyncTypebox<{ scope: ScopeOf; links: LinksService }> = async (app, { scope, links }) => {
  app.get('/link-checks', {
    config: { roles: ['admin', 'unit'] },
    schema: {
      tags, operationId: 'listLinks', summary: '链接检查结果：政策文件、解读材料和条目图解视频的链接，无法打开的在前；单位令牌只看本单位',
      querystring: LinkListQuery, response: { 200: LinkListSchema, ...errorResponses(403, 404) },
    },
  }, async (req) => {
    const { unit, page = 1, pageSize = 20, state } = req.query
    return links.list({ state, page, pageSize }, (await scope(req.actor, unit)).unitId)
  })

  app.get('/link-checks/flagged-entries', {
    config: { roles: ['admin', 'unit'] },
    schema: {
      tags, operationId: 'listLinkFlaggedEntries', summary: '所依据政策文件的链接全部无法打开的已发布条目',
      querystring: UnitOnlyQuery, response: { 200: FlaggedEntriesSchema, ...errorResponses(403, 404) },
    },
  }, async (req) => links.flaggedEntries((await scope(req.actor, req.query.unit)).unitId))

  app.post('/link-checks/runs', {
    config: { roles: ['admin'], audit: { target: 'link-check', id: resultId('id') } },
    schema: {
      tags, operationId: 'startLinkCheck', summary: '立即检查全部链接（后台进行，结果见链接检查列表）',
      response: { 202: LinkRunSchema, ...errorResponses(409) },
    },
  }, async (req, reply) => reply.code(202).send(await links.runNow(req.actor.tokenId)))

  app.get('/link-checks/runs', {
    config: { roles: ['admin', 'unit'] },
    schema: { tags, operationId: 'listLinkCheckRuns', summary: '最近的链接检查记录', response: { 200: Type.Array(LinkRunSchema), ...errorResponses(403) } },
  }, async () => links.runs())

  app.get('/link-checks/runs/:id', {
    config: { roles: ['admin', 'unit'] },
    schema: { tags, operationId: 'getLinkCheckRun', summary: '一次链接检查的进度与结果', params: IdParams, response: { 200: LinkRunSchema, ...errorResponses(404) } },
  }, async (req) => links.getRun(req.params.id))
}
