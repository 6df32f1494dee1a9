import { createHash } from 'node:crypto'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../test/app.testkit.ts'
import type { Db } from '../src/db/client.ts'
import { isDatabaseEmpty, loadDemoData } from './load.ts'
import { checkDemoData, PLACEHOLDER_PATTERN, readDemoData, type DemoData } from './data.ts'

const SEEDED_TABLES = [
  'units', 'topics', 'policy_documents', 'interpretations',
  'entries', 'entry_versions', 'entry_version_documents', 'review_actions',
] as const

/** Every row of every table the demo data writes, hashed: any change at all shows. */
function contentHash(db: Db): string {
  const hash = createHash('sha256')
  for (const table of SEEDED_TABLES) hash.update(JSON.stringify(db.$client.prepare(`SELECT * FROM ${table} ORDER BY rowid`).all()))
  return hash.digest('hex')
}

const rows = <T>(db: Db, sql: string) => db.$client.prepare(sql).all() as T[]
const scalar = (db: Db, sql: string) => Object.values(db.$client.prepare(sql).get() as Record<string, number>)[0]

describe('demo data of 渝兴区, loaded once', () => {
  let t: TestApp
  let db: Db
  beforeAll(async () => {
    t = await createTestApp()
    db = t.app.services.db
    expect(isDatabaseEmpty(db)).toBe(true)
    loadDemoData(t.app.services)
  })
  afterAll(async () => { await t.close() })

  it('no longer counts as an empty database', () => {
    expect(isDatabaseEmpty(db)).toBe(false)
  })

  it('publishes at least 150 entries, each served by a published version 1', () => {
    const served = scalar(db, `
      SELECT count(*) FROM entries e JOIN entry_versions v ON v.id = e.published_version_id
      WHERE e.status = 'published' AND v.state = 'published' AND v.version = 1 AND v.entry_id = e.id`)
    expect(served).toBeGreaterThanOrEqual(150)
    expect(served).toBe(scalar(db, 'SELECT count(*) FROM entries'))
  })

  it('covers every required area with at least 12 published entries', () => {
    const coverage = rows<{ code: string; n: number }>(db, `
      SELECT t.code, count(e.id) AS n FROM topics t LEFT JOIN entries e ON e.topic_id = t.id AND e.status = 'published'
      WHERE t.required = 1 GROUP BY t.code ORDER BY t.code`)
    expect(coverage.map((c) => c.code)).toEqual(
      ['assistance', 'birth', 'education', 'elderly', 'employment', 'epidemic', 'investment', 'medical', 'tax'])
    for (const c of coverage) expect(c.n, c.code).toBeGreaterThanOrEqual(12)
  })

  it('gives every entry an existing unit and topic, and every required topic a default unit', () => {
    expect(scalar(db, 'SELECT count(*) FROM entries e LEFT JOIN units u ON u.id = e.unit_id WHERE u.id IS NULL')).toBe(0)
    expect(scalar(db, 'SELECT count(*) FROM entries e LEFT JOIN topics t ON t.id = e.topic_id WHERE t.id IS NULL')).toBe(0)
    expect(scalar(db, 'SELECT count(*) FROM topics WHERE required = 1 AND default_unit_id IS NULL')).toBe(0)
  })

  it('includes the dispatcher office zwb and contacts for every unit', () => {
    expect(rows(db, "SELECT name FROM units WHERE code = 'zwb'")).toEqual([{ name: '区政府办公室' }])
    expect(scalar(db, 'SELECT count(*) FROM units WHERE contact_name IS NULL OR contact_phone IS NULL')).toBe(0)
  })

  it('has expired and repealed documents, some entries resting only on them, and most entries on one in force', () => {
    const byValidity = Object.fromEntries(rows<{ validity: string; n: number }>(db,
      'SELECT validity, count(*) AS n FROM policy_documents GROUP BY validity').map((r) => [r.validity, r.n]))
    expect(byValidity.expired).toBeGreaterThan(0)
    expect(byValidity.repealed).toBeGreaterThan(0)
    expect(scalar(db, "SELECT count(*) FROM policy_documents WHERE validity <> 'in_force' AND validity_changed_at IS NULL")).toBe(0)
    const restsOnlyOnLapsed = scalar(db, `
      SELECT count(*) FROM entries e WHERE EXISTS (SELECT 1 FROM entry_version_documents d WHERE d.entry_version_id = e.published_version_id)
      AND NOT EXISTS (SELECT 1 FROM entry_version_documents d JOIN policy_documents p ON p.id = d.policy_document_id
                      WHERE d.entry_version_id = e.published_version_id AND p.validity = 'in_force')`)
    expect(restsOnlyOnLapsed).toBeGreaterThanOrEqual(3)
    expect(restsOnlyOnLapsed).toBeLessThanOrEqual(10)
  })

  it('attaches interpretations to documents and media to some entries', () => {
    expect(scalar(db, 'SELECT count(*) FROM interpretations')).toBeGreaterThanOrEqual(20)
    const kinds = rows<{ kind: string }>(db, "SELECT DISTINCT j.value ->> 'kind' AS kind FROM entry_versions, json_each(media) j ORDER BY kind")
    expect(kinds.map((k) => k.kind)).toEqual(['animation', 'image', 'video'])
  })

  it('stores no placeholder text in any seeded column', () => {
    const texts = rows<{ s: string }>(db, `
      SELECT question || similar_questions || answer || keywords || media AS s FROM entry_versions
      UNION ALL SELECT title || coalesce(doc_number, '') || issuer || coalesce(url, '') FROM policy_documents
      UNION ALL SELECT title || coalesce(url, '') FROM interpretations
      UNION ALL SELECT name || coalesce(contact_name, '') FROM units
      UNION ALL SELECT name FROM topics`)
    expect(texts.length).toBeGreaterThan(250)
    expect(texts.filter((r) => PLACEHOLDER_PATTERN.test(r.s))).toEqual([])
  })

  it('keeps answers between 60 and 300 characters with 2 to 5 similar questions', () => {
    for (const v of rows<{ answer: string; similar_questions: string }>(db, 'SELECT answer, similar_questions FROM entry_versions')) {
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

  it('changes nothing the second time', () => {
    const first = loadDemoData(t.app.services)
    const before = contentHash(t.app.services.db)
    const second = loadDemoData(t.app.services)
    expect(contentHash(t.app.services.db)).toBe(before)
    expect(second.inserted).toEqual({ units: 0, topics: 0, documents: 0, interpretations: 0, entries: 0 })
    expect(second.alreadyPresent).toEqual(first.inserted)
  })

  it('leaves alone what an administrator has since changed, and adds only what is missing', () => {
    const db = t.app.services.db
    loadDemoData(t.app.services)
    db.$client.prepare("UPDATE units SET contact_name = '李明' WHERE code = 'rsj'").run()
    db.$client.prepare("UPDATE policy_documents SET validity = 'repealed' WHERE doc_number = '渝兴人社发〔2024〕11号'").run()
    db.$client.prepare("DELETE FROM entries WHERE external_id = 'demo-0001'").run()
    const summary = loadDemoData(t.app.services)
    expect(summary.inserted).toEqual({ units: 0, topics: 0, documents: 0, interpretations: 0, entries: 1 })
    expect(rows(db, "SELECT contact_name FROM units WHERE code = 'rsj'")).toEqual([{ contact_name: '李明' }])
    expect(rows(db, "SELECT validity FROM policy_documents WHERE doc_number = '渝兴人社发〔2024〕11号'")).toEqual([{ validity: 'repealed' }])
  })

  it('refuses inconsistent data and writes nothing', () => {
    const data = readDemoData()
    const broken: DemoData = { ...data, entries: [...data.entries, { ...data.entries[0]!, externalId: 'demo-9999', question: '育儿补贴发放到哪张卡上？', similarQuestions: ['补贴打到哪张卡', '育儿补贴发到哪个账户'], unitCode: 'nope' }] }
    expect(() => loadDemoData(t.app.services, broken)).toThrow(/单位不存在：nope/)
    expect(isDatabaseEmpty(t.app.services.db)).toBe(true)
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
