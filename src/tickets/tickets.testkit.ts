// Fixtures shared by the consultation and ticket tests (not a test file itself).
import type { DomainEvent } from '../common/events.ts'
import type { Actor } from '../auth/auth.service.ts'
import { ADMIN_TOKEN, createTestApp, type TestApp } from '../../test/app.testkit.ts'
import type { Config } from '../config.ts'
import type { Role } from '../auth/auth.types.ts'

export interface Kit extends TestApp {
  events: DomainEvent[]
  /** The bootstrap administrator, for calling services directly. */
  admin: Actor
  tokens: { agent: string; agent2: string; zwb: string; rsj: string; ybj: string; integration: string; integration2: string }
  /** POST /consultations as the given token (the first agent by default). */
  submit(payload: Record<string, unknown>, token?: string): Promise<{ status: number; body: any }>
  /** A published entry, indexed by the matcher. */
  publishEntry(e: { unitCode: string; question: string; answer: string; topicCode?: string; similarQuestions?: string[]; repealed?: boolean }): Promise<number>
  /** A small library of five published entries (three units), so the matcher has something to tell apart. */
  library(): Promise<Record<keyof typeof LIBRARY, number>>
  policyDocument(unitCode: string, title: string): Promise<number>
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
  for (const u of UNITS) if (u.code !== 'zwb' || opts.withDispatcher !== false) await units.createUnit(u)
  await units.createTopic({ code: 'employment', name: '就业创业', required: true, defaultUnitCode: 'rsj' })
  await units.createTopic({ code: 'medical', name: '医疗', required: true, defaultUnitCode: 'ybj' })
  const token = async (role: Role, name: string, unitCode?: string) => (await auth.createToken({ role, name, ...(unitCode ? { unitCode } : {}) })).token
  const tokens = {
    agent: await token('agent', '坐席甲'),
    agent2: await token('agent', '坐席乙'),
    zwb: opts.withDispatcher === false ? '' : await token('unit', '区政府办公室派单员', 'zwb'),
    rsj: await token('unit', '人社局政策解读专员', 'rsj'),
    ybj: await token('unit', '医保局政策解读专员', 'ybj'),
    integration: await token('integration', '网站公开信箱'),
    integration2: await token('integration', '另一接入系统'),
  }
  const events: DomainEvent[] = []
  t.app.services.events.on((_tx, e) => { events.push(e) })
  const admin = await auth.authenticate(ADMIN_TOKEN)

  const kit: Kit = {
    ...t,
    events,
    admin,
    tokens,
    async submit(payload, token = tokens.agent) {
      const res = await t.call({ method: 'POST', url: '/api/v1/consultations', payload, token })
      return { status: res.statusCode, body: res.json() }
    },
    // Published the way an administrator migrating a library does (a published bulk import); an
    // entry on a repealed document was published while the document was in force.
    async publishEntry(e) {
      const { kb } = t.app.services
      const doc = e.repealed ? (await kb.createDocument({ title: '已废止的旧办法', issuer: '区政府' }, admin)).id : undefined
      const { entryIds: [id] } = await kb.importEntries({
        entries: [{
          unitCode: e.unitCode, topic: e.topicCode ?? null, question: e.question, answer: e.answer, similarQuestions: e.similarQuestions ?? [],
          policyDocumentIds: doc ? [doc] : [], status: 'published',
        }],
      }, admin)
      if (doc) await kb.updateDocument(doc, { validity: 'repealed' }, admin)
      await t.app.services.search.rebuild()
      return id
    },
    async library() {
      const ids = {} as Record<keyof typeof LIBRARY, number>
      for (const [key, e] of Object.entries(LIBRARY)) ids[key as keyof typeof LIBRARY] = await kit.publishEntry(e)
      return ids
    },
    async policyDocument(unitCode, title) {
      return (await t.app.services.kb.createDocument({ title, issuer: UNITS.find((u) => u.code === unitCode)!.name, unitCode }, admin)).id
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
