// The docs' examples run as written. Every ```bash block of README.md and docs/*.md is executed, file by file in
// one bash session per file (so variables carry from block to block), against a freshly started bundled server
// with the demo data, as a reader on a fresh clone would. Two substitutions only: the server's real address for
// http://127.0.0.1:3000, and curl failing on an HTTP error (--fail-with-body), so a refused call fails the test.
// It also checks what the README promises about the first start: the log prints an admin password that signs in.
import { execFile, spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { freePort } from '../bench/server.ts'

const ROOT = new URL('..', import.meta.url).pathname
const DOC_FILES = ['README.md', ...readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)]
const hasTools = ['/usr/bin/curl', '/usr/bin/jq'].every(existsSync) || process.env.CI === 'true'

/** The ```bash blocks of a Markdown file, in order. */
export function bashBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/^```bash\n([\s\S]*?)^```$/gm)].map((m) => m[1])
}

function runBash(script: string, env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('bash', ['-c', script], { cwd: ROOT, env: { ...process.env, ...env }, timeout: 180_000, maxBuffer: 10 * 1024 * 1024 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr })
    })
  })
}

describe.skipIf(!hasTools)('the examples in the docs', () => {
  const dir = mkdtempSync(join(tmpdir(), 'qa-docs-'))
  const databasePath = join(dir, 'qa.sqlite')
  let child: ChildProcess
  let base = ''
  let stdout = ''

  beforeAll(async () => {
    const port = await freePort()
    base = `http://127.0.0.1:${port}`
    // As `npm start` runs it, with the defaults a fresh clone has (demo data on), on a temporary database.
    child = spawn(process.execPath, ['--enable-source-maps', 'dist/server.mjs'], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_PATH: databasePath, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', WEBHOOK_POLL_INTERVAL_MS: '0', ADMIN_TOKEN: '', SEED_DEMO: '' },
      stdio: ['ignore', 'pipe', 'inherit'],
    })
    child.stdout!.on('data', (d) => { stdout += String(d) })
    for (let i = 0; i < 1200 && !stdout.includes('首次启动'); i++) {
      if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`)
      await new Promise((r) => setTimeout(r, 100))
    }
  }, 150_000)
  afterAll(async () => {
    if (child && child.exitCode === null) await new Promise<void>((resolve) => { child.once('exit', () => resolve()); child.kill('SIGTERM') })
    rmSync(dir, { recursive: true, force: true })
  })

  it('prints the first administrator\'s user name and password once, and they sign in', async () => {
    const username = /用户名 (\S+)/.exec(stdout)?.[1]
    const password = /密码 {3}(\S+)/.exec(stdout)?.[1]
    expect(stdout).toContain(`${base}/console/`)
    expect(username).toBe('admin')
    const res = await fetch(`${base}/api/v1/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) })
    expect(res.status).toBe(200)
    expect(((await res.json()) as { account: { role: string } }).account.role).toBe('admin')
  })

  it('has runnable examples in the README', () => {
    expect(bashBlocks(readFileSync(join(ROOT, 'README.md'), 'utf8')).length).toBeGreaterThanOrEqual(5)
  })

  for (const file of DOC_FILES) {
    const blocks = bashBlocks(readFileSync(join(ROOT, file), 'utf8'))
    if (blocks.length === 0) continue
    it(`runs the ${blocks.length} bash examples of ${file} as written, in order`, async () => {
      const script = [
        'set -euo pipefail',
        'curl() { command curl --fail-with-body "$@"; }',
        ...blocks.map((b, i) => `echo "### block ${i + 1}" >&2\n${b.replaceAll('http://127.0.0.1:3000', base)}`),
      ].join('\n')
      const out = await runBash(script, { DATABASE_PATH: databasePath })
      const lastBlock = out.stderr.match(/### block \d+/g)?.at(-1) ?? 'before the first block'
      expect(out.code, `${file} failed in ${lastBlock}:\n${out.stderr}\n${out.stdout}`).toBe(0)
      // jq prints null for a field that is not there: an example reading the wrong field.
      expect(out.stdout, `${file} printed null:\n${out.stdout}`).not.toMatch(/\bnull\b/)
    }, 300_000)
  }
})
