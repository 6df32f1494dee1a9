// Runs the real service as a child process, for cold start and HTTP load figures.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { fileURLToPath } from 'node:url'

const ROOT = fileURLToPath(new URL('..', import.meta.url))

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer()
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number }
      srv.close(() => resolve(port))
    })
    srv.on('error', reject)
  })
}

export interface RunningServer { url: string; child: ChildProcess; pid: number; coldStartMs: number; stop(): Promise<void> }

/** Builds dist/server.mjs as `npm start` does (the bundle is what a deployment runs). */
export function buildServer(): void {
  execFileSync('npm', ['run', '--silent', 'build:server'], { cwd: ROOT, stdio: 'inherit' })
}

/**
 * Starts the bundled server (dist/server.mjs; call buildServer first) on `databasePath`; resolves when POST /api/v1/match first succeeds (or, without a
 * probe question, when /health answers).
 */
export async function startServer(databasePath: string, adminToken: string, probeQuestion: string | null, env: Record<string, string> = {}): Promise<RunningServer> {
  const port = await freePort()
  const started = performance.now()
  const child = spawn(process.execPath, ['--enable-source-maps', 'dist/server.mjs'], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_PATH: databasePath, PORT: String(port), HOST: '127.0.0.1', ADMIN_TOKEN: adminToken, SEED_DEMO: '0', LOG_LEVEL: 'warn', WEBHOOK_POLL_INTERVAL_MS: '0', INTEGRATION_RATE_LIMIT: '1000000', ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  })
  const url = `http://127.0.0.1:${port}`
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`)
    try {
      const res = probeQuestion === null
        ? await fetch(`${url}/health`)
        : await fetch(`${url}/api/v1/match`, {
          method: 'POST', headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
          body: JSON.stringify({ question: probeQuestion }),
        })
      if (res.ok) break
    } catch { /* not listening yet */ }
    await new Promise((r) => setTimeout(r, 10))
  }
  const coldStartMs = performance.now() - started
  return {
    url, child, pid: child.pid!, coldStartMs,
    stop: () => new Promise((resolve) => { child.once('exit', () => resolve()); child.kill('SIGTERM') }),
  }
}

/** Resident set size of a process, from /proc. */
export function rssOf(pid: number): number {
  const m = readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmRSS:\s+(\d+) kB/)
  return m ? Number(m[1]) * 1024 : NaN
}
