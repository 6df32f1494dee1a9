// Helpers for the spreadsheet tests: multipart bodies for inject(), workbooks built with exceljs,
// and waiting for an import job to finish a phase.
import { expect } from 'vitest'
import type { TestApp } from '../../test/app.testkit.ts'
import { ENTRY_COLUMNS } from './sheets.columns.ts'
import { exceljs } from './sheets.reader.ts'

export function multipart(filename: string, content: Buffer | string, field = 'file') {
  const boundary = `----qa${Math.random().toString(16).slice(2)}`
  const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${field}"; filename="${filename}"\r\nContent-Type: application/octet-stream\r\n\r\n`)
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`)
  return { payload: Buffer.concat([head, Buffer.isBuffer(content) ? content : Buffer.from(content), tail]), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } }
}

export async function xlsx(rows: unknown[][], header: readonly string[] = ENTRY_COLUMNS.map((c) => c.header)): Promise<Buffer> {
  const wb = new (exceljs().Workbook)()
  const ws = wb.addWorksheet('问答条目')
  ws.addRow([...header])
  for (const r of rows) ws.addRow(r)
  return Buffer.from(await wb.xlsx.writeBuffer())
}

export async function readXlsx(buffer: Buffer) {
  const wb = new (exceljs().Workbook)()
  await wb.xlsx.load(buffer as never)
  return wb
}

export function sheetsApi(t: TestApp) {
  const api = {
    async upload(filename: string, content: Buffer | string, opts: { token?: string; kind?: 'entries' | 'policy-documents'; key?: string } = {}) {
      const body = multipart(filename, content)
      return t.call({ method: 'POST', url: `/api/v1/${opts.kind ?? 'entries'}/imports`, token: opts.token, payload: body.payload, headers: { ...body.headers, ...(opts.key ? { 'idempotency-key': opts.key } : {}) } })
    },
    async job(id: number, token?: string) {
      return (await t.call({ method: 'GET', url: `/api/v1/imports/${id}`, token })).json()
    },
    /** Polls until the job has left `validating`/`importing`. */
    async settle(id: number, token?: string) {
      for (let i = 0; i < 2000; i++) {
        const job = await api.job(id, token)
        if (job.status !== 'validating' && job.status !== 'importing') return job
        await new Promise((r) => setTimeout(r, 5))
      }
      throw new Error(`job ${id} did not settle`)
    },
    /** Uploads and waits for the dry run. */
    async validated(filename: string, content: Buffer | string, opts: { token?: string; kind?: 'entries' | 'policy-documents' } = {}) {
      const res = await api.upload(filename, content, opts)
      expect(res.statusCode, res.body).toBe(202)
      return api.settle(res.json().id, opts.token)
    },
    async commit(id: number, token?: string) {
      const res = await t.call({ method: 'POST', url: `/api/v1/imports/${id}/commit`, token })
      return res
    },
    /** Upload, dry run, import; returns the finished job. */
    async importFile(filename: string, content: Buffer | string, opts: { token?: string; kind?: 'entries' | 'policy-documents' } = {}) {
      const job = await api.validated(filename, content, opts)
      expect(job.status, JSON.stringify([job.error, job.errors])).toBe('validated')
      const res = await api.commit(job.id, opts.token)
      expect(res.statusCode, res.body).toBe(202)
      return api.settle(job.id, opts.token)
    },
    async total(query = '') {
      return (await t.call({ method: 'GET', url: `/api/v1/entries?pageSize=1${query}` })).json().total as number
    },
  }
  return api
}
