// The real server as a child process, for the crash and replica tests: the bundle `npm start` runs
// (dist/server.mjs, built once by test/global-setup.ts), started on a free port with an admin token
// on a SQLite file or a PostgreSQL database, waited for until /health answers, and killed by the test.
import { spawn, type ChildProcess } from 'node:child_process'
import { createServer } from 'node:net'

const ROOT = new URL('..', import.meta.url).pathname

export const freePort = () => new Promise<number>((resolve, reject) => {
  const srv = createServer().listen(0, '127.0.0.1', () => {
    const { port } = srv.address() as { port: number }
    srv.close(() => resolve(port))
  }).on('error', reject)
})

export interface ServerProcess { child: ChildProcess; base: string; port: number; stderr(): string }

/**
 * `database`: a SQLite file path, or a postgres:// URL. `env` adds to or replaces the defaults
 * (no demo data, errors only in the log, deliveries polled at once).
 */
export async function startServerProcess(database: string, adminToken: string, env: Record<string, string> = {}): Promise<ServerProcess> {
  const port = await freePort()
  const where = /^postgres(ql)?:\/\//.test(database) ? { DATABASE_URL: database } : { DATABASE_PATH: database }
  const child = spawn(process.execPath, ['--enable-source-maps', 'dist/server.mjs'], {
    cwd: ROOT,
    env: { ...process.env, ...where, PORT: String(port), HOST: '127.0.0.1', ADMIN_TOKEN: adminToken, SEED_DEMO: '0', LOG_LEVEL: 'error', WEBHOOK_POLL_INTERVAL_MS: '0', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  })
  let stderr = ''
  child.stderr!.on('data', (d) => { stderr += d })
  const base = `http://127.0.0.1:${port}`
  for (let i = 0; i < 2400; i++) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}: ${stderr}`)
    try {
      if ((await fetch(`${base}/health`)).ok) return { child, base, port, stderr: () => stderr }
    } catch { /* not listening yet */ }
    await new Promise((r) => setTimeout(r, 50))
  }
  child.kill('SIGKILL')
  throw new Error(`server did not start: ${stderr}`)
}

/** Stops a server with SIGTERM and waits for it to exit; its exit code. */
export async function stopServerProcess(p: ServerProcess): Promise<number | null> {
  if (p.child.exitCode !== null || p.child.signalCode !== null) return p.child.exitCode
  const exited = new Promise((r) => p.child.once('exit', r))
  p.child.kill('SIGTERM')
  await exited
  return p.child.exitCode
}

/** Every item of a paged list of the API (`?page=&pageSize=`), read as `token`. */
export async function listAll<T>(base: string, token: string, path: string): Promise<T[]> {
  const out: T[] = []
  for (let page = 1; ; page++) {
    const res = await fetch(`${base}/api/v1${path}${path.includes('?') ? '&' : '?'}page=${page}&pageSize=100`, { headers: { authorization: `Bearer ${token}` } })
    const body = await res.json() as { items: T[]; total: number }
    out.push(...body.items)
    if (out.length >= body.total || body.items.length === 0) return out
  }
}
