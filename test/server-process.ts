// The real server as a child process on a database file, for the crash tests: started on a free
// port with an admin token, waited for until /health answers, and killed with SIGKILL by the test.
import { spawn, type ChildProcess } from 'node:child_process'
import { createServer } from 'node:net'

const ROOT = new URL('..', import.meta.url).pathname

export const freePort = () => new Promise<number>((resolve, reject) => {
  const srv = createServer().listen(0, '127.0.0.1', () => {
    const { port } = srv.address() as { port: number }
    srv.close(() => resolve(port))
  }).on('error', reject)
})

export async function startServerProcess(databasePath: string, adminToken: string): Promise<{ child: ChildProcess; base: string }> {
  const port = await freePort()
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_PATH: databasePath, PORT: String(port), HOST: '127.0.0.1', ADMIN_TOKEN: adminToken, SEED_DEMO: '0', LOG_LEVEL: 'error', WEBHOOK_POLL_INTERVAL_MS: '0' },
    stdio: ['ignore', 'ignore', 'pipe'],
  })
  let stderr = ''
  child.stderr!.on('data', (d) => { stderr += d })
  const base = `http://127.0.0.1:${port}`
  for (let i = 0; i < 2400; i++) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}: ${stderr}`)
    try {
      if ((await fetch(`${base}/health`)).ok) return { child, base }
    } catch { /* not listening yet */ }
    await new Promise((r) => setTimeout(r, 50))
  }
  child.kill('SIGKILL')
  throw new Error(`server did not start: ${stderr}`)
}
