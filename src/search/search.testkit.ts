// Test helpers: a library built through the kb and units services, as an administrator builds one
// (a published import, review to publish a new version, archiving, a document repealed).
import { ADMIN_TOKEN } from '../../test/app.testkit.ts'
import type { Services } from '../services.ts'
import type { Validity } from '../kb/kb.types.ts'

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

type Kb = Pick<Services, 'auth' | 'units' | 'kb'>

const TOPIC_NAMES: Record<string, string> = { birth: '生育', medical: '医疗', employment: '就业创业', pension: '养老', housing: '住房' }
const admin = (s: Kb) => s.auth.authenticate(ADMIN_TOKEN)

/** Publishes (or drafts) entries in one import, making the units and topics they name. Returns their ids. */
export async function insertEntries(s: Kb, list: readonly FixtureEntry[]): Promise<number[]> {
  const actor = await admin(s)
  for (const code of new Set(list.map((e) => e.unitCode ?? 'rsj'))) if (!await s.units.unitByCode(code)) await s.units.createUnit({ code, name: `单位${code}` })
  for (const code of new Set(list.flatMap((e) => (e.topicCode ? [e.topicCode] : [])))) {
    if (!await s.units.topicByCode(code)) await s.units.createTopic({ code, name: TOPIC_NAMES[code] ?? code })
  }
  // Documents are in force when an entry is published on them; the ones that lapse do so afterwards.
  const lapsing: { id: number; validity: Validity }[] = []
  const docIds: number[][] = []
  for (const e of list) {
    const ids: number[] = []
    for (const d of e.documents ?? []) {
      const id = (await s.kb.createDocument({ title: d.title, docNumber: d.docNumber ?? null, issuer: '区人民政府' }, actor)).id
      if (d.validity && d.validity !== 'in_force') lapsing.push({ id, validity: d.validity })
      ids.push(id)
    }
    docIds.push(ids)
  }
  const { entryIds } = await s.kb.importEntries({
    entries: list.map((e, i) => ({
      externalId: e.externalId ?? null, unitCode: e.unitCode ?? 'rsj', topic: e.topicCode ?? null,
      question: e.question, similarQuestions: e.similarQuestions ?? [], keywords: e.keywords ?? [], answer: e.answer ?? `${e.question}的答复口径。`,
      policyDocumentIds: docIds[i], status: e.status === 'draft' ? 'draft' as const : 'published' as const,
    })),
  }, actor)
  for (const [i, e] of list.entries()) if (e.status === 'archived') await s.kb.archiveEntry(entryIds[i], undefined, actor)
  for (const d of lapsing) await s.kb.updateDocument(d.id, { validity: d.validity }, actor)
  return entryIds
}

/** An entry with one version; published unless told otherwise. Returns the entry id. */
export const insertEntry = async (s: Kb, e: FixtureEntry): Promise<number> => (await insertEntries(s, [e]))[0]

/** Publishes a new version of an entry's content: revised, then approved at every review step. */
export async function publishNewVersion(s: Kb & Pick<Services, 'config'>, entryId: number, patch: { question?: string; similarQuestions?: string[]; answer?: string }) {
  const actor = await admin(s)
  await s.kb.updateEntry(entryId, patch, actor)
  await s.kb.submitEntry(entryId, {}, actor)
  for (let i = 0; i < s.config.reviewSteps.length; i++) await s.kb.approveEntry(entryId, {}, actor)
}

export async function archiveEntry(s: Kb, entryId: number) {
  await s.kb.archiveEntry(entryId, undefined, await admin(s))
}

export async function setDocumentValidity(s: Kb, title: string, validity: Validity) {
  const doc = (await s.kb.listDocuments({ q: title, page: 1, pageSize: 1 })).items[0]
  await s.kb.updateDocument(doc.id, { validity }, await admin(s))
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
