// Test helpers: published entries written straight into the kb tables, as the kb module would leave them.
import { eq } from 'drizzle-orm'
import type { Db } from '../db/client.ts'
import { entries, entryVersionDocuments, entryVersions, policyDocuments, type Validity } from '../kb/kb.table.ts'
import { topics, units } from '../units/units.table.ts'

export interface FixtureEntry {
  question: string
  answer?: string
  similarQuestions?: string[]
  keywords?: string[]
  topicCode?: string
  unitCode?: string
  externalId?: string
  documents?: { title: string; docNumber?: string; validity?: Validity }[]
  status?: 'published' | 'draft' | 'archived'
}

function unitId(db: Db, code: string) {
  const row = db.select().from(units).where(eq(units.code, code)).get()
  return (row ?? db.insert(units).values({ code, name: `单位${code}` }).returning().get()).id
}

function topicId(db: Db, code: string) {
  const names: Record<string, string> = { birth: '生育', medical: '医疗', employment: '就业创业', pension: '养老', housing: '住房' }
  const row = db.select().from(topics).where(eq(topics.code, code)).get()
  return (row ?? db.insert(topics).values({ code, name: names[code] ?? code }).returning().get()).id
}

/** Inserts an entry with one version; published unless told otherwise. Returns the entry id. */
export function insertEntry(db: Db, e: FixtureEntry): number {
  const status = e.status ?? 'published'
  return db.transaction((tx) => {
    const uid = unitId(db, e.unitCode ?? 'rsj')
    const tid = e.topicCode ? topicId(db, e.topicCode) : null
    const entry = tx.insert(entries).values({ externalId: e.externalId ?? null, unitId: uid, topicId: tid, status }).returning().get()
    const version = tx.insert(entryVersions).values({
      entryId: entry.id, version: 1, question: e.question, similarQuestions: e.similarQuestions ?? [], keywords: e.keywords ?? [],
      answer: e.answer ?? `${e.question}的答复口径。`, topicId: tid, state: status === 'published' ? 'published' : 'draft',
    }).returning().get()
    for (const d of e.documents ?? []) {
      const doc = tx.insert(policyDocuments).values({ title: d.title, docNumber: d.docNumber ?? null, issuer: '区人民政府', validity: d.validity ?? 'in_force' }).returning().get()
      tx.insert(entryVersionDocuments).values({ entryVersionId: version.id, policyDocumentId: doc.id }).run()
    }
    if (status === 'published') tx.update(entries).set({ publishedVersionId: version.id, publishedAt: new Date().toISOString() }).where(eq(entries.id, entry.id)).run()
    return entry.id
  })
}

/** Publishes a new version of an entry's content, as the kb module does on approval. */
export function publishNewVersion(db: Db, entryId: number, patch: { question?: string; similarQuestions?: string[]; answer?: string }) {
  const current = db.select().from(entryVersions).where(eq(entryVersions.entryId, entryId)).all().sort((a, b) => b.version - a.version)[0]
  db.transaction((tx) => {
    tx.update(entryVersions).set({ state: 'superseded' }).where(eq(entryVersions.id, current.id)).run()
    const v = tx.insert(entryVersions).values({
      entryId, version: current.version + 1, question: patch.question ?? current.question, similarQuestions: patch.similarQuestions ?? current.similarQuestions,
      keywords: current.keywords, answer: patch.answer ?? current.answer, topicId: current.topicId, state: 'published',
    }).returning().get()
    tx.update(entries).set({ publishedVersionId: v.id, latestVersion: v.version, status: 'published' }).where(eq(entries.id, entryId)).run()
  })
}

export function archiveEntry(db: Db, entryId: number) {
  db.update(entries).set({ status: 'archived', archivedAt: new Date().toISOString() }).where(eq(entries.id, entryId)).run()
}

export function setDocumentValidity(db: Db, title: string, validity: Validity) {
  db.update(policyDocuments).set({ validity, validityChangedAt: new Date().toISOString() }).where(eq(policyDocuments.title, title)).run()
}

/** A small library of policy questions used across the search tests. */
export const POLICY_LIBRARY: FixtureEntry[] = [
  { question: '城乡居民医保怎么缴费？', similarQuestions: ['居民医疗保险在哪里交钱', '城乡居民基本医疗保险缴费方式'], answer: '城乡居民医保可通过税务APP、银行网点或社区代收点缴费。', topicCode: 'medical', unitCode: 'ybj', externalId: 'kb-001', documents: [{ title: '城乡居民基本医疗保险实施办法', docNumber: '渝府发〔2021〕5号' }] },
  { question: '生育津贴怎么申领？', similarQuestions: ['产假工资找谁领'], answer: '用人单位为职工缴纳生育保险的，由单位向医保经办机构申领生育津贴。', topicCode: 'birth', unitCode: 'ybj', externalId: 'kb-002' },
  { question: '住房公积金怎么提取？', similarQuestions: ['公积金提取需要什么材料'], answer: '购房、租房、退休等情形可以提取住房公积金，需提供身份证和相关证明。', topicCode: 'housing', unitCode: 'gjj', externalId: 'kb-003' },
  { question: '灵活就业人员怎么参加养老保险？', answer: '灵活就业人员可以个人身份在户籍地或居住地参加企业职工基本养老保险。', topicCode: 'pension', unitCode: 'rsj', externalId: 'kb-004' },
  { question: '一次性创业补贴申请条件是什么？', answer: '首次创办小微企业或从事个体经营，正常经营一年以上的，可申请一次性创业补贴。', topicCode: 'employment', unitCode: 'rsj', externalId: 'kb-005' },
  { question: '退休后养老金什么时候发放？', answer: '养老金按月发放，每月15日前打入社会保障卡。', topicCode: 'pension', unitCode: 'rsj', externalId: 'kb-006' },
  { question: '失业保险金怎么领取？', answer: '失业人员办理失业登记后，可在线申领失业保险金。', topicCode: 'employment', unitCode: 'rsj', externalId: 'kb-007' },
  { question: '新生儿怎么办理出生医学证明？', answer: '在分娩医院的出生医学证明办理窗口凭父母身份证办理。', topicCode: 'birth', unitCode: 'wjw', externalId: 'kb-008' },
]
