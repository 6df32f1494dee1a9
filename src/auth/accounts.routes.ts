import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyRequest } from 'fastify'
import { Code, IdParams, Nullable, PRINTABLE_NOT_BLANK, Text, errorResponses } from '../common/schemas.ts'
import { UnitRef } from '../units/units.schemas.ts'
import type { AuthService } from './auth.service.ts'
import type { AccountsService } from './accounts.service.ts'
import { SESSION_TTL_MS } from './accounts.service.ts'
import { SessionRequiredError } from './auth.errors.ts'
import { clearedSessionCookie, csrfTokenFor, sessionCookie } from './session.ts'
import { PASSWORD_RULE } from './passwords.ts'
import { ownAccountId, pathId, resultId } from '../plugins/route-config.ts'

const tags = ['auth']
const PEOPLE_ROLES = ['admin', 'agent', 'unit', 'reviewer'] as const
const PeopleRole = Type.Union(PEOPLE_ROLES.map((r) => Type.Literal(r)), { description: 'admin 督办办公室；agent 坐席；unit 单位；reviewer 审核人' })
const Username = Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{1,31}$', description: '用户名：字母、数字、点、下划线或连字符，2 到 32 个字符（不区分大小写）' })
const Password = Type.String({ minLength: 1, maxLength: 128, pattern: PRINTABLE_NOT_BLANK, description: PASSWORD_RULE })

const AccountSchema = Type.Object({
  id: Type.Integer(),
  username: Type.String(),
  displayName: Type.String(),
  role: Type.String(),
  unit: Nullable(UnitRef),
  reviewStep: Nullable(Type.Integer()),
  reviewStepName: Nullable(Type.String()),
  locked: Type.Boolean({ description: '是否因连续登录失败而暂时锁定' }),
  lockedUntil: Nullable(Type.String()),
  disabled: Type.Boolean(),
  failedAttempts: Type.Integer(),
  passwordChangedAt: Nullable(Type.String()),
  createdAt: Type.String(),
})
const WithPassword = Type.Object({ ...AccountSchema.properties, password: Nullable(Type.String({ description: '生成的密码明文，只在此返回一次；自行设定密码时为 null' })) })
const SessionSchema = Type.Object({
  account: AccountSchema,
  csrfToken: Type.String({ description: '用会话提交修改（POST/PUT/PATCH/DELETE）时放在 X-CSRF-Token 请求头中' }),
  expiresAt: Type.String(),
})

const isHttps = (req: FastifyRequest) => req.protocol === 'https'

