import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../../test/app.testkit.ts'
import { setUpLibrary } from './kb.testkit.ts'

describe('entries API', () => {
  let t: TestApp
  let lib: Awaited<ReturnType<typeof setUpLibrary>>
  beforeEach(async () => {
    t = await createTestApp()
    lib = await setUpLibrary(t)
  })
  afterEach(async () => { await t.close() })

  const get = async (url: string, token?: string) => (await t.call({ method: 'GET', url: `/api/v1${url}`, token })).json()

  it('creates a draft entry with cleaned similar questions, media and its documents', async () => {
    const doc = await lib.document()
    const res = await t.call({
      method: 'POST', url: '/api/v1/entries', payload: {
        unitCode: 'rsj', topic: 'employment', externalId: '12345-KB-0001',
        question: '一次性创业补贴怎么申请？', answer: '向区就业服务中心提交申请。',
        similarQuestions: [' 创业补贴在哪里申请 ', '创业补贴在哪里申请', '一次性创业补贴怎么申请？'],
        keywords: ['创业补贴'], policyDocumentIds: [doc.id],
        media: [{ kind: 'video', title: '一分钟看懂创业补贴', url: 'https://www.example.gov.cn/v/1.mp4' }],
      },
    })
    expect(res.statusCode).toBe(201)
    expect(res.json()).toMatchObject({
      status: 'draft', version: 1, versionState: 'draft', inForce: true, externalId: '12345-KB-0001',
      unit: { code: 'rsj' }, topic: { code: 'employment' }, similarQuestions: ['创业补贴在哪里申请'],
      media: [{ kind: 'video' }], policyDocuments: [{ id: doc.id, validity: 'in_force' }],
      publishedVersion: null, latestVersion: 1, workingVersion: { version: 1, state: 'draft' },
    })
  })

  it('names the field when the entry is invalid, and asks an admin for the unit', async () => {
    const bad = await t.call({ method: 'POST', url: '/api/v1/entries', payload: { unitCode: 'rsj', question: ' ', answer: '答复', media: [{ kind: 'gif', title: 'x', url: 'ftp://x' }] } })
    expect(bad.json().code).toBe('VALIDATION_FAILED')
    expect(bad.json().details.map((d: { field: string }) => d.field)).toEqual(expect.arrayContaining(['question', 'media.0.kind', 'media.0.url']))
    const noUnit = await t.call({ method: 'POST', url: '/api/v1/entries', payload: { question: '问题', answer: '答复' } })
    expect(noUnit.statusCode).toBe(400)
    expect(noUnit.json().code).toBe('KB_UNIT_REQUIRED')
    const unknownDoc = await t.call({ method: 'POST', url: '/api/v1/entries', payload: { unitCode: 'rsj', question: '问题', answer: '答复', policyDocumentIds: [999] } })
    expect(unknownDoc.json()).toMatchObject({ code: 'KB_DOCUMENT_NOT_FOUND', details: [{ field: 'policyDocumentIds', documentId: 999 }] })
    // A wrong value in the body of an edit names its field: the entry itself exists.
    const entry = await lib.entry({ question: '名字段的问题' })
    const edits = [
      [{ topic: 'nosuch' }, 'TOPIC_NOT_FOUND', 'topic'],
      [{ policyDocumentIds: [99_999] }, 'KB_DOCUMENT_NOT_FOUND', 'policyDocumentIds'],
      [{ unitCode: 'nosuch' }, 'UNIT_NOT_FOUND', 'unitCode'],
    ] as const
    for (const [payload, code, field] of edits) {
      const res = await t.call({ method: 'PATCH', url: `/api/v1/entries/${entry.id}`, payload })
      expect(res.json()).toMatchObject({ code, details: [{ field }] })
    }
  })

  it('keeps external ids unique', async () => {
    await lib.entry({ externalId: 'EXT-1' })
    const res = await t.call({ method: 'POST', url: '/api/v1/entries', payload: { unitCode: 'rsj', question: '另一个问题', answer: '答复', externalId: 'EXT-1' } })
    expect(res.statusCode).toBe(409)
    expect(res.json().code).toBe('KB_EXTERNAL_ID_TAKEN')
    const other = await lib.entry({ question: '第三个问题' })
    const patch = await t.call({ method: 'PATCH', url: `/api/v1/entries/${other.id}`, payload: { externalId: 'EXT-1' } })
    expect(patch.json().code).toBe('KB_EXTERNAL_ID_TAKEN')
  })

  it('refuses a keyword holding 「」 or a line break: in a spreadsheet they quote and separate keywords', async () => {
    for (const keyword of ['「40、50人员」', '灵活\n就业']) {
      const res = await t.call({ method: 'POST', url: '/api/v1/entries', payload: { unitCode: 'rsj', question: '问题', answer: '答复', keywords: [keyword] } })
      expect([res.statusCode, res.json().details?.[0]?.field], keyword).toEqual([400, 'keywords.0'])
    }
    const ok = await t.call({ method: 'POST', url: '/api/v1/entries', payload: { unitCode: 'rsj', question: '问题', answer: '答复', keywords: ['40、50人员'] } })
    expect(ok.statusCode).toBe(201)
  })

  it('refuses an external id held by an entry the unit may not read without naming that entry or its unit', async () => {
    await lib.entry({ unitCode: 'wjw', topic: 'birth', question: '卫健委内部草稿', answer: '草稿。', externalId: 'WJW-SECRET' })
    const rsj = await t.token('unit', { unitCode: 'rsj' })
    const res = await t.call({ method: 'POST', url: '/api/v1/entries', token: rsj, payload: { question: '人社局问题', answer: '答复', externalId: 'WJW-SECRET' } })
    expect([res.statusCode, res.json().code, res.json().message]).toEqual([409, 'KB_EXTERNAL_ID_TAKEN', '外部编号 WJW-SECRET 不可用，请换一个编号'])
    const own = await lib.entry({ question: '人社局另一个问题' })
    const patch = await t.call({ method: 'PATCH', url: `/api/v1/entries/${own.id}`, token: rsj, payload: { externalId: 'WJW-SECRET' } })
    expect(patch.json().message).toBe('外部编号 WJW-SECRET 不可用，请换一个编号')
    // The office, which reads every entry, is told that another entry holds it.
    const admin = await t.call({ method: 'POST', url: '/api/v1/entries', payload: { unitCode: 'rsj', question: '人社局问题', answer: '答复', externalId: 'WJW-SECRET' } })
    expect(admin.json().message).toBe('外部编号 WJW-SECRET 已被其他问答条目使用')
  })

  it('filters the list by status, unit, topic, text, in-force and external id, with pagination', async () => {
    const expired = await lib.document({ docNumber: 'OLD-1', validity: 'expired' })
    const published = await lib.entry({ externalId: 'P-1', question: '失业保险金怎么申领？' })
    await lib.publish(published.id)
    await lib.entry({ unitCode: 'wjw', topic: 'birth', question: '生育津贴怎么申领？', answer: '由单位向医保局申领。' })
    await lib.entry({ question: '稳岗返还什么时候发？', policyDocumentIds: [expired.id] })
    const ids = (page: { items: { question: string }[] }) => page.items.map((e) => e.question).sort()

    expect(ids(await get('/entries?status=published'))).toEqual(['失业保险金怎么申领？'])
    expect(ids(await get('/entries?unit=wjw'))).toEqual(['生育津贴怎么申领？'])
    expect(ids(await get('/entries?topic=birth'))).toEqual(['生育津贴怎么申领？'])
    expect(ids(await get(`/entries?q=${encodeURIComponent('申领')}`))).toEqual(['失业保险金怎么申领？', '生育津贴怎么申领？'])
    expect(ids(await get('/entries?inForce=false'))).toEqual(['稳岗返还什么时候发？'])
    expect(ids(await get('/entries?externalId=P-1'))).toEqual(['失业保险金怎么申领？'])
    expect(await get('/entries?pageSize=2&page=2')).toMatchObject({ total: 3, page: 2, items: [{}] })
    expect(await get('/entries?unit=nope')).toMatchObject({ code: 'UNIT_NOT_FOUND', details: [{ field: 'unit' }] })
    expect(await get('/entries?topic=nope')).toMatchObject({ code: 'TOPIC_NOT_FOUND', details: [{ field: 'topic' }] })
  })

  it('keeps serving the published version while an edit waits as a new draft version', async () => {
    const entry = await lib.entry()
    await lib.publish(entry.id)
    const edited = await t.call({ method: 'PATCH', url: `/api/v1/entries/${entry.id}`, payload: { answer: '补贴标准调整为 8000 元。', changeNote: '按 2023 年新标准修订' } })
    expect(edited.statusCode).toBe(200)
    expect(edited.json()).toMatchObject({
      status: 'published', version: 1, publishedVersion: 1, latestVersion: 2, workingVersion: { version: 2, state: 'draft' },
    })
    expect(edited.json().answer).toContain('5000 元')

    // A second edit changes the same draft, not a third version.
    await t.call({ method: 'PATCH', url: `/api/v1/entries/${entry.id}`, payload: { keywords: ['创业补贴'] } })
    const versions = (await get(`/entries/${entry.id}/versions`)).items
    expect(versions.map((v: { version: number; state: string }) => [v.version, v.state])).toEqual([[2, 'draft'], [1, 'published']])
    expect(versions[0]).toMatchObject({ answer: '补贴标准调整为 8000 元。', keywords: ['创业补贴'], changeNote: '按 2023 年新标准修订' })

    await lib.publish(entry.id)
    const after = await get(`/entries/${entry.id}`)
    expect(after).toMatchObject({ version: 2, publishedVersion: 2, workingVersion: null, answer: '补贴标准调整为 8000 元。' })
    const history = (await get(`/entries/${entry.id}/versions`)).items
    expect(history.map((v: { state: string }) => v.state)).toEqual(['published', 'superseded'])
  })

  it('refuses to edit a version that is in review', async () => {
    const entry = await lib.entry()
    await t.call({ method: 'POST', url: `/api/v1/entries/${entry.id}/submit`, payload: {} })
    const res = await t.call({ method: 'PATCH', url: `/api/v1/entries/${entry.id}`, payload: { answer: '改一改' } })
    expect(res.statusCode).toBe(409)
    expect(res.json().code).toBe('KB_VERSION_IN_REVIEW')
  })

  it('lets a unit token create and edit only its own unit\'s entries, and agents and reviewers only read', async () => {
    const rsj = await t.token('unit', { unitCode: 'rsj' })
    const agent = await t.token('agent')
    const reviewer = await t.token('reviewer', { reviewStep: 0 })
    const own = await lib.entry({ unitCode: undefined }, rsj)
    expect((await get(`/entries/${own.id}`)).unit.code).toBe('rsj')

    const foreign = await t.call({ method: 'POST', url: '/api/v1/entries', token: rsj, payload: { unitCode: 'wjw', question: '产假多少天？', answer: '158 天。' } })
    expect(foreign.statusCode).toBe(403)
    expect(foreign.json().code).toBe('KB_NOT_YOUR_UNIT')
    const wjwEntry = await lib.entry({ unitCode: 'wjw', question: '产假多少天？' })
    // Another unit's draft is not found, as when it is read: a write does not tell that it exists.
    const writes = (id: number) => [
      { method: 'PATCH' as const, url: `/api/v1/entries/${id}`, token: rsj, payload: { answer: '改成别的' } },
      ...['submit', 'withdraw', 'archive', 'restore'].map((action) => ({ method: 'POST' as const, url: `/api/v1/entries/${id}/${action}`, token: rsj, payload: {} })),
    ]
    for (const write of writes(wjwEntry.id)) {
      const res = await t.call(write)
      expect([write.url, res.statusCode, res.json().code]).toEqual([write.url, 404, 'KB_ENTRY_NOT_FOUND'])
    }
    // Once published it is read by every unit, and changing it is refused.
    await lib.publish(wjwEntry.id)
    for (const write of writes(wjwEntry.id)) {
      const res = await t.call(write)
      expect([write.url, res.statusCode, res.json().code]).toEqual([write.url, 403, 'KB_NOT_YOUR_UNIT'])
    }
    expect((await get(`/entries/${wjwEntry.id}`)).status).toBe('published')
    const move = await t.call({ method: 'PATCH', url: `/api/v1/entries/${own.id}`, token: rsj, payload: { unitCode: 'wjw' } })
    expect(move.json().code).toBe('KB_NOT_YOUR_UNIT')

    // They read the library as published (drafts are the unit's: see 'who reads which entries').
    await lib.publish(own.id)
    for (const token of [agent, reviewer]) {
      expect((await t.call({ method: 'GET', url: '/api/v1/entries', token })).statusCode).toBe(200)
      expect((await t.call({ method: 'GET', url: `/api/v1/entries/${own.id}/versions`, token })).statusCode).toBe(200)
      const write = await t.call({ method: 'PATCH', url: `/api/v1/entries/${own.id}`, token, payload: { answer: '坐席不能改' } })
      expect(write.json().code).toBe('FORBIDDEN')
    }
  })

  it('archives an entry out of service and restores it', async () => {
    const changed: number[][] = []
    t.app.services.kb.onChange((ids) => changed.push(ids))
    const entry = await lib.entry()
    await lib.publish(entry.id)
    changed.length = 0
    const archived = await t.call({ method: 'POST', url: `/api/v1/entries/${entry.id}/archive`, payload: { comment: '政策已调整' } })
    expect(archived.json()).toMatchObject({ status: 'archived', archivedAt: expect.any(String) })
    expect(changed).toEqual([[entry.id]])
    expect((await t.call({ method: 'PATCH', url: `/api/v1/entries/${entry.id}`, payload: { answer: 'x' } })).json().code).toBe('KB_ENTRY_ARCHIVED')
    expect((await t.call({ method: 'POST', url: `/api/v1/entries/${entry.id}/archive`, payload: {} })).json().code).toBe('KB_ENTRY_ARCHIVED')

    const restored = await t.call({ method: 'POST', url: `/api/v1/entries/${entry.id}/restore`, payload: {} })
    expect(restored.json()).toMatchObject({ status: 'published', archivedAt: null, version: 1 })
    expect(changed).toEqual([[entry.id], [entry.id]])
    const trail = (await get(`/entries/${entry.id}/versions`)).items[0].trail.map((a: { action: string }) => a.action)
    expect(trail.slice(-2)).toEqual(['archive', 'restore'])
    expect((await t.call({ method: 'POST', url: `/api/v1/entries/${entry.id}/restore`, payload: {} })).json().code).toBe('KB_ENTRY_NOT_ARCHIVED')
  })

  it('answers 404 KB_ENTRY_NOT_FOUND for an unknown entry', async () => {
    expect((await get('/entries/999')).code).toBe('KB_ENTRY_NOT_FOUND')
    expect((await get('/entries/999/versions')).code).toBe('KB_ENTRY_NOT_FOUND')
  })
})

