import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { IdParams, Page, PageQuery, errorResponses, paging } from '../common/schemas.ts'
import type { SearchService } from './search.service.ts'
import {
  CreateDictionaryTermBody, CreateSynonymBody, DictionaryTermSchema, FeedbackBody, FeedbackResultSchema, MatchBody, MatchIdParams,
  CalibrationSchema, MatchResultSchema, MissSchema, StartingSynonymsResultSchema, SuggestQuery, SuggestResultSchema, SynonymSchema, UpdateSynonymBody,
} from './search.schemas.ts'
import { pathId, resultId } from '../plugins/route-config.ts'

const tags = ['search']
const matchers = ['admin', 'agent', 'unit', 'reviewer', 'integration'] as const

export const searchRoutes: FastifyPluginAsyncTypebox<{ search: SearchService }> = async (app, { search }) => {
  app.post('/match', {
    // A query, logged in match_logs with its token (batched): not an audited write, and no write
    // transaction per match (BEGIN IMMEDIATE + COMMIT cost ~80 µs of a ~600 µs request).
    config: { roles: matchers, audit: false, readOnly: true },
    schema: {
      tags, operationId: 'matchQuestion', summary: '匹配咨询问题：返回候选条目与是否可立即答复',
      body: MatchBody,
      response: { 200: MatchResultSchema, ...errorResponses(403, 404) },
    },
  }, async (req) => search.match(req.body, req.actor))

  app.get('/search', {
    config: { roles: matchers },
    schema: {
      tags, operationId: 'suggestEntries', summary: '输入联想：按已输入内容（末词前缀）查找条目',
      querystring: SuggestQuery,
      response: { 200: SuggestResultSchema, ...errorResponses(403) },
    },
  }, async (req) => search.suggest(req.query.q, { limit: req.query.limit, topic: req.query.topic }))

  app.post('/match/:matchId/feedback', {
    config: { roles: ['admin', 'agent', 'integration'], audit: { target: 'match', id: pathId('matchId') } },
    schema: {
      tags, operationId: 'giveMatchFeedback', summary: '反馈匹配结果：采用的条目或都不合适',
      params: MatchIdParams, body: FeedbackBody,
      response: { 200: FeedbackResultSchema, ...errorResponses(403, 404, 409) },
    },
  }, async (req) => search.feedback(req.params.matchId, req.body))

  app.get('/match-misses', {
    schema: {
      tags, operationId: 'listMatchMisses', summary: '未匹配或反馈“都不合适”的咨询问题（用于补充问答库）',
      querystring: Type.Object({ ...PageQuery }, { additionalProperties: false }),
      response: { 200: Page(MissSchema), ...errorResponses(403) },
    },
  }, async (req) => {
    const { page, pageSize } = paging(req.query)
    return search.listMisses(page, pageSize)
  })

  app.get('/match-calibration', {
    schema: { tags, operationId: 'getMatchCalibration', summary: '立即答复的校准：样本、阈值与可靠性表', response: { 200: CalibrationSchema, ...errorResponses(403) } },
  }, async () => search.calibration())

  app.get('/synonyms', {
    schema: { tags, operationId: 'listSynonyms', summary: '同义词列表', response: { 200: Type.Object({ items: Type.Array(SynonymSchema) }), ...errorResponses(403) } },
  }, async () => search.listSynonyms())

  app.post('/synonyms', {
    config: { audit: { target: 'synonym', id: resultId('id') } },
    schema: { tags, operationId: 'createSynonym', summary: '新增同义词（随后重建索引）', body: CreateSynonymBody, response: { 201: SynonymSchema, ...errorResponses(403, 409, 422) } },
  }, async (req, reply) => reply.status(201).send(await search.createSynonym(req.body)))

  app.post('/synonyms/starting-set', {
    config: { audit: { target: 'synonym', id: resultId('ids') } },
    schema: {
      tags, operationId: 'addStartingSynonyms',
      summary: '补充随版本发布的起始同义词与相关词：只添加表中还没有的词语，管理员已有的词语不变（随后重建索引）',
      response: { 200: StartingSynonymsResultSchema, ...errorResponses(403) },
    },
  }, async () => search.addStartingSynonyms())

  app.patch('/synonyms/:id', {
    config: { audit: { target: 'synonym', id: pathId() } },
    schema: { tags, operationId: 'updateSynonym', summary: '修改同义词的标准词（随后重建索引）', params: IdParams, body: UpdateSynonymBody, response: { 200: SynonymSchema, ...errorResponses(403, 404, 422) } },
  }, async (req) => search.updateSynonym(req.params.id, req.body))

  app.delete('/synonyms/:id', {
    config: { audit: { target: 'synonym', id: pathId() } },
    schema: { tags, operationId: 'deleteSynonym', summary: '删除同义词（随后重建索引）', params: IdParams, response: { 204: Type.Null(), ...errorResponses(403, 404) } },
  }, async (req, reply) => { await search.deleteSynonym(req.params.id); return reply.status(204).send(null) })

  app.get('/dictionary-terms', {
    schema: { tags, operationId: 'listDictionaryTerms', summary: '分词词典中管理员添加的政策词条', response: { 200: Type.Object({ items: Type.Array(DictionaryTermSchema) }), ...errorResponses(403) } },
  }, async () => search.listDictionaryTerms())

  app.post('/dictionary-terms', {
    config: { audit: { target: 'dictionary-term', id: resultId('id') } },
    schema: { tags, operationId: 'addDictionaryTerm', summary: '向分词词典添加政策词条（随后重建索引）', body: CreateDictionaryTermBody, response: { 201: DictionaryTermSchema, ...errorResponses(403, 409, 422) } },
  }, async (req, reply) => reply.status(201).send(await search.addDictionaryTerm(req.body)))

  app.delete('/dictionary-terms/:id', {
    config: { audit: { target: 'dictionary-term', id: pathId() } },
    schema: { tags, operationId: 'deleteDictionaryTerm', summary: '删除分词词典词条（随后重建索引）', params: IdParams, response: { 204: Type.Null(), ...errorResponses(403, 404) } },
  }, async (req, reply) => { await search.deleteDictionaryTerm(req.params.id); return reply.status(204).send(null) })
}
