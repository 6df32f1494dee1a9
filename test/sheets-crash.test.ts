// Starts the real server on a database file, imports a 30,000-row spreadsheet and kills the process
// with SIGKILL while the rows are being written. After the restart the library holds either none of
// the rows (the job is back to 已校验 with a note and can be run again) or all of them: never a part.
import type { ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { startServerProcess } from './server-process.ts'

const ADMIN = 'sheets-crash-admin-token-0123456789'
const ROWS = 30_000

const startServer = (databasePath: string) => startServerProcess(databasePath, ADMIN)

const call = (base: string, path: string, init: RequestInit = {}) =>
  fetch(`${base}/api/v1${path}`, { ...init, headers: { authorization: `Bearer ${ADMIN}`, ...init.headers } })

async function settle(base: string, id: number) {
  for (;;) {
    const job = await (await call(base, `/imports/${id}`)).json() as { status: string; note: string | null; result: { created: number } | null }
    if (job.status !== 'validating' && job.status !== 'importing') return job
    await new Promise((r) => setTimeout(r, 100))
  }
}

describe('an import cut off by kill -9', () => {
  const dir = mkdtempSync(join(tmpdir(), 'qa-sheets-crash-'))
  const children: ChildProcess[] = []
  afterAll(() => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL')
    rmSync(dir, { recursive: true, force: true })
  })

  it('leaves the library as it was, and the import can be run again', async () => {
    const databasePath = join(dir, 'qa.sqlite')
    const first = await startServer(databasePath)
    children.push(first.child)
    expect((await call(first.base, '/units', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code: 'rsj', name: '区人力社保局' }) })).status).toBe(201)

    const lines = ['外部编号,标准问题,相似问法,答复口径,关键词,领域,承办单位,政策文件文号,图解/视频链接,状态']
    for (let i = 0; i < ROWS; i++) lines.push(`C-${i},第 ${i} 个问题怎么办理？,问法一,第 ${i} 个问题的答复口径。,关键词,,区人力社保局,,,已发布`)
    const form = new FormData()
    form.append('file', new Blob([`\uFEFF${lines.join('\r\n')}`], { type: 'text/csv' }), '大文件.csv')
    const upload = await call(first.base, '/entries/imports', { method: 'POST', body: form })
    expect(upload.status).toBe(202)
    const { id } = await upload.json() as { id: number }
    expect((await settle(first.base, id)).status).toBe('validated')

    const exited = new Promise((r) => first.child.once('exit', r))
    expect((await call(first.base, `/imports/${id}/commit`, { method: 'POST' })).status).toBe(202)
    await new Promise((r) => setTimeout(r, 150))
    first.child.kill('SIGKILL')
    await exited

    const second = await startServer(databasePath)
    children.push(second.child)
    const total = (await (await call(second.base, '/entries?pageSize=1')).json() as { total: number }).total
    expect([0, ROWS]).toContain(total)
    const job = await settle(second.base, id)
    if (total === 0) {
      expect(job).toMatchObject({ status: 'validated', note: expect.stringContaining('没有任何改动') })
      expect((await call(second.base, `/imports/${id}/commit`, { method: 'POST' })).status).toBe(202)
      expect((await settle(second.base, id)).result).toMatchObject({ created: ROWS })
      expect((await (await call(second.base, '/entries?pageSize=1')).json() as { total: number }).total).toBe(ROWS)
    } else {
      expect(job.status).toBe('done')
    }
    console.info(`sheets crash test: the kill came ${total === 0 ? 'during the import, which rolled back and was run again' : 'after the import had committed'}`)
    second.child.kill('SIGTERM')
    await new Promise((r) => second.child.once('exit', r))
  }, 300_000)
})