// D5: an entry is its unit's until it is published (kb.reading.ts).
describe('who reads which entries', () => {
  let t: TestApp
  let lib: Awaited<ReturnType<typeof setUpLibrary>>
  let ids: Awaited<ReturnType<Awaited<ReturnType<typeof setUpLibrary>>['wjwEntries']>>
  let tokens: { rsj: string; wjw: string; agent: string; reviewer: string }
  beforeEach(async () => {
    t = await createTestApp()
    lib = await setUpLibrary(t)
    ids = await lib.wjwEntries()
    tokens = {
      rsj: await t.token('unit', { unitCode: 'rsj' }), wjw: await t.token('unit', { unitCode: 'wjw' }),
      agent: await t.token('agent'), reviewer: await t.token('reviewer', { reviewStep: 0 }),
    }
  })
  afterEach(async () => { await t.close() })

  const get = (url: string, token?: string) => t.call({ method: 'GET', url: `/api/v1${url}`, token })
  const listed = async (query: string, token?: string) =>
    ((await get(`/entries?pageSize=100${query}`, token)).json().items as { id: number }[]).map((e) => e.id).sort((a, b) => a - b)
  const versionsOf = async (id: number, token?: string) =>
    ((await get(`/entries/${id}/versions`, token)).json().items as { version: number; state: string; answer: string; trail: { action: string }[] }[])
  const notFound = async (url: string, token: string) => {
    const res = await get(url, token)
    expect(res.statusCode, url).toBe(404)
    expect(res.json().code).toBe('KB_ENTRY_NOT_FOUND')
  }

  it('hides another unit\'s drafts, entries in review and archived entries from a unit and an agent', async () => {
    for (const token of [tokens.rsj, tokens.agent]) {
      for (const id of [ids.draft, ids.inReview, ids.archived]) {
        await notFound(`/entries/${id}`, token)
        await notFound(`/entries/${id}/versions`, token)
      }
      expect(await listed('', token)).toEqual([ids.revised])
      for (const status of ['draft', 'in_review', 'archived']) expect(await listed(`&status=${status}`, token), status).toEqual([])
      expect(await listed(`&q=${encodeURIComponent('草稿')}`, token)).toEqual([])
    }
  })

  it('shows a unit and an agent another unit\'s published entry as published, without the version being written', async () => {
    for (const token of [tokens.rsj, tokens.agent]) {
      const res = await get(`/entries/${ids.revised}`, token)
      expect(res.statusCode).toBe(200)
      expect(res.json()).toMatchObject({ status: 'published', version: 1, answer: '已发布答复', latestVersion: 1, workingVersion: null })
      const versions = await versionsOf(ids.revised, token)
      expect(versions.map((v) => [v.version, v.state])).toEqual([[1, 'published']])
      expect(versions[0].trail.map((a) => a.action)).toEqual(['publish'])
      expect(JSON.stringify(await get(`/entries?pageSize=100`, token).then((r) => r.json()))).not.toContain('修订中')
      expect(await listed(`&q=${encodeURIComponent('修订中')}`, token)).toEqual([])
    }
  })

  it('shows a unit its own entries whole, in every stage', async () => {
    const own = await lib.entry({ question: '人社局草稿' }, tokens.rsj)
    expect(await listed('&status=draft', tokens.rsj)).toEqual([own.id])
    expect(await listed('&status=draft', tokens.wjw)).toEqual([ids.draft])
    expect(await listed('', tokens.wjw)).toEqual(Object.values(ids).sort((a, b) => a - b))
    expect((await get(`/entries/${ids.revised}`, tokens.wjw)).json()).toMatchObject({ latestVersion: 2, workingVersion: { version: 2, state: 'draft' } })
    expect((await versionsOf(ids.revised, tokens.wjw)).map((v) => v.answer)).toEqual(['修订中答复', '已发布答复'])
    await notFound(`/entries/${own.id}`, tokens.wjw)
  })

  it('shows a reviewer what waits in review whole, and only what is published besides', async () => {
    const inReview = await get(`/entries/${ids.inReview}`, tokens.reviewer)
    expect(inReview.statusCode).toBe(200)
    expect(inReview.json()).toMatchObject({ status: 'in_review', workingVersion: { state: 'in_review', reviewStepName: '初审' } })
    expect((await versionsOf(ids.inReview, tokens.reviewer))[0].trail.map((a) => a.action)).toEqual(['submit'])
    await notFound(`/entries/${ids.draft}`, tokens.reviewer)
    await notFound(`/entries/${ids.archived}`, tokens.reviewer)
    expect(await listed('', tokens.reviewer)).toEqual([ids.inReview, ids.revised])
    expect((await get(`/entries/${ids.revised}`, tokens.reviewer)).json().workingVersion).toBeNull()
    // Once the new version is submitted, the reviewer who decides on it reads it.
    await t.call({ method: 'POST', url: `/api/v1/entries/${ids.revised}/submit`, payload: {} })
    expect((await versionsOf(ids.revised, tokens.reviewer)).map((v) => v.answer)).toEqual(['修订中答复', '已发布答复'])
  })

  it('shows the office everything', async () => {
    expect(await listed('')).toEqual(Object.values(ids).sort((a, b) => a - b))
    expect((await versionsOf(ids.revised)).map((v) => v.state)).toEqual(['draft', 'published'])
    expect((await get(`/entries/${ids.draft}`)).json()).toMatchObject({ status: 'draft', answer: '产假草稿答复' })
  })
})
