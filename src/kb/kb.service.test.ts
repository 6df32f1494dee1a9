import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { eq } from 'drizzle-orm'
import { first } from '../db/query.ts'
import { createTestApp, type TestApp } from '../../test/app.testkit.ts'
import type { Actor } from '../auth/auth.service.ts'
import { entries } from './kb.table.ts'
import { setUpLibrary } from './kb.testkit.ts'

describe('kb service contract (used by tickets and search)', () => {
  let t: TestApp
  let lib: Awaited<ReturnType<typeof setUpLibrary>>
  let kb: TestApp['app']['services']['kb']
  let rsjId: number
  const admin: Actor = { tokenId: 1, role: 'admin', name: '管理员', unitId: null, reviewStep: null }
  beforeEach(async () => {
    t = await createTestApp()
    lib = await setUpLibrary(t)
    kb = t.app.services.kb
    rsjId = (await t.app.services.units.requireUnit('rsj')).id
  })
  afterEach(async () => { await t.close() })

  it('createDraft makes a draft entry from a ticket answer, linked to the ticket', async () => {
    const doc = await kb.createDocument({ title: '稳就业十条', issuer: '区政府' }, admin)
    const { entryId, versionId } = await kb.createDraft({
      question: '失业了可以领失业保险金吗？', answer: '参保满一年且非本人意愿中断就业的，可以申领。',
      similarQuestions: ['失业金怎么领'], keywords: ['失业保险金'], topicCode: 'employment', unitId: rsjId, policyDocumentIds: [doc.id], sourceTicketId: 42,
    }, admin)
    expect(versionId).toEqual(expect.any(Number))
    expect(await kb.getEntry(entryId, admin)).toMatchObject({
      status: 'draft', sourceTicketId: 42, topic: { code: 'employment' }, unit: { code: 'rsj' }, similarQuestions: ['失业金怎么领'], policyDocuments: [{ id: doc.id }],
    })
  })

  it('createDraft refuses a unit token acting for another unit', async () => {
    const wjwActor: Actor = { tokenId: 9, role: 'unit', name: '卫健委', unitId: (await t.app.services.units.requireUnit('wjw')).id, reviewStep: null }
    await expect(kb.createDraft({ question: '问', answer: '答', unitId: rsjId }, wjwActor)).rejects.toThrow(expect.objectContaining({ code: 'KB_NOT_YOUR_UNIT' }))
  })

  it('addSimilarQuestion puts the question into a new draft version and leaves the published one serving', async () => {
    const entry = await lib.entry({ similarQuestions: ['创业补贴多少钱'] })
    await lib.publish(entry.id)
    const { versionId } = await kb.addSimilarQuestion(entry.id, '开网店能领创业补贴吗', admin)
    const view = await kb.getEntry(entry.id, admin)
    expect(view).toMatchObject({ version: 1, similarQuestions: ['创业补贴多少钱'], workingVersion: { version: 2, state: 'draft' } })
    const [v2] = (await kb.listVersions(entry.id, admin)).items
    expect(v2).toMatchObject({ id: versionId, similarQuestions: ['创业补贴多少钱', '开网店能领创业补贴吗'] })
    // A second question joins the same draft instead of opening a third version.
    await kb.addSimilarQuestion(entry.id, '大学生创业补贴', admin)
    expect((await kb.listVersions(entry.id, admin)).items.map((v) => v.version)).toEqual([2, 1])
    expect((await kb.listVersions(entry.id, admin)).items[0].similarQuestions).toHaveLength(3)
  })

  it('addSimilarQuestion refuses while a version is in review', async () => {
    const entry = await lib.entry()
    await t.call({ method: 'POST', url: `/api/v1/entries/${entry.id}/submit`, payload: {} })
    await expect(kb.addSimilarQuestion(entry.id, '换个问法', admin)).rejects.toThrow(expect.objectContaining({ code: 'KB_VERSION_IN_REVIEW' }))
  })

  it('calls onChange listeners after commit, not for changes that roll back', async () => {
    // Each call is recorded at once; what the listener then reads of the database, once the read is done.
    const seen: { ids: number[]; statusInDb?: string }[] = []
    const reads: Promise<void>[] = []
    kb.onChange((ids) => {
      const call: (typeof seen)[number] = { ids }
      seen.push(call)
      reads.push((async () => { call.statusInDb = (await first(t.app.services.db.select().from(entries).where(eq(entries.id, ids[0]))))?.status })())
    })
    const doc = await kb.createDocument({ title: '稳就业十条', issuer: '区政府', docNumber: 'N-1' }, admin)
    await kb.createDocument({ title: '另一份', issuer: '区政府', docNumber: 'N-2' }, admin)
    const entry = await lib.entry({ policyDocumentIds: [doc.id] })
    await lib.publish(entry.id)
    await Promise.all(reads)
    expect(seen).toEqual([{ ids: [entry.id], statusInDb: 'published' }])

    seen.length = 0
    await expect(kb.updateDocument(doc.id, { validity: 'expired', docNumber: 'N-2' }, admin)).rejects.toThrow(expect.objectContaining({ code: 'KB_DOCUMENT_NUMBER_TAKEN' }))
    expect(seen).toEqual([])
    expect((await kb.getDocument(doc.id)).validity).toBe('in_force')
    await kb.updateDocument(doc.id, { validity: 'expired' }, admin)
    await Promise.all(reads)
    expect(seen).toEqual([{ ids: [entry.id], statusInDb: 'published' }])
  })

  it('defers onChange until the caller\'s own transaction has committed', async () => {
    const entry = await lib.entry()
    await lib.publish(entry.id)
    const calls: number[][] = []
    kb.onChange((ids) => calls.push(ids))
    await t.app.services.db.transaction(async () => {
      await kb.archiveEntry(entry.id, undefined, admin)
      expect(calls).toEqual([])
    })
    expect(calls).toEqual([[entry.id]])
  })

  it('announces nothing when the caller\'s transaction, or a savepoint around the change, rolls back', async () => {
    const entry = await lib.entry()
    await lib.publish(entry.id)
    const calls: number[][] = []
    kb.onChange((ids) => calls.push(ids))
    const { db } = t.app.services
    await expect(db.transaction(async () => {
      await kb.archiveEntry(entry.id, undefined, admin)
      throw new Error('the caller fails after the change')
    })).rejects.toThrow('the caller fails')
    expect(calls).toEqual([])
    expect((await kb.getEntry(entry.id, admin)).status).toBe('published')

    await db.transaction(async (tx) => {
      try {
        await tx.transaction(async () => {
          await kb.archiveEntry(entry.id, undefined, admin)
          throw new Error('a nested step fails')
        })
      } catch { /* the outer transaction goes on and commits */ }
    })
    expect(calls).toEqual([])
    expect((await kb.getEntry(entry.id, admin)).status).toBe('published')

    // The search index, which listens, still serves the entry.
    expect((await t.app.services.search.match({ question: (await kb.getEntry(entry.id, admin)).question })).candidates[0]?.entryId).toBe(entry.id)
  })

  it('announces a change made after an await on that change\'s own commit, not on the earlier transaction\'s', async () => {
    const entry = await lib.entry()
    await lib.publish(entry.id)
    const calls: number[][] = []
    kb.onChange((ids) => calls.push(ids))
    let later: Promise<void> | undefined
    // The change starts in the transaction's async context but only once it has returned: on
    // PostgreSQL the empty transaction's commit is a round trip, and a change started on the next
    // tick could finish first under load.
    let outerReturned!: () => void
    const returned = new Promise<void>((resolve) => { outerReturned = resolve })
    await t.app.services.db.transaction(async () => {
      later = (async () => {
        await returned
        await new Promise((resolve) => setImmediate(resolve))
        await kb.archiveEntry(entry.id, undefined, admin)
        expect(calls).toEqual([[entry.id]])
      })()
    })
    expect(calls).toEqual([])
    outerReturned()
    await later
    expect(calls).toEqual([[entry.id]])
  })

  it('servedEntries gives the search index the published content with its policy and in-force flag', async () => {
    const expired = await kb.createDocument({ title: '旧办法', issuer: '区政府', docNumber: 'OLD', validity: 'expired' }, admin)
    const current = await kb.createDocument({ title: '新办法', issuer: '区政府', docNumber: 'NEW' }, admin)
    const served = await lib.entry({ policyDocumentIds: [expired.id, current.id], externalId: 'S-1' })
    await lib.publish(served.id)
    await t.call({ method: 'PATCH', url: `/api/v1/entries/${served.id}`, payload: { answer: '尚未发布的新口径' } })
    const draft = await lib.entry({ question: '草稿不服务' })
    const archived = await lib.entry({ question: '归档不服务' })
    await lib.publish(archived.id)
    await kb.archiveEntry(archived.id, undefined, admin)

    const all = await kb.servedEntries()
    expect(all.map((e) => e.entryId)).toEqual([served.id])
    expect(all[0]).toMatchObject({
      externalId: 'S-1', answer: expect.stringContaining('5000 元'), inForce: true, unit: { code: 'rsj' }, topic: { code: 'employment' },
      policy: { title: '新办法', docNumber: 'NEW', validity: 'in_force' },
    })
    expect(await kb.servedEntries([draft.id, archived.id])).toEqual([])
    await kb.updateDocument(current.id, { validity: 'repealed' }, admin)
    expect((await kb.servedEntries([served.id]))[0]).toMatchObject({ inForce: false, policy: { title: '旧办法', validity: 'expired' } })
  })
})
