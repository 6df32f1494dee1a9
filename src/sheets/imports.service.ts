// Import jobs: an uploaded spreadsheet is kept on disk only while it is read; the dry run reads it
// as a stream in batches, checks every row and keeps the result in import_job_rows with progress in
// import_jobs. Importing then writes every row in ONE transaction: a crash leaves nothing half-written,
// and a retried commit finds the job importing or done and never imports twice.
import { createHash } from 'node:crypto'
import { createWriteStream } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Transform, type Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { setImmediate as nextTick } from 'node:timers/promises'
import { and, asc, count, desc, eq, gt, inArray, lt } from 'drizzle-orm'
import type { FastifyBaseLogger } from 'fastify'
import type { Actor } from '../auth/auth.service.ts'
import type { Db } from '../db/client.ts'
import { chunks } from '../db/chunks.ts'
import { first } from '../db/query.ts'
import type { KbService } from '../kb/kb.service.ts'
import { importJobRows, importJobs, type ImportKind, type ImportStatus, type RowProblem } from './sheets.table.ts'
import { checkHeader, COLUMNS, type SheetKind } from './sheets.columns.ts'
import { readRows, sniffFormat, type SheetFormat, type SheetRow } from './sheets.reader.ts'
import { createAdapters } from './imports.adapters.ts'
import { ImportHasErrorsError, ImportNotFoundError, ImportNotReadyError, ImportReportUnavailableError, SheetEmptyError, SheetTooLargeError, SheetTooManyRowsError, SheetWrongHeadersError } from './sheets.errors.ts'
import { EXAMPLE_MARK } from './sheets.writer.ts'
import { systemClock, type Clock } from '../common/time.ts'
import { outsideTransactions, unitOfWork } from '../db/unit-of-work.ts'

export const IMPORT_LIMITS = { maxBytes: 50 * 1024 * 1024, maxRows: 100_000 }
const BATCH = 500
const APPLY_CHUNK = 1000
const KEEP_MS = 24 * 60 * 60 * 1000

export const STATUS_LABELS: Record<ImportStatus, string> = { validating: '校验中', validated: '已校验', importing: '导入中', done: '已导入', failed: '未导入' }

export interface Upload { filename: string; file: Readable & { truncated?: boolean } }
export interface ImportsDeps {
  db: Db
  kb: KbService
  log: Pick<FastifyBaseLogger, 'error' | 'warn'>
  limits?: { maxBytes: number; maxRows: number }
  tmpDir?: string
  now?: Clock
}

type JobRow = typeof importJobs.$inferSelect


const problemsText = (p: readonly RowProblem[]) => p.map((x) => (x.message.startsWith(x.column) ? x.message : `${x.column}：${x.message}`)).join('；')

