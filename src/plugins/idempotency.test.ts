import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Type } from '@fastify/type-provider-typebox'
import { eq } from 'drizzle-orm'
import { createTestApp, type TestApp } from '../../test/app.testkit.ts'
import { testConfig } from '../config.ts'
import { closeDatabase } from '../db/client.ts'
import { openConfiguredDatabase } from '../db/open.ts'
import { testDatabaseUrl } from '../../test/pg.testkit.ts'
import { migrateDatabase } from '../db/migrate.ts'
import { idempotencyKeys } from './idempotency.table.ts'
import { Text, errorResponses } from '../common/schemas.ts'
import { createError } from './errors.ts'
import { canonicalJson, createIdempotencyStore, requestFingerprint } from './idempotency.ts'
import { resultId } from './route-config.ts'

const NotAllowed = createError('TEST_NOT_ALLOWED', '测试：不允许', 422)

/**
 * A small creating route stands in for the real ones. It creates a unit through the units service,
 * named after the note, so the test can count how many times it really ran.
 */
async function appWithNoteRoutes(): Promise<TestApp> {
  const t = await createTestApp()
  const { units } = t.app.services
  let notes = 0
  const create = async (text: string) => {
    if (text === '拒绝') throw new NotAllowed()
    const row = await units.createUnit({ code: `note${++notes}`, name: text })
    return { id: row.id, text }
  }
  const schema = (operationId: string) => ({
    tags: ['system'], operationId, summary: '测试用',
    body: Type.Object({ text: Text(200) }, { additionalProperties: false }),
    response: { 201: Type.Object({ id: Type.Integer(), text: Type.String() }), ...errorResponses(409, 422) },
  })
  const config = { roles: ['admin', 'agent'] as const, idempotency: true, audit: { target: 'note', id: resultId('id') } }
  t.app.post('/api/v1/test-notes', { config, schema: schema('createTestNote') },
    async (req: { body: { text: string } }, reply) => reply.code(201).send(await create(req.body.text)))
  // A handler that awaits before it writes: its transaction, with the reservation, stays open across the await.
  t.app.post('/api/v1/test-slow-notes', { config, schema: schema('createSlowTestNote') },
    async (req: { body: { text: string } }, reply) => {
      await new Promise((r) => setTimeout(r, 20))
      return reply.code(201).send(await create(req.body.text))
    })
  return t
}

/** How many times the route really ran for notes with this text. The app is shared: each test uses its own texts and keys. */
const notesRun = async (t: TestApp, ...texts: string[]) =>
  (await t.app.services.units.listUnits({ page: 1, pageSize: 1000 })).items.filter((u) => texts.includes(u.name)).length

