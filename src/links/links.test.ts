import http from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createAddressPolicy } from '../integrations/integrations.address.ts'
import { createLinkFetcher } from './links.fetch.ts'
import { createKit, type Kit } from '../tickets/tickets.testkit.ts'
import { linkCheckRuns } from './links.table.ts'

// The link checker against a loopback server: good, broken, redirecting, slow, HEAD-refusing and
// endless links. Never the internet.

let server: http.Server
let base = ''
const hits: string[] = []

beforeAll(async () => {
  server = http.createServer((req, res) => {
    hits.push(`${req.method} ${req.url}`)
    switch (req.url) {
      case '/good': return res.writeHead(200, { 'content-type': 'text/html' }).end('<html>政策原文</html>')
      case '/gone': return res.writeHead(404).end('not found')
      case '/moved': return res.writeHead(301, { location: '/good' }).end()
      case '/loop': return res.writeHead(302, { location: '/loop' }).end()
      case '/no-head': return req.method === 'HEAD' ? res.writeHead(405).end() : res.writeHead(200).end('ok')
      case '/slow': return void setTimeout(() => res.writeHead(200).end('late'), 2000)
      case '/huge': {
        // HEAD refused, and an endless body: only the size cap lets the GET finish before the timeout.
        if (req.method === 'HEAD') return res.writeHead(405).end()
        res.writeHead(200, { 'content-type': 'video/mp4' })
        const chunk = Buffer.alloc(64 * 1024, 1)
        const pump = () => { while (res.write(chunk)) { /* until the socket pushes back or is closed */ } }
        res.on('drain', pump)
        return pump()
      }
      case '/to-metadata': return res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' }).end()
      default: return res.writeHead(500).end()
    }
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`
})
afterAll(async () => {
  server.closeAllConnections()
  await new Promise((resolve) => server.close(resolve))
})

describe('one link check', () => {
  const fetcher = () => createLinkFetcher({ policy: createAddressPolicy(['127.0.0.1']), timeoutMs: 400, maxBytes: 16 * 1024 })

  it('finds a good link with HEAD alone', async () => {
    hits.length = 0
    expect(await fetcher().check(`${base}/good`)).toMatchObject({ state: 'ok', httpStatus: 200, method: 'HEAD', finalUrl: null })
    expect(hits).toEqual(['HEAD /good'])
  })

  it('tries GET when HEAD fails, and reports the status of a broken link', async () => {
    expect(await fetcher().check(`${base}/no-head`)).toMatchObject({ state: 'ok', method: 'GET', httpStatus: 200 })
    expect(await fetcher().check(`${base}/gone`)).toMatchObject({ state: 'broken', method: 'GET', httpStatus: 404, error: 'HTTP 404' })
  })

  it('follows a redirect and names where it ended; gives up on a redirect loop', async () => {
    expect(await fetcher().check(`${base}/moved`)).toMatchObject({ state: 'ok', finalUrl: `${base}/good` })
    expect(await fetcher().check(`${base}/loop`)).toMatchObject({ state: 'broken', error: '重定向超过 5 次' })
  })

  it('says in Chinese why a link could not be reached, the system code beside it', async () => {
    const closed = http.createServer()
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve))
    const { port } = closed.address() as { port: number }
    await new Promise((resolve) => closed.close(resolve)) // nothing listens there now: connection refused
    expect(await fetcher().check(`http://127.0.0.1:${port}/x`)).toMatchObject({ state: 'broken', error: '连接失败：对方服务器拒绝连接（对方服务未运行，或地址、端口有误）（ECONNREFUSED）' })
  })

  it('times out on a slow link', async () => {
    const r = await fetcher().check(`${base}/slow`)
    expect(r).toMatchObject({ state: 'broken', error: '超时（400 毫秒内未答复）' })
    expect(r.durationMs).toBeLessThan(1900)
  })

  it('reads no more of an endless body than the cap', async () => {
    const r = await createLinkFetcher({ policy: createAddressPolicy(['127.0.0.1']), timeoutMs: 3000, maxBytes: 16 * 1024 }).check(`${base}/huge`)
    expect(r).toMatchObject({ state: 'ok', method: 'GET', httpStatus: 200 })
    expect(r.durationMs).toBeLessThan(2500)
  })

  it('refuses internal addresses like a webhook, also behind a redirect', async () => {
    const strict = createLinkFetcher({ policy: createAddressPolicy([]), timeoutMs: 400, maxBytes: 1024 })
    const r = await strict.check(`${base}/good`)
    expect(r.state).toBe('refused')
    expect(r.error).toContain('拒绝访问：链接地址指向回环、内网')
    const redirected = await fetcher().check(`${base}/to-metadata`)
    expect(redirected).toMatchObject({ state: 'refused' })
    expect(redirected.error).toContain('169.254.169.254')
  })
})

