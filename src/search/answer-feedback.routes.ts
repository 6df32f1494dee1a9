import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { DateTime, Nullable, PageQuery, errorResponses, paging } from '../common/schemas.ts'
import { toIsoInstant } from '../common/instants.ts'
import type { AnswerFeedbackService } from './answer-feedback.service.ts'

const AnswerFeedbackSchema = Type.Object({
  id: Type.Integer(),
  matchId: Type.String(),
  channel: Type.String(),
  query: Type.String({ description: '提问原文（电话、证件号已脱敏）' }),
  entryId: Type.Integer(),
  verdict: Type.String({ description: 'helpful 已解答；not_helpful 没有解答' }),
  probability: Type.Number({ description: '显示答复时的校准概率' }),
  threshold: Nullable(Type.Number({ description: '当时自动答复的阈值' })),
  createdAt: Type.String(),
}, { title: '答复评价' })

/** The public's verdicts on answers given at once: labelled examples for the matcher's owner (admin). */
export const answerFeedbackRoutes: FastifyPluginAsyncTypebox<{ answerFeedback: AnswerFeedbackService }> = async (app, { answerFeedback }) => {
  app.get('/answer-feedback', {
    schema: {
      tags: ['search'], operationId: 'listAnswerFeedback', summary: '公众对自动答复的评价（这是否解答了您的问题）：查询、条目、结论',
      querystring: Type.Object({
        ...PageQuery,
        entryId: Type.Optional(Type.Integer({ minimum: 1, maximum: 2 ** 53 - 1 })),
        verdict: Type.Optional(Type.Enum(['helpful', 'not_helpful'])),
        from: Type.Optional(DateTime('起')),
        to: Type.Optional(DateTime('止')),
      }, { additionalProperties: false }),
      response: {
        200: Type.Object({
          items: Type.Array(AnswerFeedbackSchema), total: Type.Integer(), page: Type.Integer(), pageSize: Type.Integer(),
          summary: Type.Object({ helpful: Type.Integer(), notHelpful: Type.Integer() }),
        }),
        ...errorResponses(403),
      },
    },
  }, async (req) => answerFeedback.list({
    ...req.query,
    from: req.query.from ? toIsoInstant(req.query.from, 'from') : undefined,
    to: req.query.to ? toIsoInstant(req.query.to, 'to') : undefined,
    ...paging(req.query),
  }))
}