describe('Idempotency-Key on creating routes', () => {
  let t: TestApp
  beforeAll(async () => { t = await appWithNoteRoutes() })
  afterAll(async () => { await t.close() })

  const post = (key: string | undefined, text: string, opts: { token?: string; url?: string } = {}) =>
    t.call({ method: 'POST', url: opts.url ?? '/api/v1/test-notes', token: opts.token, payload: { text }, headers: key === undefined ? {} : { 'idempotency-key': key } })

  it('answers a retry with the original status and body and creates nothing more', async () => {
    const first = await post('k-1', '你好')
    const second = await post('k-1', '你好')
    expect(first.statusCode).toBe(201)
    expect(second.statusCode).toBe(201)
    expect(second.body).toBe(first.body)
    expect(second.headers['idempotent-replayed']).toBe('true')
    expect(first.headers['idempotent-replayed']).toBeUndefined()
    expect(await notesRun(t, '你好')).toBe(1)
  })

  it('treats the same body with its keys in another order as the same request', async () => {
    expect(canonicalJson({ b: 1, a: [{ d: 2, c: null }] })).toBe(canonicalJson({ a: [{ c: null, d: 2 }], b: 1 }))
    expect(requestFingerprint('POST /x', {}, { a: 1, b: 2 })).toBe(requestFingerprint('POST /x', {}, { b: 2, a: 1 }))
    expect(requestFingerprint('POST /x', {}, { a: 1 })).not.toBe(requestFingerprint('POST /y', {}, { a: 1 }))
  })

  it('refuses the same key with a different body with 409 IDEMPOTENCY_KEY_REUSED', async () => {
    await post('k-2', '第一封')
    const res = await post('k-2', '第二封')
    expect(res.statusCode).toBe(409)
    expect(res.json().code).toBe('IDEMPOTENCY_KEY_REUSED')
    expect(await notesRun(t, '第一封', '第二封')).toBe(1)
  })

  it('refuses the same key on another route with 409 IDEMPOTENCY_KEY_REUSED', async () => {
    await post('k-3', '同一内容')
    const res = await post('k-3', '同一内容', { url: '/api/v1/test-slow-notes' })
    expect(res.json().code).toBe('IDEMPOTENCY_KEY_REUSED')
  })

  it('executes concurrent duplicates once: every duplicate gets the original response', async () => {
    const responses = await Promise.all(Array.from({ length: 10 }, () => post('k-4', '并发')))
    expect(responses.map((r) => r.statusCode)).toEqual(Array(10).fill(201))
    expect(new Set(responses.map((r) => r.body)).size).toBe(1)
    expect(await notesRun(t, '并发')).toBe(1)
  })

  it('executes concurrent duplicates once when the handler awaits: the others wait for its commit and get the replay', async () => {
    const responses = await Promise.all(Array.from({ length: 5 }, () => post('k-5', '慢', { url: '/api/v1/test-slow-notes' })))
    expect(responses.map((r) => r.statusCode)).toEqual(Array(5).fill(201))
    expect(new Set(responses.map((r) => r.body)).size).toBe(1)
    expect(responses.filter((r) => r.headers['idempotent-replayed'] === 'true')).toHaveLength(4)
    const retry = await post('k-5', '慢', { url: '/api/v1/test-slow-notes' })
    expect(retry.statusCode).toBe(201)
    expect(retry.body).toBe(responses.find((r) => r.statusCode === 201)!.body)
    expect(await notesRun(t, '慢')).toBe(1)
  })

  it('scopes keys to the token: another token with the same key is a new request', async () => {
    const agent = await t.token('agent')
    await post('k-6', '同键')
    const other = await post('k-6', '同键', { token: agent })
    expect(other.statusCode).toBe(201)
    expect(other.headers['idempotent-replayed']).toBeUndefined()
    expect(await notesRun(t, '同键')).toBe(2)
  })

  it('frees the key after a refused request so the corrected retry can use it', async () => {
    const refused = await post('k-7', '拒绝')
    expect(refused.statusCode).toBe(422)
    const keys = await t.app.services.db.select().from(idempotencyKeys).where(eq(idempotencyKeys.key, 'k-7'))
    expect(keys).toEqual([])
    const ok = await post('k-7', '改正后')
    expect(ok.statusCode).toBe(201)
    expect(await notesRun(t, '拒绝', '改正后')).toBe(1)
  })

  it('runs every request without a key', async () => {
    await post(undefined, '无键')
    await post(undefined, '无键')
    expect(await notesRun(t, '无键')).toBe(2)
  })

  it.each([
    ['too long', 'x'.repeat(201)],
    ['blank', '   '],
    ['empty', ''],
  ])('refuses a %s key with 400 VALIDATION_FAILED on the header', async (name, key) => {
    const res = await post(key, `坏键 ${name}`)
    expect(res.statusCode).toBe(400)
    expect(res.json()).toMatchObject({ code: 'VALIDATION_FAILED', details: expect.arrayContaining([expect.objectContaining({ field: 'idempotency-key' })]) })
    expect(await notesRun(t, `坏键 ${name}`)).toBe(0)
  })

  it('accepts a 200-character key', async () => {
    expect((await post('k'.repeat(200), '长键')).statusCode).toBe(201)
  })

  it('documents the header in the OpenAPI of idempotent routes only', async () => {
    await t.app.ready()
    const doc = t.app.swagger() as { paths: Record<string, Record<string, { parameters?: { name: string; in: string }[] }>> }
    expect(doc.paths['/api/v1/test-notes'].post.parameters).toContainEqual(expect.objectContaining({ name: 'idempotency-key', in: 'header' }))
    expect(doc.paths['/api/v1/units'].post.parameters ?? []).not.toContainEqual(expect.objectContaining({ name: 'idempotency-key' }))
  })
})

describe('idempotency key store', () => {
  it('forgets keys after 24 hours: the purge deletes them and a late retry runs again', async () => {
    const db = openConfiguredDatabase({ ...testConfig(), databaseUrl: await testDatabaseUrl() })
    await migrateDatabase(db)
    let clock = Date.parse('2025-03-01T00:00:00Z')
    const store = createIdempotencyStore({ db, now: () => clock })
    const first = await store.begin(1, 'k', 'POST /x', 'h')
    expect(first.kind).toBe('reserved')
    if (first.kind === 'reserved') await store.complete(first.id, 201, '{"id":1}')
    clock += 23 * 3600_000
    expect(await store.begin(1, 'k', 'POST /x', 'h')).toEqual({ kind: 'replay', statusCode: 201, body: '{"id":1}' })
    clock += 2 * 3600_000
    expect(await store.purgeExpired(true)).toBe(1)
    expect((await store.begin(1, 'k', 'POST /x', 'h')).kind).toBe('reserved')
    await closeDatabase(db)
  })

  it('answers 409 IN_PROGRESS for a key still reserved without a response', async () => {
    const db = openConfiguredDatabase({ ...testConfig(), databaseUrl: await testDatabaseUrl() })
    await migrateDatabase(db)
    const store = createIdempotencyStore({ db })
    expect((await store.begin(1, 'k', 'POST /x', 'h')).kind).toBe('reserved')
    await expect(store.begin(1, 'k', 'POST /x', 'h')).rejects.toMatchObject({ code: 'IDEMPOTENCY_KEY_IN_PROGRESS' })
    await closeDatabase(db)
  })
})
