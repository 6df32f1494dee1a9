// Starts the real server on a database file, registers consultations with 8 clients at once, each
// with an Idempotency-Key, kills the process with SIGKILL mid-stream and restarts it. Every
// consultation answered 201 must be there exactly once with its audit row; every request that was in
// flight is retried with its key and must not create a second consultation.
import type { ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { listAll as listAllAs, startServerProcess } from './server-process.ts'

const ADMIN = 'crash-test-admin-token-0123456789'
const CLIENTS = 8
const KILL_AFTER = 80

const startServer = (databasePath: string) => startServerProcess(databasePath, ADMIN)

const api = (base: string, path: string, init: RequestInit = {}) =>
  fetch(`${base}/api/v1${path}`, { ...init, headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json', ...init.headers } })

const listAll = <T>(base: string, path: string) => listAllAs<T>(base, ADMIN, path)

describe('crash safety', () => {
  const dir = mkdtempSync(join(tmpdir(), 'qa-crash-'))
  const children: ChildProcess[] = []
  afterAll(() => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL')
    rmSync(dir, { recursive: true, force: true })
  })

  it('keeps every consultation answered 201 exactly once after kill -9 mid-stream, and retries create nothing twice', async () => {
    const databasePath = join(dir, 'qa.sqlite')
    const t0 = Date.now()
    const first = await startServer(databasePath)
    const t1 = Date.now()
    children.push(first.child)
    const exited = new Promise((r) => first.child.once('exit', r))
    // The office that receives tickets no unit can be inferred for.
    expect((await api(first.base, '/units', { method: 'POST', body: JSON.stringify({ code: 'zwb', name: '区政府办公室' }) })).status).toBe(201)

    const question = (key: string) => `崩溃测试：灵活就业人员如何缴纳养老保险？（${key}）`
    const submit = (base: string, key: string) => api(base, '/consultations', {
      method: 'POST', headers: { 'idempotency-key': key }, body: JSON.stringify({ channel: 'hotline', question: question(key) }),
    })
    const acknowledged = new Map<string, number>()
    const sent: string[] = []
    let killed = false
    const client = async (c: number) => {
      for (let i = 0; !killed; i++) {
        const key = `crash-${c}-${i}`
        sent.push(key)
        try {
          const res = await submit(first.base, key)
          if (res.status !== 201) throw new Error(`unexpected ${res.status}: ${await res.text()}`)
          acknowledged.set(key, ((await res.json()) as { consultation: { id: number } }).consultation.id)
        } catch (e) {
          if (killed) return
          throw e
        }
        if (acknowledged.size >= KILL_AFTER && !killed) {
          killed = true
          first.child.kill('SIGKILL') // the other clients still have requests in flight
        }
      }
    }
    await Promise.all(Array.from({ length: CLIENTS }, (_v, c) => client(c)))
    await exited
    expect(first.child.signalCode).toBe('SIGKILL')

    const t2 = Date.now()
    const second = await startServer(databasePath)
    children.push(second.child)
    const t3 = Date.now()
    const before = await listAll<{ id: number; question: string }>(second.base, '/consultations')

    // Clients retry what got no answer, with the same key: created now, or replayed if it had committed.
    const unanswered = sent.filter((k) => !acknowledged.has(k))
    for (const key of unanswered) expect((await submit(second.base, key)).status).toBe(201)
    // A retry of an answered request replays the original.
    for (const key of [...acknowledged.keys()].slice(0, 10)) {
      const res = await submit(second.base, key)
      expect(res.headers.get('idempotent-replayed')).toBe('true')
      expect(((await res.json()) as { consultation: { id: number } }).consultation.id).toBe(acknowledged.get(key))
    }

    const after = await listAll<{ id: number; question: string }>(second.base, '/consultations')
    const idsOf = (list: { id: number; question: string }[], key: string) => list.filter((c) => c.question === question(key)).map((c) => c.id)
    expect([...acknowledged].filter(([key, id]) => JSON.stringify(idsOf(before, key)) !== JSON.stringify([id]))).toEqual([])
    expect(sent.filter((key) => idsOf(after, key).length !== 1)).toEqual([])
    expect(after.length).toBe(sent.length)

    // Each committed consultation has its audit row, and no audit row lacks its consultation.
    const audited = await listAll<{ targetIds: number[] }>(second.base, '/audit?action=createConsultation')
    expect(audited.map((a) => a.targetIds[0]).sort((a, b) => a - b)).toEqual(after.map((c) => c.id).sort((a, b) => a - b))

    console.info(`crash test: ${sent.length} sent, ${acknowledged.size} answered 201 before kill -9, ${before.length} stored after restart, ${unanswered.length} retried; start ${t1 - t0} ms, writes ${t2 - t1} ms, restart ${t3 - t2} ms, checks ${Date.now() - t3} ms`)
    second.child.kill('SIGTERM')
    await new Promise((r) => second.child.once('exit', r))
    expect(second.child.exitCode).toBe(0)
  }, 300_000) // generous: the server starts twice, and CI machines are shared
})