describe('link checks over the library', () => {
  let k: Kit
  beforeAll(async () => {
    k = await createKit({ webhook: { ...(await import('../config.ts')).testConfig().webhook, allowedHosts: ['127.0.0.1'] }, linkCheck: { intervalDays: 0, timeoutMs: 400, maxBytes: 4096 } })
    // The library as the kb service keeps it: documents with links, an interpretation, published entries with media.
    const { kb } = k.app.services
    const doc = async (title: string, url: string, unitCode: string) => (await kb.createDocument({ title, issuer: '区政府', url, unitCode }, k.admin)).id
    const goodDoc = await doc('关于稳就业的通知', `${base}/good`, 'rsj')
    const goneDoc = await doc('关于创业补贴的办法', `${base}/gone`, 'rsj')
    const slowDoc = await doc('关于医保待遇的通知', `${base}/slow`, 'ybj')
    await kb.addInterpretation(goodDoc, { kind: 'image', title: '一图读懂稳就业', url: `${base}/moved` }, k.admin)
    const entry = async (question: string, unitCode: string, docs: number[], media: { kind: 'video'; title: string; url: string }[] = []) =>
      (await kb.importEntries({ entries: [{ question, answer: '答复', unitCode, policyDocumentIds: docs, media, status: 'published' }] }, k.admin)).entryIds[0]
    await entry('稳就业政策有哪些？', 'rsj', [goodDoc, goneDoc])
    await entry('创业补贴怎么申请？', 'rsj', [goneDoc], [{ kind: 'video', title: '创业补贴短视频', url: `${base}/no-head` }])
    await entry('医保待遇怎么算？', 'ybj', [slowDoc])
  })
  afterAll(async () => { await k.close() })

  it('checks every link once, lists the broken ones for the office and the owning unit, and flags entries left without a policy link', async () => {
    const { run, done } = await k.app.services.links.start('manual', null)
    expect(run).toMatchObject({ state: 'running', total: 5 })
    const again = await k.call({ method: 'POST', url: '/api/v1/link-checks/runs' })
    expect([again.statusCode, again.json().code]).toEqual([409, 'LINK_CHECK_RUNNING'])
    expect(await done).toMatchObject({ state: 'done', checked: 5, ok: 3, broken: 2 })

    const office = (await k.call({ method: 'GET', url: '/api/v1/link-checks' })).json()
    expect(office.counts).toEqual({ ok: 3, broken: 2, refused: 0, unchecked: 0 })
    expect(office.items.slice(0, 2).map((l: { url: string }) => l.url).sort()).toEqual([`${base}/gone`, `${base}/slow`])
    const gone = office.items.find((l: { url: string }) => l.url === `${base}/gone`)
    expect(gone).toMatchObject({ state: 'broken', stateName: '无法打开', httpStatus: 404, lastOkAt: null, sources: [{ type: 'policy_document', typeName: '政策文件', unit: { code: 'rsj' } }] })
    expect(office.lastRun).toMatchObject({ id: run.id, state: 'done', stateName: '已完成' })

    const rsj = (await k.call({ method: 'GET', url: '/api/v1/link-checks?state=broken', token: k.tokens.rsj })).json()
    expect(rsj.items.map((l: { url: string }) => l.url)).toEqual([`${base}/gone`])
    expect((await k.call({ method: 'GET', url: '/api/v1/link-checks?unit=ybj', token: k.tokens.rsj })).statusCode).toBe(403)

    const flagged = (await k.call({ method: 'GET', url: '/api/v1/link-checks/flagged-entries' })).json()
    expect(flagged.items.map((e: { entry: { question: string } }) => e.entry.question).sort()).toEqual(['创业补贴怎么申请？', '医保待遇怎么算？'])
    expect((await k.call({ method: 'GET', url: '/api/v1/link-checks/flagged-entries', token: k.tokens.rsj })).json().total).toBe(1)
  })

  it('keeps when a link last worked, and since when it has been failing', async () => {
    const first = (await k.call({ method: 'GET', url: '/api/v1/link-checks?state=broken' })).json().items.find((l: { url: string }) => l.url === `${base}/gone`)
    await (await k.app.services.links.start('manual', null)).done
    const second = (await k.call({ method: 'GET', url: '/api/v1/link-checks?state=broken' })).json().items.find((l: { url: string }) => l.url === `${base}/gone`)
    expect(second.failingSince).toBe(first.failingSince)
    expect(second.checkedAt >= first.checkedAt).toBe(true)
    const good = (await k.call({ method: 'GET', url: '/api/v1/link-checks?state=ok' })).json().items.find((l: { url: string }) => l.url === `${base}/good`)
    expect(good.lastOkAt).toBe(good.checkedAt)
  })

  it('starts a run on demand with 202 and marks a run a dead process left behind as interrupted', async () => {
    const res = await k.call({ method: 'POST', url: '/api/v1/link-checks/runs' })
    expect(res.statusCode).toBe(202)
    const id = res.json().id
    expect((await k.call({ method: 'POST', url: '/api/v1/link-checks/runs', token: k.tokens.rsj })).statusCode).toBe(403)
    // Wait for it, then pretend a crash left another one running.
    for (let i = 0; i < 100 && (await k.call({ method: 'GET', url: `/api/v1/link-checks/runs/${id}` })).json().state === 'running'; i++) await new Promise((r) => setTimeout(r, 50))
    const { db } = k.app.services
    const [orphan] = await db.insert(linkCheckRuns).values({ trigger: 'schedule', state: 'running', startedAt: new Date().toISOString() }).returning()
    await k.app.services.links.startSchedule()
    expect((await k.call({ method: 'GET', url: `/api/v1/link-checks/runs/${orphan.id}` })).json()).toMatchObject({ state: 'interrupted', stateName: '中断' })
  })
})
