// Link checks (A5: links must open, checked monthly): a scheduled run every LINK_CHECK_INTERVAL_DAYS
// and runs on demand. Each URL's result is committed as soon as it is known, so a crash loses at most
// the checks in flight; a run a dead process left "running" is marked interrupted at the next start.
import type { FastifyBaseLogger } from 'fastify'
import type { Config } from '../config.ts'
import type { Db } from '../db/client.ts'
import { createAddressPolicy } from '../integrations/integrations.address.ts'
import { createLinkFetcher, type LinkFetcher, type LinkResult } from './links.fetch.ts'
import { createLinksRepository, type CheckRow, type LinkSource, type RunRow, type SourceType } from './links.repository.ts'
import type { LinkState } from './links.table.ts'
import { LinkCheckRunningError, LinkCheckRunNotFoundError } from './links.errors.ts'
import { systemClock, type Clock } from '../common/time.ts'
import { outsideTransactions } from '../db/unit-of-work.ts'

export interface LinksDeps {
  db: Db
  config: Pick<Config, 'linkCheck' | 'webhook'>
  log: Pick<FastifyBaseLogger, 'info' | 'warn' | 'error'>
  fetcher?: LinkFetcher
  now?: Clock
}

export const LINK_STATE_NAMES: Record<LinkState | 'unchecked', string> = { ok: '正常', broken: '无法打开', refused: '地址不允许访问', unchecked: '尚未检查' }
export const SOURCE_NAMES: Record<SourceType, string> = { policy_document: '政策文件', interpretation: '解读材料', entry_media: '条目图解/动画/视频' }

const CONCURRENCY = 4
const SCHEDULE_TICK_MS = 60 * 60_000
const FIRST_TICK_MS = 60_000

/**
 * Runs work in the context this module was loaded in: outside any request and its transaction. A
 * run started by a request goes on after the request has answered, each check in a transaction of
 * its own, never in the request's.
 */

