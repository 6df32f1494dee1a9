// Fixtures shared by the consultation and ticket tests (not a test file itself).
import { eq } from 'drizzle-orm'
import type { DomainEvent } from '../common/events.ts'
import { entries, entryVersionDocuments, entryVersions, policyDocuments } from '../kb/kb.table.ts'
import { createTestApp, type TestApp } from '../../test/app.testkit.ts'
import type { Config } from '../config.ts'
import type { Role } from '../auth/auth.table.ts'

export interface Kit extends TestApp {
  events: DomainEvent[]
  tokens: { agent: string; agent2: string; zwb: string; rsj: string; ybj: string; integration: string; integration2: string }
  /** POST /consultations as the given token (the first agent by default). */
  submit(payload: Record<string, unknown>, token?: string): Promise<{ status: number; body: any }>
  /** A published entry, indexed by the matcher. */
  publishEntry(e: { unitCode: string; question: string; answer: string; topicCode?: string; similarQuestions?: string[]; repealed?: boolean }): Promise<number>
  /** A small library of five published entries (three units), so the matcher has something to tell apart. */
  library(): Promise<Record<keyof typeof LIBRARY, number>>
  policyDocument(unitCode: string, title: string): number
  act(id: number, action: string, payload: Record<string, unknown>, token?: string): Promise<{ status: number; body: any }>
  ticket(id: number, token?: string): Promise<{ status: number; body: any }>
}

export const LIBRARY = {
  pension: { unitCode: 'rsj', topicCode: 'employment', question: '灵活就业人员怎么缴纳职工养老保险？', answer: '灵活就业人员可持身份证到区社保经办窗口或通过重庆人社 App 办理参保登记，按月或按季缴费。' },
  unemployment: { unitCode: 'rsj', topicCode: 'employment', question: '失业保险金怎么申领？', answer: '失业人员可在重庆人社 App 或就业服务窗口申领失业保险金，需提供身份证和解除劳动合同证明。' },
  startup: { unitCode: 'rsj', topicCode: 'employment', question: '个体工商户的一次性创业补贴怎么申请？', answer: '取得营业执照后一年内向区就业服务中心申请，携带身份证和营业执照。' },
  remote: { unitCode: 'ybj', topicCode: 'medical', question: '异地就医怎么办理备案？', answer: '参保人可通过国家医保服务平台 App 或医保经办窗口办理异地就医备案。' },
  transfer: { unitCode: 'jw', question: '孩子转学需要办理哪些手续？', answer: '由转入学校同意接收后，在学籍系统中办理转学手续。' },
} as const

export const UNITS = [
  { code: 'zwb', name: '区政府办公室' },
  { code: 'rsj', name: '区人力社保局' },
  { code: 'ybj', name: '区医保局' },
  { code: 'jw', name: '区教委' },
]

/** A test app with the dispatcher and three drafting units, two topics and a token per role. */
export async function createKit(overrides: Partial<Config> = {}, opts: { withDispatcher?: boolean } = {}): Promise<Kit> {
  const t = await createTestApp(overrides)
  // Fixtures go straight through the services: faster than HTTP, and the routes are not what is tested here.
  const { units, auth } = t.app.services
  for (const u of UNITS) if (u.code !== 'zwb' || opts.withDispatcher !== false) units.createUnit(u)
  units.createTopic({ code: 'employment', name: '就业创业', required: true, defaultUnitCode: 'rsj' })
  units.createTopic({ code: 'medical', name: '医疗', required: true, defaultUnitCode: 'ybj' })
  const token = (role: Role, name: string, unitCode?: string) => auth.createToken({ role, name, ...(unitCode ? { unitCode } : {}) }).token
  const tokens = {
    agent: token('agent', '坐席甲'),
    agent2: token('agent', '坐席乙'),
    zwb: opts.withDispatcher === false ? '' : token('unit', '区政府办公室派单员', 'zwb'),
    rsj: token('unit', '人社局政策解读专员', 'rsj'),
    ybj: token('unit', '医保局政策解读专员', 'ybj'),
    integration: token('integration', '网站公开信箱'),
    integration2: token('integration', '另一接入系统'),
  }
  const events: DomainEvent[] = []
  t.app.services.events.on((_tx, e) => { events.push(e) })
  const db = t.app.services.db
  const unitId = (code: string) => t.app.services.units.requireUnit(code).id

  const kit: Kit = {
    ...t,
    events,
    tokens,
    async submit(payload, token = tokens.agent) {
      const res = await t.call({ method: 'POST', url: '/api/v1/consultations', payload, token })
      return { status: res.statusCode, body: res.json() }
    },
    async publishEntry(e) {
      const topicId = e.topicCode ? t.app.services.units.requireTopic(e.topicCode).id : null
      const entry = db.insert(entries).values({ unitId: unitId(e.unitCode), topicId, status: 'published', publishedAt: new Date().toISOString() }).returning().get()
      const version = db.insert(entryVersions).values({
        entryId: entry.id, version: 1, question: e.question, answer: e.answer, similarQuestions: e.similarQuestions ?? [],
        topicId, state: 'published', publishedAt: new Date().toISOString(),
      }).returning().get()
      db.update(entries).set({ publishedVersionId: version.id }).where(eq(entries.id, entry.id)).run()
      if (e.repealed) {
        const doc = db.insert(policyDocuments).values({ title: '已废止的旧办法', issuer: '区政府', validity: 'repealed' }).returning().get()
        db.insert(entryVersionDocuments).values({ entryVersionId: version.id, policyDocumentId: doc.id }).run()
      }
      await t.app.services.search.rebuild()
      return entry.id
    },
    async library() {
      const ids = {} as Record<keyof typeof LIBRARY, number>
      for (const [key, e] of Object.entries(LIBRARY)) ids[key as keyof typeof LIBRARY] = await kit.publishEntry(e)
      return ids
    },
    policyDocument(unitCode, title) {
      return db.insert(policyDocuments).values({ title, issuer: UNITS.find((u) => u.code === unitCode)!.name, unitId: unitId(unitCode) }).returning().get().id
    },
    async act(id, action, payload, token) {
      const res = await t.call({ method: 'POST', url: `/api/v1/tickets/${id}/${action}`, payload, token: token ?? undefined })
      return { status: res.statusCode, body: res.json() }
    },
    async ticket(id, token) {
      const res = await t.call({ method: 'GET', url: `/api/v1/tickets/${id}`, token: token ?? undefined })
      return { status: res.statusCode, body: res.json() }
    },
  }
  return kit
}
