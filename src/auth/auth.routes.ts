import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Code, IdParams, Nullable, Text, errorResponses } from '../common/schemas.ts'
import { UnitRef } from '../units/units.schemas.ts'
import type { AuthService } from './auth.service.ts'
import { ROLES } from './auth.types.ts'
import { pathId, resultId } from '../plugins/route-config.ts'

const tags = ['auth']
const RoleSchema = Type.Union(ROLES.map((r) => Type.Literal(r)), { description: 'admin 督办办公室；agent 坐席；unit 单位；reviewer 审核人；integration 接入系统' })

const TokenSchema = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  role: Type.String(),
  prefix: Type.String({ description: '令牌前 8 位，便于辨认' }),
  unit: Nullable(UnitRef),
  reviewStep: Nullable(Type.Integer()),
  reviewStepName: Nullable(Type.String()),
  createdAt: Type.String(),
  lastUsedAt: Nullable(Type.String()),
  revokedAt: Nullable(Type.String()),
})

export const authRoutes: FastifyPluginAsyncTypebox<{ auth: AuthService }> = async (app, { auth }) => {
  app.get('/me', {
    config: { roles: ROLES },
    schema: {
      tags, operationId: 'whoAmI', summary: '当前身份与角色（令牌或登录会话）',
      response: { 200: TokenSchema, ...errorResponses() },
    },
  }, async (req) => auth.describeById(req.actor.tokenId))

  app.get('/tokens', {
    schema: { tags, operationId: 'listTokens', summary: '令牌列表', response: { 200: Type.Object({ items: Type.Array(TokenSchema) }), ...errorResponses(403) } },
  }, async () => ({ items: await auth.listTokens() }))

  app.post('/tokens', {
    config: { audit: { target: 'token', id: resultId('id') } },
    schema: {
      tags, operationId: 'createToken', summary: '签发令牌（明文只在此返回一次）',
      body: Type.Object({
        name: Text(100),
        role: RoleSchema,
        unitCode: Type.Optional(Code),
        reviewStep: Type.Optional(Type.Integer({ minimum: 0, maximum: 8, description: '审核环节序号，从 0 开始' })),
      }, { additionalProperties: false }),
      response: { 201: Type.Object({ ...TokenSchema.properties, token: Type.String({ description: '令牌明文，请妥善保存' }) }), ...errorResponses(403, 404) },
    },
  }, async (req, reply) => reply.status(201).send(await auth.createToken(req.body, req.actor.tokenId)))

  app.delete('/tokens/:id', {
    config: { audit: { target: 'token', id: pathId() } },
    schema: { tags, operationId: 'revokeToken', summary: '吊销令牌', params: IdParams, response: { 200: TokenSchema, ...errorResponses(403, 404) } },
  }, async (req) => auth.revokeToken(req.params.id))
}
