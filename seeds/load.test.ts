import { createHash } from 'node:crypto'
import { sql as rawSql } from 'drizzle-orm'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../test/app.testkit.ts'
import type { Db } from '../src/db/client.ts'
import { isDatabaseEmpty, loadDemoData } from './load.ts'
import { checkDemoData, PLACEHOLDER_PATTERN, readDemoData, type DemoData } from './data.ts'

/** The tables the demo data writes, each with its primary key. */
const SEEDED_TABLES = {
  units: 'id', topics: 'id', policy_documents: 'id', interpretations: 'id',
  entries: 'id', entry_versions: 'id', entry_version_documents: 'entry_version_id, policy_document_id', review_actions: 'id',
} as const

/** Every row of every table the demo data writes, hashed: any change at all shows. */
async function contentHash(db: Db): Promise<string> {
  const hash = createHash('sha256')
  for (const [table, key] of Object.entries(SEEDED_TABLES)) hash.update(JSON.stringify(await rows(db, `SELECT * FROM ${table} ORDER BY ${key}`)))
  return hash.digest('hex')
}

const rows = <T>(db: Db, sql: string) => db.all<T>(rawSql.raw(sql))
const scalar = async (db: Db, sql: string) => Object.values((await rows<Record<string, number>>(db, sql))[0]!)[0]
const run = async (db: Db, sql: string) => { await db.run(rawSql.raw(sql)) }

describe('demo data of 渝兴区, loaded once', () => {
  let t: TestApp
  let db: Db
  beforeAll(async () => {
    t = await createTestApp()
    db = t.app.services.db
    expect(await isDatabaseEmpty(db)).toBe(true)
    await loadDemoData(t.app.services)
  })
  afterAll(async () => { await t.close() })

  it('no longer counts as an empty database', async () => {
    expect(await isDatabaseEmpty(db)).toBe(false)
  })

  it('publishes at least 150 entries, each served by a published version 1', async () => {
    const served = await scalar(db, `
      SELECT count(*) FROM entries e JOIN entry_versions v ON v.id = e.published_version_id
      WHERE e.status = 'published' AND v.state = 'published' AND v.version = 1 AND v.entry_id = e.id`)
    expect(served).toBeGreaterThanOrEqual(150)
    expect(served).toBe(await scalar(db, 'SELECT count(*) FROM entries'))
  })

  it('covers every required area with at least 12 published entries', async () => {
    const coverage = await rows<{ code: string; n: number }>(db, `
      SELECT t.code, count(e.id) AS n FROM topics t LEFT JOIN entries e ON e.topic_id = t.id AND e.status = 'published'
      WHERE t.required = true GROUP BY t.code ORDER BY t.code`)
    expect(coverage.map((c) => c.code)).toEqual(
      ['assistance', 'birth', 'education', 'elderly', 'employment', 'epidemic', 'investment', 'medical', 'tax'])
    for (const c of coverage) expect(c.n, c.code).toBeGreaterThanOrEqual(12)
  })

  it('gives every entry an existing unit and topic, and every required topic a default unit', async () => {
    expect(await scalar(db, 'SELECT count(*) FROM entries e LEFT JOIN units u ON u.id = e.unit_id WHERE u.id IS NULL')).toBe(0)
    expect(await scalar(db, 'SELECT count(*) FROM entries e LEFT JOIN topics t ON t.id = e.topic_id WHERE t.id IS NULL')).toBe(0)
    expect(await scalar(db, 'SELECT count(*) FROM topics WHERE required = true AND default_unit_id IS NULL')).toBe(0)
  })

  it('includes the dispatcher office zwb and contacts for every unit', async () => {
    expect(await rows(db, "SELECT name FROM units WHERE code = 'zwb'")).toEqual([{ name: '区政府办公室' }])
    expect(await scalar(db, 'SELECT count(*) FROM units WHERE contact_name IS NULL OR contact_phone IS NULL')).toBe(0)
  })

  it('has expired and repealed documents, some entries resting only on them, and most entries on one in force', async () => {
    const byValidity = Object.fromEntries((await rows<{ validity: string; n: number }>(db,
      'SELECT validity, count(*) AS n FROM policy_documents GROUP BY validity')).map((r) => [r.validity, r.n]))
    expect(byValidity.expired).toBeGreaterThan(0)
    expect(byValidity.repealed).toBeGreaterThan(0)
    expect(await scalar(db, "SELECT count(*) FROM policy_documents WHERE validity <> 'in_force' AND validity_changed_at IS NULL")).toBe(0)
    const restsOnlyOnLapsed = await scalar(db, `
      SELECT count(*) FROM entries e WHERE EXISTS (SELECT 1 FROM entry_version_documents d WHERE d.entry_version_id = e.published_version_id)
      AND NOT EXISTS (SELECT 1 FROM entry_version_documents d JOIN policy_documents p ON p.id = d.policy_document_id
                      WHERE d.entry_version_id = e.published_version_id AND p.validity = 'in_force')`)
    expect(restsOnlyOnLapsed).toBeGreaterThanOrEqual(3)
    expect(restsOnlyOnLapsed).toBeLessThanOrEqual(10)
  })

  it('attaches interpretations to documents and media to some entries', async () => {
    expect(await scalar(db, 'SELECT count(*) FROM interpretations')).toBeGreaterThanOrEqual(20)
    const media = await rows<{ media: string }>(db, 'SELECT media FROM entry_versions')
    const kinds = new Set(media.flatMap((v) => (JSON.parse(v.media) as { kind: string }[]).map((m) => m.kind)))
    expect([...kinds].sort()).toEqual(['animation', 'image', 'video'])
  })

  it('stores no placeholder text in any seeded column', async () => {
    const texts = await rows<{ s: string }>(db, `
      SELECT question || similar_questions || answer || keywords || media AS s FROM entry_versions
      UNION ALL SELECT title || coalesce(doc_number, '') || issuer || coalesce(url, '') FROM policy_documents
      UNION ALL SELECT title || coalesce(url, '') FROM interpretations
      UNION ALL SELECT name || coalesce(contact_name, '') FROM units
      UNION ALL SELECT name FROM topics`)
    expect(texts.length).toBeGreaterThan(250)
    expect(texts.filter((r) => PLACEHOLDER_PATTERN.test(r.s))).toEqual([])
  })

  it('keeps answers between 60 and 300 characters with 2 to 5 similar questions', async () => {
    for (const v of await rows<{ answer: string; similar_questions: string }>(db, 'SELECT answer, similar_questions FROM entry_versions')) {
      expect([...v.answer].length).toBeGreaterThanOrEqual(60)
      expect([...v.answer].length).toBeLessThanOrEqual(300)
      expect(JSON.parse(v.similar_questions).length).toBeGreaterThanOrEqual(2)
      expect(JSON.parse(v.similar_questions).length).toBeLessThanOrEqual(5)
    }
  })

  it('is readable through the units and topics API', async () => {
    const topics = (await t.call({ method: 'GET', url: '/api/v1/topics?required=true' })).json().items
    expect(topics).toHaveLength(9)
    expect(topics.find((x: { code: string }) => x.code === 'medical')).toMatchObject({ name: '医疗', defaultUnit: { code: 'ybj' } })
    const units = (await t.call({ method: 'GET', url: '/api/v1/units?pageSize=100' })).json()
    expect(units.total).toBe(readDemoData().units.length)
  })
})

