// Starts the real server on a database file, writes with 8 clients at once, kills the process
// with SIGKILL mid-stream, restarts it and checks that every write that was answered 201 is there
// exactly once, with its audit row (they commit in one transaction).
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'

const ROOT = new URL('..', import.meta.url).pathname
const ADMIN = 'crash-test-admin-token-0123456789'
const CLIENTS = 8
const KILL_AFTER = 120

const freePort = () => new Promise<number>((resolve, reject) => {
  const srv = createServer().listen(0, '127.0.0.1', () => {
    const { port } = srv.address() as { port: number }
    srv.close(() => resolve(port))
  }).on('error', reject)
})

async function startServer(databasePath: string): Promise<{ child: ChildProcess; base: string }> {
  const port = await freePort()
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_PATH: databasePath, PORT: String(port), HOST: '127.0.0.1', ADMIN_TOKEN: ADMIN, SEED_DEMO: '0', LOG_LEVEL: 'error', WEBHOOK_POLL_INTERVAL_MS: '0' },
    stdio: ['ignore', 'ignore', 'pipe'],
  })
  let stderr = ''
  child.stderr!.on('data', (d) => { stderr += d })
  const base = `http://127.0.0.1:${port}`
  for (let i = 0; i < 600; i++) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}: ${stderr}`)
    try {
      if ((await fetch(`${base}/health`)).ok) return { child, base }
    } catch { /* not listening yet */ }
    await new Promise((r) => setTimeout(r, 50))
  }
  child.kill('SIGKILL')
  throw new Error(`server did not start: ${stderr}`)
}

const api = (base: string, path: string, init: RequestInit = {}) =>
  fetch(`${base}/api/v1${path}`, { ...init, headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json', ...init.headers } })

async function listAll<T>(base: string, path: string): Promise<T[]> {
  const out: T[] = []
  for (let page = 1; ; page++) {
    const body = await (await api(base, `${path}${path.includes('?') ? '&' : '?'}page=${page}&pageSize=100`)).json() as { items: T[]; total: number }
    out.push(...body.items)
    if (out.length >= body.total || body.items.length === 0) return out
  }
}

describe('crash safety', () => {
  const dir = mkdtempSync(join(tmpdir(), 'qa-crash-'))
  const children: ChildProcess[] = []
  afterAll(() => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL')
    rmSync(dir, { recursive: true, force: true })
  })

  it('keeps every write answered 201 exactly once after kill -9 mid-stream', async () => {
    const databasePath = join(dir, 'qa.sqlite')
    const first = await startServer(databasePath)
    children.push(first.child)
    const exited = new Promise((r) => first.child.once('exit', r))

    const acknowledged = new Map<string, number>()
    let sent = 0
    let killed = false
    const client = async (c: number) => {
      for (let i = 0; !killed; i++) {
        const code = `c${c}-${i}`
        sent++
        try {
          const res = await api(first.base, '/units', { method: 'POST', body: JSON.stringify({ code, name: `崩溃测试单位 ${code}` }) })
          if (res.status !== 201) throw new Error(`unexpected ${res.status}: ${await res.text()}`)
          acknowledged.set(code, ((await res.json()) as { id: number }).id)
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

    const second = await startServer(databasePath)
    children.push(second.child)
    const stored = await listAll<{ id: number; code: string }>(second.base, '/units')
    const byCode = new Map<string, number[]>()
    for (const u of stored) byCode.set(u.code, [...(byCode.get(u.code) ?? []), u.id])
    const lost = [...acknowledged].filter(([code, id]) => JSON.stringify(byCode.get(code)) !== JSON.stringify([id]))
    expect(lost).toEqual([])
    // Writes in flight at the kill may or may not have committed; none was invented.
    expect(stored.length).toBeGreaterThanOrEqual(acknowledged.size)
    expect(stored.length).toBeLessThanOrEqual(sent)

    // Each committed write has its audit row, and no audit row lacks its write.
    const audited = await listAll<{ targetIds: number[] }>(second.base, '/audit?action=createUnit')
    expect(audited.map((a) => a.targetIds[0]).sort((a, b) => a - b)).toEqual(stored.map((u) => u.id).sort((a, b) => a - b))

    console.info(`crash test: ${sent} sent, ${acknowledged.size} answered 201 before kill -9, ${stored.length} stored after restart`)
    second.child.kill('SIGTERM')
    await new Promise((r) => second.child.once('exit', r))
    expect(second.child.exitCode).toBe(0)
  }, 60_000)
})