export function createImportsService({ db, kb, log, limits = IMPORT_LIMITS, tmpDir = tmpdir(), now = systemClock }: ImportsDeps) {
  const adapters = createAdapters(kb)
  const running = new Set<Promise<void>>()
  let stopped = false

  const iso = () => now().toISOString()
  const update = async (id: number, set: Partial<typeof importJobs.$inferInsert>) => { await db.update(importJobs).set(set).where(eq(importJobs.id, id)) }
  const track = (work: Promise<void>) => { running.add(work); void work.finally(() => running.delete(work)) }
  /**
   * Starts `work` in the background once the caller's transaction has committed (the job row it
   * wrote), outside any request and its transaction: the dry run and the import go on after the
   * request that started them has answered, in transactions of their own. On SQLite the writer lock
   * alone would order them after that commit; on PostgreSQL transactions run side by side.
   */
  const startAfterCommit = (work: () => Promise<void>) => unitOfWork(db).afterCommit(() => track(outsideTransactions(work)))

  async function requireJob(id: number, actor: Actor, kind?: ImportKind): Promise<JobRow> {
    const job = await first(db.select().from(importJobs).where(eq(importJobs.id, id)))
    // Another token's job is not even said to exist; the administrator sees every job.
    if (!job || (actor.role !== 'admin' && job.tokenId !== actor.tokenId) || (kind && job.kind !== kind)) throw new ImportNotFoundError(String(id))
    return job
  }

  async function view(job: JobRow) {
    const at = now().getTime()
    const started = job.phaseStartedAt ? Date.parse(job.phaseStartedAt) : at
    const ended = job.status === 'validated' ? Date.parse(job.validatedAt ?? '') : job.status === 'done' || job.status === 'failed' ? Date.parse(job.finishedAt ?? '') : at
    const seconds = Math.max(0.001, ((Number.isFinite(ended) ? ended : at) - started) / 1000)
    const importing = job.status === 'importing' || job.status === 'done'
    const rowsDone = importing ? job.rowsWritten : job.rowsRead
    const fraction = job.status === 'validating' ? Math.min(0.99, job.bytesRead / Math.max(1, job.fileSize))
      : job.status === 'importing' ? null : 1
    const errors = job.errorRows > 0 ? (await errorPage(job.id, 1, 100)).items : []
    return {
      id: job.id, kind: job.kind, fileName: job.fileName, format: job.format, fileSize: job.fileSize,
      status: job.status, statusLabel: STATUS_LABELS[job.status],
      progress: {
        phase: importing ? 'import' as const : 'validate' as const,
        fraction,
        rowsDone,
        rowsPerSecond: rowsDone > 0 ? Math.round(rowsDone / seconds) : null,
        secondsLeft: job.status === 'validating' && fraction && fraction > 0.01 ? Math.round(seconds * (1 - fraction) / fraction) : job.status === 'validating' || job.status === 'importing' ? null : 0,
      },
      counts: { rows: job.rowsRead, create: job.toCreate, update: job.toUpdate, unchanged: job.unchanged, errorRows: job.errorRows },
      result: (job.result as { created: number; updated: number; unchanged: number; published: number } | null) ?? null,
      error: job.errorCode ? { code: job.errorCode, message: job.errorMessage ?? '' } : null,
      note: job.note,
      errors,
      createdAt: job.createdAt, validatedAt: job.validatedAt, finishedAt: job.finishedAt,
    }
  }

  async function errorPage(jobId: number, page: number, pageSize: number) {
    const where = and(eq(importJobRows.jobId, jobId), eq(importJobRows.action, 'error'))
    const rows = await db.select({ rowNo: importJobRows.rowNo, problems: importJobRows.problems }).from(importJobRows).where(where)
      .orderBy(asc(importJobRows.rowNo)).limit(pageSize).offset((page - 1) * pageSize)
    const total = (await first(db.select({ n: count() }).from(importJobRows).where(where)))!.n
    return { items: rows.flatMap((r) => (r.problems ?? []).map((p) => ({ rowNo: r.rowNo, ...p }))), total, page, pageSize }
  }

  /** Saves the upload to a private temp file, counting and hashing it; refuses it when over the limit. */
  async function save(upload: Upload, dir: string) {
    const path = join(dir, 'upload')
    const hash = createHash('sha256')
    let size = 0
    const counter = new Transform({
      transform(chunk: Buffer, _enc, done) {
        size += chunk.length
        if (size > limits.maxBytes) return done(new SheetTooLargeError(String(Math.round(limits.maxBytes / 1024 / 1024))))
        hash.update(chunk)
        done(null, chunk)
      },
    })
    try {
      await pipeline(upload.file, counter, createWriteStream(path, { mode: 0o600 }))
    } catch (err) {
      if ((err as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') throw new SheetTooLargeError(String(Math.round(limits.maxBytes / 1024 / 1024)))
      throw err
    }
    if (upload.file.truncated) throw new SheetTooLargeError(String(Math.round(limits.maxBytes / 1024 / 1024)))
    return { path, size, sha256: hash.digest('hex') }
  }

  /** Reads just enough to refuse a file at once: the header, and that there is at least one data row. */
  async function checkStart(path: string, format: SheetFormat, kind: SheetKind) {
    const rows = readRows(path, format)
    try {
      const header = await rows.next()
      if (header.done) throw new SheetEmptyError()
      const wrong = checkHeader(kind, header.value.cells)
      if (wrong) throw new SheetWrongHeadersError(wrong)
      for (;;) {
        const next = await rows.next()
        if (next.done) throw new SheetEmptyError()
        if ((next.value.cells[0] ?? '').trim() !== EXAMPLE_MARK) return
      }
    } finally {
      await rows.return(undefined)
    }
  }

  /** The dry run: every row read, checked and kept with what it would do. */
  async function validate(job: JobRow, path: string, actor: Actor) {
    const adapter = adapters[job.kind]
    const progress = { bytes: 0 }
    const seen = new Map<string, number>()
    const counts = { rowsRead: 0, toCreate: 0, toUpdate: 0, unchanged: 0, errorRows: 0 }
    let batch: SheetRow[] = []
    const flush = async () => {
      const planned = await adapter.check(batch, actor, seen)
      await db.transaction(async (tx) => {
        for (const part of chunks(planned)) {
          await tx.insert(importJobRows).values(part.map((r) => ({
            jobId: job.id, rowNo: r.rowNo, action: r.action, input: r.input, cells: r.cells, problems: r.problems.length ? r.problems : null,
          })))
        }
        for (const r of planned) {
          if (r.action === 'create') counts.toCreate++
          else if (r.action === 'update') counts.toUpdate++
          else if (r.action === 'unchanged') counts.unchanged++
          else counts.errorRows++
        }
        counts.rowsRead += batch.length
        await tx.update(importJobs).set({ ...counts, bytesRead: progress.bytes }).where(eq(importJobs.id, job.id))
      })
      batch = []
    }
    let header = true
    for await (const row of readRows(path, job.format, progress)) {
      if (stopped) throw new Error('import service stopped')
      if (header) { header = false; continue }
      if ((row.cells[0] ?? '').trim() === EXAMPLE_MARK) continue
      if (counts.rowsRead + batch.length >= limits.maxRows) throw new SheetTooManyRowsError(String(limits.maxRows))
      batch.push(row)
      if (batch.length >= BATCH) { await flush(); await nextTick() }
    }
    if (batch.length) await flush()
    await update(job.id, { status: 'validated', validatedAt: iso(), bytesRead: job.fileSize })
  }

  async function fail(jobId: number, err: unknown): Promise<void> {
    const e = err as { code?: string; message?: string; statusCode?: number }
    const known = typeof e.code === 'string' && /^(SHEET_|KB_)/.test(e.code)
    if (!known) log.error({ err, jobId }, 'import job failed')
    await db.transaction(async (tx) => {
      await tx.delete(importJobRows).where(eq(importJobRows.jobId, jobId))
      await tx.update(importJobs).set({
        status: 'failed', finishedAt: iso(),
        errorCode: known ? e.code! : 'SHEET_IMPORT_FAILED',
        errorMessage: known ? e.message ?? '' : '导入未执行（服务内部错误），问答库没有任何改动；请稍后重试或联系管理员',
      }).where(eq(importJobs.id, jobId))
    })
  }

  /**
   * Writes every row of a validated job in one transaction, re-checked against the library as it is
   * now, a chunk at a time. Between chunks the event loop goes on: reads go to the reader connection,
   * other writers wait for this transaction. A crash at any point rolls all of it back.
   */
  async function apply(jobId: number, actor: Actor): Promise<void> {
    try {
      const imported = await db.transaction(async (tx) => {
        // Read in the transaction: it begins once the request that asked for the import has committed.
        const job = await first(tx.select().from(importJobs).where(eq(importJobs.id, jobId)))
        if (!job || job.status !== 'importing') return false
        const adapter = adapters[job.kind]
        const total = { created: 0, updated: 0, unchanged: 0, published: 0 }
        let after = 0
        for (;;) {
          const rows = await tx.select({ rowNo: importJobRows.rowNo, input: importJobRows.input }).from(importJobRows)
            .where(and(eq(importJobRows.jobId, jobId), gt(importJobRows.rowNo, after))).orderBy(asc(importJobRows.rowNo)).limit(APPLY_CHUNK)
          if (rows.length === 0) break
          try {
            const c = await adapter.apply(rows.map((r) => r.input), actor)
            for (const k of Object.keys(total) as (keyof typeof total)[]) total[k] += c[k]
          } catch (err) {
            const details = (err as { details?: { index: number; field: string; message: string }[] }).details
            if (details?.length) {
              const first = details.slice(0, 3).map((d) => `第 ${rows[d.index].rowNo} 行：${d.message}`).join('；')
              throw Object.assign(new Error(`校验之后库中数据已有变化，导入未执行，问答库没有任何改动：${first}。请重新上传校验`), { code: 'SHEET_IMPORT_STALE' })
            }
            throw err
          }
          after = rows[rows.length - 1].rowNo
          // A 100,000-row file is a hundred chunks: the service answers in between.
          await new Promise(setImmediate)
        }
        const written = total.created + total.updated + total.unchanged
        await tx.update(importJobs).set({ status: 'done', result: total, rowsWritten: written, finishedAt: iso() }).where(eq(importJobs.id, jobId))
        return true
      })
      // The kept rows are no longer needed once the import has committed.
      if (imported) await db.delete(importJobRows).where(eq(importJobRows.jobId, jobId))
    } catch (err) {
      await fail(jobId, err)
    }
  }

  /** Jobs validated more than a day ago and never imported give their kept rows back. */
  async function purgeExpired(): Promise<void> {
    const cutoff = new Date(now().getTime() - KEEP_MS).toISOString()
    const stale = (await db.select({ id: importJobs.id }).from(importJobs).where(and(eq(importJobs.status, 'validated'), lt(importJobs.validatedAt, cutoff)))).map((r) => r.id)
    if (stale.length === 0) return
    await db.transaction(async (tx) => {
      await tx.delete(importJobRows).where(inArray(importJobRows.jobId, stale))
      await tx.update(importJobs).set({ status: 'failed', finishedAt: iso(), errorCode: 'SHEET_IMPORT_EXPIRED', errorMessage: '校验结果超过 24 小时未导入，已清理；请重新上传' }).where(inArray(importJobs.id, stale))
    })
  }

  return {
    limits,
    purgeExpired,

    async receive(kind: ImportKind, upload: Upload, actor: Actor) {
      await purgeExpired()
      const dir = await mkdtemp(join(tmpDir, 'qa-import-'))
      let handedOver = false
      try {
        const file = await save(upload, dir)
        const format = await sniffFormat(file.path, upload.filename)
        await checkStart(file.path, format, kind)
        const [job] = await db.insert(importJobs).values({
          kind, tokenId: actor.tokenId, fileName: upload.filename.slice(0, 200) || `upload.${format}`, format, fileSize: file.size, fileSha256: file.sha256,
          status: 'validating', phaseStartedAt: iso(),
        }).returning()
        handedOver = true
        startAfterCommit(async () => {
          try {
            await validate(job, file.path, actor)
          } catch (err) {
            if (!stopped) await fail(job.id, err)
          } finally {
            await rm(dir, { recursive: true, force: true })
          }
        })
        return await view(job)
      } finally {
        if (!handedOver) await rm(dir, { recursive: true, force: true })
      }
    },

    get: async (id: number, actor: Actor) => view(await requireJob(id, actor)),

    async list(actor: Actor, q: { page: number; pageSize: number; kind?: ImportKind }) {
      const where = and(...(actor.role === 'admin' ? [] : [eq(importJobs.tokenId, actor.tokenId)]), ...(q.kind ? [eq(importJobs.kind, q.kind)] : []))
      const rows = await db.select().from(importJobs).where(where).orderBy(desc(importJobs.id)).limit(q.pageSize).offset((q.page - 1) * q.pageSize)
      const total = (await first(db.select({ n: count() }).from(importJobs).where(where)))!.n
      const items: Awaited<ReturnType<typeof view>>[] = []
      for (const row of rows) items.push(await view(row))
      return { items, total, page: q.page, pageSize: q.pageSize }
    },

    async errors(id: number, actor: Actor, page: number, pageSize: number) {
      return errorPage((await requireJob(id, actor)).id, page, pageSize)
    },

    /**
     * Starts the import of a validated job and answers at once; the rows are written in the
     * background in one transaction. A repeated call (a client retrying) returns the job as it is.
     */
    async commit(id: number, actor: Actor) {
      const job = await requireJob(id, actor)
      if (job.status === 'importing' || job.status === 'done') return view(job)
      if (job.status !== 'validated') throw new ImportNotReadyError(STATUS_LABELS[job.status])
      if (job.errorRows > 0) throw new ImportHasErrorsError(String(job.errorRows))
      await update(id, { status: 'importing', phaseStartedAt: iso(), note: null })
      startAfterCommit(async () => {
        await nextTick()
        if (!stopped) await apply(id, actor)
      })
      return view(await requireJob(id, actor))
    },

    /** The uploaded rows with an added 错误说明 column, in the file's own format, for fixing in Excel. */
    async reportRows(id: number, actor: Actor, onlyErrors: boolean) {
      const job = await requireJob(id, actor)
      if (job.status !== 'validated' && job.status !== 'importing') throw new ImportReportUnavailableError(STATUS_LABELS[job.status])
      const width = COLUMNS[job.kind].length
      async function* reportChunks() {
        let after = 0
        for (;;) {
          const rows = await db.select({ rowNo: importJobRows.rowNo, cells: importJobRows.cells, problems: importJobRows.problems }).from(importJobRows)
            .where(and(eq(importJobRows.jobId, id), gt(importJobRows.rowNo, after), ...(onlyErrors ? [eq(importJobRows.action, 'error')] : []))).orderBy(asc(importJobRows.rowNo)).limit(1000)
          if (rows.length === 0) return
          yield rows.map((r) => [...Array.from({ length: width }, (_, i) => r.cells[i] ?? ''), r.problems ? problemsText(r.problems) : ''])
          after = rows[rows.length - 1].rowNo
        }
      }
      return { job, chunks: reportChunks() }
    },

    /**
     * After a restart: a dry run that was cut off is failed (the file is gone), and an import that
     * was cut off rolled back with the process, so its job is validated again and can be re-run.
     */
    async start() {
      stopped = false
      const at = iso()
      await db.update(importJobs).set({ status: 'failed', finishedAt: at, errorCode: 'SHEET_IMPORT_INTERRUPTED', errorMessage: '校验过程中服务重启，校验未完成；请重新上传文件' })
        .where(eq(importJobs.status, 'validating'))
      const cut = (await db.update(importJobs).set({ status: 'validated', note: '导入过程中服务重启，导入未完成，问答库没有任何改动；可重新执行导入', rowsWritten: 0 })
        .where(eq(importJobs.status, 'importing')).returning({ id: importJobs.id })).length
      if (cut > 0) log.warn({ jobs: cut }, 'imports interrupted by a restart were rolled back; they can be run again')
    },

    async stop() {
      stopped = true
      await Promise.allSettled([...running])
    },
  }
}

export type ImportsService = ReturnType<typeof createImportsService>