describe('loading the demo data again', () => {
  let t: TestApp
  beforeEach(async () => { t = await createTestApp() })
  afterEach(async () => { await t.close() })

  it('changes nothing the second time', async () => {
    const first = await loadDemoData(t.app.services)
    const before = await contentHash(t.app.services.db)
    const second = await loadDemoData(t.app.services)
    expect(await contentHash(t.app.services.db)).toBe(before)
    expect(second.inserted).toEqual({ units: 0, topics: 0, documents: 0, interpretations: 0, entries: 0 })
    expect(second.alreadyPresent).toEqual(first.inserted)
  })

  it('leaves alone what an administrator has since changed, and adds only what is missing', async () => {
    const db = t.app.services.db
    await loadDemoData(t.app.services)
    await run(db, "UPDATE units SET contact_name = '李明' WHERE code = 'rsj'")
    await run(db, "UPDATE policy_documents SET validity = 'repealed' WHERE doc_number = '渝兴人社发〔2024〕11号'")
    await run(db, "DELETE FROM entries WHERE external_id = 'demo-0001'")
    const summary = await loadDemoData(t.app.services)
    expect(summary.inserted).toEqual({ units: 0, topics: 0, documents: 0, interpretations: 0, entries: 1 })
    expect(await rows(db, "SELECT contact_name FROM units WHERE code = 'rsj'")).toEqual([{ contact_name: '李明' }])
    expect(await rows(db, "SELECT validity FROM policy_documents WHERE doc_number = '渝兴人社发〔2024〕11号'")).toEqual([{ validity: 'repealed' }])
  })

  it('refuses inconsistent data and writes nothing', async () => {
    const data = readDemoData()
    const broken: DemoData = { ...data, entries: [...data.entries, { ...data.entries[0]!, externalId: 'demo-9999', question: '育儿补贴发放到哪张卡上？', similarQuestions: ['补贴打到哪张卡', '育儿补贴发到哪个账户'], unitCode: 'nope' }] }
    await expect(loadDemoData(t.app.services, broken)).rejects.toThrow(/单位不存在：nope/)
    expect(await isDatabaseEmpty(t.app.services.db)).toBe(true)
  })
})

describe('checkDemoData', () => {
  it('passes the shipped demo data', () => {
    expect(checkDemoData(readDemoData())).toEqual([])
  })

  it('names dangling references, bad lengths, duplicates and filler text', () => {
    const data = readDemoData()
    const [first, second] = data.entries
    const problems = checkDemoData({
      ...data,
      entries: [
        { ...first!, documents: ['渝兴虚发〔2020〕1号'], answer: '请咨询相关部门。' },
        { ...second!, externalId: first!.externalId, topic: 'weather', similarQuestions: ['TODO'] },
        ...data.entries.slice(2),
      ],
    })
    expect(problems).toEqual(expect.arrayContaining([
      `条目外部编号重复：${first!.externalId}`,
      `条目 ${first!.externalId} 引用的政策文件不存在：渝兴虚发〔2020〕1号`,
      `条目 ${first!.externalId} 的答复口径长度为 8 字，应在 60–300 字之间`,
      `条目 ${first!.externalId} 的领域不存在：weather`,
      `条目 ${first!.externalId} 有 1 个相似问，应为 2–5 个`,
      `entries.${first!.externalId} 含占位文字：TODO`,
    ]))
  })
})