export function createLinksService({ db, config, log, fetcher, now = systemClock }: LinksDeps) {
  const repo = createLinksRepository(db)
  const fetch = fetcher ?? createLinkFetcher({ policy: createAddressPolicy(config.webhook.allowedHosts), timeoutMs: config.linkCheck.timeoutMs, maxBytes: config.linkCheck.maxBytes })
  let current: { run: RunRow; done: Promise<RunRow> } | undefined
  /** A start between its check that no run is going on and the run it records. */
  let starting: Promise<unknown> | undefined
  let timer: NodeJS.Timeout | undefined
  let stopping = false

  async function record(url: string, r: LinkResult, runId: number): Promise<void> {
    const at = now().toISOString()
    await db.transaction(async (tx) => {
      const before = await repo.check(tx, url)
      const ok = r.state === 'ok'
      await repo.saveCheck(tx, {
        url, state: r.state, httpStatus: r.httpStatus, method: r.method, finalUrl: r.finalUrl, error: r.error, checkedAt: at,
        lastOkAt: ok ? at : before?.lastOkAt ?? null, failingSince: ok ? null : before?.failingSince ?? at, durationMs: r.durationMs, runId,
      })
      await repo.countCheck(tx, runId, ok)
    })
  }

  async function execute(run: RunRow, urls: string[]): Promise<RunRow> {
    const queue = [...urls]
    const worker = async () => {
      for (let url = queue.shift(); url !== undefined && !stopping; url = queue.shift()) {
        try {
          await record(url, await fetch.check(url), run.id)
        } catch (err) {
          log.error({ err, runId: run.id }, 'link check failed unexpectedly; the URL is checked again next run')
        }
      }
    }
    await Promise.all(Array.from({ length: Math.min(CONCURRENCY, urls.length) }, worker))
    const finished = await db.transaction((tx) => repo.updateRun(tx, run.id, { state: stopping ? 'interrupted' : 'done', finishedAt: now().toISOString() }))
    log.info({ runId: run.id, checked: finished.checked, broken: finished.broken }, 'link check finished')
    return finished
  }

  function runView(r: RunRow) {
    return { ...r, triggerName: r.trigger === 'manual' ? '手动' : '定期', stateName: { running: '进行中', done: '已完成', interrupted: '中断' }[r.state] }
  }

  /** Each URL once, with every place it is shown; a unit scope keeps the URLs and places of that unit. */
  async function grouped(unitId: number | null) {
    const byUrl = new Map<string, LinkSource[]>()
    for (const s of await repo.sources()) {
      if (unitId !== null && s.unitId !== unitId) continue
      byUrl.set(s.url, [...(byUrl.get(s.url) ?? []), s])
    }
    return byUrl
  }

  function linkView(url: string, sources: LinkSource[], c: CheckRow | undefined) {
    const state: LinkState | 'unchecked' = c?.state ?? 'unchecked'
    return {
      url, state, stateName: LINK_STATE_NAMES[state], httpStatus: c?.httpStatus ?? null, method: c?.method ?? null, finalUrl: c?.finalUrl ?? null,
      error: c?.error ?? null, checkedAt: c?.checkedAt ?? null, lastOkAt: c?.lastOkAt ?? null, failingSince: c?.failingSince ?? null,
      sources: sources.map((s) => ({ type: s.type, typeName: SOURCE_NAMES[s.type], id: s.id, title: s.title, unit: s.unit })),
    }
  }

  const service = {
    /**
     * Starts a run over every URL the library shows: answers with the run once it is recorded, and
     * `done`, which resolves when it has finished. The checks run outside the caller's transaction.
     */
    async start(trigger: 'schedule' | 'manual', startedBy: number | null = null): Promise<{ run: ReturnType<typeof runView>; done: Promise<RunRow> }> {
      while (starting) await starting.catch(() => undefined)
      if (current) throw new LinkCheckRunningError(String(current.run.id))
      const begin = (async () => {
        const urls = [...new Set((await repo.sources()).map((s) => s.url))]
        const run = await repo.insertRun({ trigger, state: 'running', startedAt: now().toISOString(), total: urls.length, startedBy })
        const done = outsideTransactions(() => execute(run, urls)).finally(() => { current = undefined })
        current = { run, done }
        return { run: runView(run), done }
      })()
      starting = begin
      try {
        return await begin
      } finally {
        starting = undefined
      }
    },

    /** On demand (the office's button): answers at once with the run; the checks go on in the background. */
    async runNow(startedBy: number) {
      const { run, done } = await service.start('manual', startedBy)
      void done.catch((err: unknown) => log.error({ err }, 'link check run failed'))
      return run
    },

    async getRun(id: number) {
      const r = await repo.run(id)
      if (!r) throw new LinkCheckRunNotFoundError(String(id))
      return runView(r)
    },
    runs: async (limit = 20) => (await repo.runs(limit)).map(runView),

    /** Links with their last result; broken and refused first. */
    async list(q: { state?: LinkState | 'unchecked'; page: number; pageSize: number }, unitId: number | null) {
      const checks = await repo.checks()
      const byUrl = await grouped(unitId)
      const last = await repo.lastRun()
      const order: Record<string, number> = { broken: 0, refused: 1, unchecked: 2, ok: 3 }
      const items = [...byUrl].map(([url, sources]) => linkView(url, sources, checks.get(url)))
        .filter((l) => !q.state || l.state === q.state)
        .sort((a, b) => order[a.state] - order[b.state] || (a.failingSince ?? '').localeCompare(b.failingSince ?? '') || a.url.localeCompare(b.url))
      const counts = { ok: 0, broken: 0, refused: 0, unchecked: 0 }
      for (const [url] of byUrl) counts[checks.get(url)?.state ?? 'unchecked']++
      return { items: items.slice((q.page - 1) * q.pageSize, q.page * q.pageSize), total: items.length, page: q.page, pageSize: q.pageSize, counts, lastRun: last ? runView(last) : null }
    },

    /**
     * Entries whose policy links are all broken: the published version rests on documents with a
     * URL, and not one of those URLs opened at its last check. Agents cannot send the asker to the policy.
     */
    async flaggedEntries(unitId: number | null) {
      const checks = await repo.checks()
      const byEntry = new Map<number, { entry: { id: number; question: string; unit: { code: string; name: string } }; documents: { id: number; title: string; docNumber: string | null; url: string; state: string; error: string | null; checkedAt: string | null }[] }>()
      for (const r of await repo.entryDocuments()) {
        if (!r.url || (unitId !== null && r.unitId !== unitId)) continue
        const item = byEntry.get(r.entryId) ?? { entry: { id: r.entryId, question: r.question, unit: { code: r.code, name: r.name } }, documents: [] }
        const c = checks.get(r.url)
        item.documents.push({ id: r.documentId, title: r.title, docNumber: r.docNumber, url: r.url, state: c?.state ?? 'unchecked', error: c?.error ?? null, checkedAt: c?.checkedAt ?? null })
        byEntry.set(r.entryId, item)
      }
      const items = [...byEntry.values()].filter((e) => e.documents.every((d) => d.state === 'broken' || d.state === 'refused'))
      return { total: items.length, items }
    },

    /** Marks what a dead process left running, then schedules the periodic run (unless the interval is 0). */
    async startSchedule() {
      // A replica deposed and elected again starts its schedule again.
      stopping = false
      const interrupted = await repo.markInterrupted(now().toISOString())
      if (interrupted) log.warn({ interrupted }, 'link check runs left running by a previous process are marked interrupted')
      if (config.linkCheck.intervalDays <= 0) return
      const tick = async () => {
        try {
          const last = await repo.lastRun()
          const due = !last || now().getTime() - Date.parse(last.startedAt) >= config.linkCheck.intervalDays * 86_400_000
          if (due && !current && !stopping) void (await service.start('schedule')).done.catch((err: unknown) => log.error({ err }, 'scheduled link check failed'))
        } catch (err) {
          log.error({ err }, 'link check schedule failed; retrying at the next tick')
        }
        if (!stopping) timer = setTimeout(() => void tick(), SCHEDULE_TICK_MS).unref()
      }
      timer = setTimeout(() => void tick(), FIRST_TICK_MS).unref()
    },

    /** Stops the schedule and lets a run in progress stop after the checks in flight. */
    async stop() {
      stopping = true
      if (timer) clearTimeout(timer)
      await current?.done.catch(() => undefined)
    },
  }
  return service
}

export type LinksService = ReturnType<typeof createLinksService>