export const accountsRoutes: FastifyPluginAsyncTypebox<{ accounts: AccountsService; auth: AuthService }> = async (app, { accounts }) => {
  app.post('/session', {
    // Audited by the service: failures too, which are not 2xx. Per address, on top of each account's lockout.
    config: { roles: 'public', audit: false, rateLimit: { max: 60, timeWindow: 60_000, keyGenerator: (req: FastifyRequest) => `sign-in:${req.ip}`, allowList: () => false } },
    schema: {
      tags, operationId: 'signIn', summary: '账号登录（会话放在 HttpOnly Cookie 中）',
      description: '成功后设置 HttpOnly、SameSite=Strict 的会话 Cookie（12 小时）。连续 5 次密码错误后账号锁定 1 分钟，此后每错一次锁定时间加倍，最长 1 小时。',
      body: Type.Object({ username: Text(64), password: Password }, { additionalProperties: false }),
      response: { 200: SessionSchema, ...errorResponses(429) },
    },
  }, async (req, reply) => {
    const s = await accounts.signIn(req.body.username, req.body.password, req.id)
    reply.header('set-cookie', sessionCookie(s.secret, SESSION_TTL_MS / 1000, isHttps(req)))
    return { account: s.account, csrfToken: csrfTokenFor(s.secret), expiresAt: s.expiresAt }
  })

  app.get('/session', {
    config: { roles: PEOPLE_ROLES },
    schema: { tags, operationId: 'getSession', summary: '当前登录会话（刷新页面后取回 csrfToken）', response: { 200: SessionSchema, ...errorResponses(403) } },
  }, async (req) => {
    if (!req.sessionSecret || req.actor.accountId == null) throw new SessionRequiredError()
    return { account: await accounts.get(req.actor.accountId), csrfToken: csrfTokenFor(req.sessionSecret), expiresAt: await accounts.sessionExpiry(req.actor.tokenId) }
  })

  app.delete('/session', {
    config: { roles: PEOPLE_ROLES, audit: { target: 'session', id: (req) => req.actor?.tokenId } },
    schema: { tags, operationId: 'signOut', summary: '退出登录', response: { 204: Type.Null(), ...errorResponses(403) } },
  }, async (req, reply) => {
    if (req.actor.accountId == null) throw new SessionRequiredError()
    await accounts.signOut(req.actor)
    return reply.status(204).header('set-cookie', clearedSessionCookie(isHttps(req))).send(null)
  })

  app.put('/session/password', {
    config: { roles: PEOPLE_ROLES, audit: { target: 'account', id: ownAccountId } },
    schema: {
      tags, operationId: 'changeOwnPassword', summary: '修改本人密码（其他会话随之失效）',
      body: Type.Object({ currentPassword: Password, newPassword: Password }, { additionalProperties: false }),
      response: { 204: Type.Null(), ...errorResponses(403) },
    },
  }, async (req, reply) => {
    if (req.actor.accountId == null) throw new SessionRequiredError()
    await accounts.changePassword(req.actor, req.body.currentPassword, req.body.newPassword)
    return reply.status(204).send(null)
  })

  app.get('/accounts', {
    schema: { tags, operationId: 'listAccounts', summary: '账号列表', response: { 200: Type.Object({ items: Type.Array(AccountSchema) }), ...errorResponses(403) } },
  }, async () => ({ items: await accounts.list() }))

  app.post('/accounts', {
    config: { audit: { target: 'account', id: resultId('id') } },
    schema: {
      tags, operationId: 'createAccount', summary: '新建账号（不给密码则生成一个，只返回一次）',
      body: Type.Object({
        username: Username, displayName: Text(100), role: PeopleRole,
        unitCode: Type.Optional(Code),
        reviewStep: Type.Optional(Type.Integer({ minimum: 0, maximum: 8, description: '审核环节序号，从 0 开始' })),
        password: Type.Optional(Password),
      }, { additionalProperties: false }),
      response: { 201: WithPassword, ...errorResponses(403, 404, 409) },
    },
  }, async (req, reply) => reply.status(201).send(await accounts.create(req.body)))

  app.patch('/accounts/:id', {
    config: { audit: { target: 'account', id: pathId() } },
    schema: {
      tags, operationId: 'updateAccount', summary: '修改账号（角色、单位、停用）；该账号的会话随之失效',
      params: IdParams,
      body: Type.Object({
        displayName: Type.Optional(Text(100)), role: Type.Optional(PeopleRole),
        unitCode: Type.Optional(Nullable(Code)), reviewStep: Type.Optional(Nullable(Type.Integer({ minimum: 0, maximum: 8 }))),
        disabled: Type.Optional(Type.Boolean()),
      }, { additionalProperties: false, minProperties: 1 }),
      response: { 200: AccountSchema, ...errorResponses(403, 404) },
    },
  }, async (req) => accounts.update(req.params.id, req.body))

  app.post('/accounts/:id/password-reset', {
    config: { audit: { target: 'account', id: pathId() } },
    schema: {
      tags, operationId: 'resetAccountPassword', summary: '重置密码：生成新密码（只返回一次），解除锁定，结束该账号的所有会话',
      params: IdParams,
      response: { 200: Type.Object({ ...WithPassword.properties, password: Type.String() }), ...errorResponses(403, 404) },
    },
  }, async (req) => accounts.resetPassword(req.params.id))
}
