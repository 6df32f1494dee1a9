// `npm start` runs the esbuild bundle, not the sources: test/global-setup.ts builds it the same way, and this checks that the
// bundled server finds what it reads at run time (migrations, demo data, the model, jieba's data, the console).
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { freePort } from './server-process.ts'

const ROOT = new URL('..', import.meta.url).pathname
const ADMIN = 'start-test-admin-token-0123456789'

describe('npm start', () => {
  const dir = mkdtempSync(join(tmpdir(), 'qa-start-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('the bundle starts on a new database with the demo data and answers a question', async () => {
    const port = await freePort()
    const child = spawn(process.execPath, ['--enable-source-maps', 'dist/server.mjs'], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_PATH: join(dir, 'qa.sqlite'), PORT: String(port), HOST: '127.0.0.1', ADMIN_TOKEN: ADMIN, LOG_LEVEL: 'warn', WEBHOOK_POLL_INTERVAL_MS: '0' },
      stdio: ['ignore', 'ignore', 'pipe'],
    })
    let stderr = ''
    child.stderr.on('data', (d) => { stderr += String(d) })
    try {
      const base = `http://127.0.0.1:${port}`
      let health: Response | undefined
      for (let i = 0; i < 600 && child.exitCode === null; i++) {
        health = await fetch(`${base}/health`).catch(() => undefined)
        if (health?.ok) break
        await new Promise((r) => setTimeout(r, 100))
      }
      expect(child.exitCode, stderr).toBeNull()
      expect(health?.ok, stderr).toBe(true)
      expect((await health!.json()).searchIndex).toMatchObject({ ok: true, documents: 188 })
      const match = await fetch(`${base}/api/v1/match`, {
        method: 'POST', headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
        body: JSON.stringify({ question: '灵活就业人员怎么交养老保险' }),
      })
      expect(match.status).toBe(200)
      const body = await match.json()
      expect(body.candidates[0].question).toContain('灵活就业')
      // Asked in the very words of an entry's question, it is answered at once at both levels,
      // whatever the demo library's own calibration allows on probability.
      const verbatim = await (await fetch(`${base}/api/v1/match`, {
        method: 'POST', headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
        body: JSON.stringify({ question: '社会保障卡怎么申领，丢了怎么补办？' }),
      })).json()
      expect(verbatim).toMatchObject({ matched: true, matchedAutomatically: true })
      expect((await fetch(`${base}/console/`)).status).toBe(200)
    } finally {
      child.kill('SIGTERM')
      await new Promise((r) => child.once('exit', r))
    }
  }, 120_000)
})
