// What happened to each match: the log of every match (in batches on SQLite, one by one on
// PostgreSQL); which candidate an agent used or that none fitted (feedback); the hits each entry
// counts; the misses list; and the settled matches the calibration learns from (decision.ts).
import { sql } from 'drizzle-orm'
import type { FastifyBaseLogger } from 'fastify'
import type { Db, Tx } from '../db/client.ts'
import { dialectOf } from '../db/dialect.ts'
import { unitOfWork, outsideTransactions } from '../db/unit-of-work.ts'
import type { MatchLogRow, SearchRepository, SettledMatch } from './search.repository.ts'
import { FeedbackAlreadyGivenError, FeedbackEntryNotFoundError, MatchNotFoundError } from './search.errors.ts'

export type FeedbackInput = { entryId: number; matchedQuestion?: string } | { noneFitted: true }

// On SQLite, match logs are written in batches, off the request: each commit waits for the disk
// (synchronous=FULL), so one per second rather than one per few requests. A crash loses at most that
// second of logs (never a consultation); feedback and the misses list write pending logs first.
//
// On PostgreSQL, several replicas answer: feedback on a match may reach another replica than the
// match did, and must find its log in the database. So each log is written at once, in a small
// transaction of its own with synchronous_commit off (its commit waits neither for the disk nor
// for the synchronous standby; a crash of the primary may lose the last fraction of a second of
// logs, as SQLite's batch may). Its transaction begins before match() returns.
const LOG_BATCH = 1000
const LOG_FLUSH_MS = 1000
/**
 * PostgreSQL: how long feedback on a match id no log has waits for the log to appear, committed by
 * the replica that answered the match (its transaction began before that answer was sent). Short:
 * feedback on an id that was never logged waits this long for its 404.
 */
const LOG_VISIBLE_WAIT_MS = 500
/** The most recent matches agents settled that the calibration learns from, and how many new ones refit it. */
const FEEDBACK_EXAMPLES = 2000
const REFIT_AFTER = 50

/**
 * Runs work in the context this module was loaded in: outside any request and its transaction. A
 * batch of logs is written in a transaction of its own, never in the transaction of whichever
 * request happened to fill it (a rollback there must not take the logs with it).
 */

export interface MatchLogDeps {
  db: Db
  repo: SearchRepository
  log: Pick<FastifyBaseLogger, 'error'>
  /** The standard question of an entry in the index, if it is there. */
  questionOf(entryId: number): string | undefined
  /** Starts a refit of the calibration (a rebuild) unless one cannot start now; true if it started. */
  refit(): boolean
}

/** A batch on its way to the database: its rows may still change (or leave) until its transaction starts. */
interface Batch { rows: MatchLogRow[]; started: boolean; done: Promise<void> }

export function createMatchLogs({ db, repo, log, questionOf, refit }: MatchLogDeps) {
  const uow = unitOfWork(db)
  const onPostgres = dialectOf(db) === 'postgresql'
  /** Matches agents settled since the calibration last read them: REFIT_AFTER of them start a refit. */
  let settledSinceRead = 0
  function settled() {
    settledSinceRead++
    if (settledSinceRead >= REFIT_AFTER && refit()) settledSinceRead = 0
  }

  // One transaction per LOG_BATCH rows or per LOG_FLUSH_MS.
  let pendingLogs: MatchLogRow[] = []
  const writing = new Set<Batch>()
  let flushTimer: NodeJS.Timeout | null = null

  /**
   * Writes the pending logs in one transaction of its own (multi-row inserts), outside whatever
   * transaction the caller is in. Resolves once every log queued so far is written (or its failure
   * logged); on PostgreSQL, once every log's own INSERT has. A caller inside a transaction must not
   * wait for it: the write waits for the writer (on PostgreSQL, a connection of the pool) that the
   * caller's transaction holds.
   */
  function flushLogs(): Promise<void> {
    if (flushTimer) { clearTimeout(flushTimer); flushTimer = null }
    if (pendingLogs.length > 0) {
      const batch: Batch = { rows: pendingLogs, started: false, done: Promise.resolve() }
      pendingLogs = []
      writing.add(batch)
      batch.done = outsideTransactions(() => db.transaction(async (tx) => {
        batch.started = true
        await repo.insertMatchLogs(tx, batch.rows)
      })).catch((err: unknown) => {
        log.error({ err, rows: batch.rows.length }, 'match logs could not be written')
      }).finally(() => { writing.delete(batch) })
    }
    return Promise.all([...[...writing].map((b) => b.done), ...[...unconfirmed.values()].map((u) => u.done)]).then(() => undefined)
  }
  /** Logs a match: queued for the next batch on SQLite, written at once on PostgreSQL (see `written`). */
  function queueLog(row: MatchLogRow): void {
    if (onPostgres) { writeAtOnce(row); return }
    pendingLogs.push(row)
    // The batch is written outside the caller's transaction (a consultation's intake matches too):
    // a rollback there does not take the logs with it.
    if (pendingLogs.length >= LOG_BATCH) void flushLogs()
    else if (!flushTimer) { flushTimer = setTimeout(() => { void flushLogs() }, LOG_FLUSH_MS); flushTimer.unref() }
  }
  /**
   * Resolves once feedback on a logged match will find its log through any process: on SQLite at
   * once (the one process finds it in its batch), on PostgreSQL once its INSERT has committed. Never
   * rejects: a log that cannot be written is reported and lost. A caller that awaits it before
   * answering (a match outside any transaction) hands out only ids that every replica finds.
   */
  function written(matchId: string): Promise<void> {
    return unconfirmed.get(matchId)?.done ?? Promise.resolve()
  }

  /**
   * The same, waiting at most `maxMs` (with the database away, the answer still goes and its log may
   * be lost). Nothing to wait for on SQLite, or once the INSERT has committed: no timer then.
   */
  async function writtenWithin(matchId: string, maxMs: number): Promise<void> {
    const pending = unconfirmed.get(matchId)?.done
    if (!pending) return
    let timer: NodeJS.Timeout | undefined
    await Promise.race([pending, new Promise((r) => { timer = setTimeout(r, maxMs) })])
    clearTimeout(timer)
  }

  /** PostgreSQL: the logs whose own INSERT has not committed yet, by match id. */
  const unconfirmed = new Map<string, { row: MatchLogRow; done: Promise<void> }>()
  function writeAtOnce(row: MatchLogRow): void {
    const done = outsideTransactions(() => db.transaction(async (tx) => {
      await tx.run(sql`set local synchronous_commit = off`)
      // Absent: feedback or a consultation on this replica may have written it first (below).
      await repo.insertMatchLogs(tx, [row], { ifAbsent: true })
    })).catch((err: unknown) => {
      log.error({ err, matchId: row.id }, 'match log could not be written')
    }).finally(() => { unconfirmed.delete(row.id) })
    unconfirmed.set(row.id, { row, done })
  }
  /**
   * PostgreSQL: writes the log of a match of this replica whose own INSERT may not have committed, in
   * the caller's transaction, without waiting for that INSERT (which may wait for a connection of the
   * pool that the caller's transaction holds). Whichever commits first writes it; if the caller rolls
   * back, the other still does.
   */
  async function writeUnconfirmed(tx: Tx, matchId: string): Promise<void> {
    const own = unconfirmed.get(matchId)
    if (own) await repo.insertMatchLogs(tx, [own.row], { ifAbsent: true })
  }
  /** PostgreSQL: the log of a match another replica answered, once its INSERT has committed (a short wait). */
  async function committedElsewhere(tx: Tx, matchId: string): ReturnType<SearchRepository['matchLog']> {
    const until = Date.now() + LOG_VISIBLE_WAIT_MS
    while (Date.now() < until) {
      await new Promise((resolve) => setTimeout(resolve, 50))
      const logged = await repo.matchLog(tx, matchId)
      if (logged) return logged
    }
    return undefined
  }
  /** The log of this match while it still waits to be written (in the batch, or in one whose transaction has not started). */
  function waiting(matchId: string): { row: MatchLogRow; rows: MatchLogRow[] } | undefined {
    for (const rows of [pendingLogs, ...[...writing].filter((b) => !b.started).map((b) => b.rows)]) {
      const row = rows.find((r) => r.id === matchId)
      if (row) return { row, rows }
    }
    return undefined
  }

  return {
    queueLog,
    written,
    writtenWithin,
    flushLogs,

    /**
     * Records which candidate was used, or that none fitted (the misses list and the training signal).
     * It counts a hit only while no consultation has been answered from this match: a consultation
     * answered with an entry is where a use is counted (recordHit), so a client that sends both
     * counts one use once. Feedback given first counts the hit and a later consultation takes it over.
     */
    async feedback(matchId: string, input: FeedbackInput) {
      // A match still waiting to be written: its log is written first, in this unit of work (the
      // request's transaction). The rest of the batch is left to its own transaction: this request
      // cannot wait for it, as it holds the writer.
      const pending = waiting(matchId)
      if (pending) {
        pending.rows.splice(pending.rows.indexOf(pending.row), 1)
        await db.transaction((tx) => repo.insertMatchLogs(tx, [pending.row]))
      }
      return db.transaction(async (tx) => {
        if (onPostgres) await writeUnconfirmed(tx, matchId)
        const logged = await repo.matchLog(tx, matchId) ?? (onPostgres ? await committedElsewhere(tx, matchId) : undefined)
        if (!logged) throw new MatchNotFoundError(matchId)
        if (logged.feedbackAt) throw new FeedbackAlreadyGivenError(matchId)
        if ('noneFitted' in input) {
          await repo.setFeedback(tx, matchId, { usedEntryId: null, noneFitted: true })
          settled()
          return { matchId, usedEntryId: null, matchedQuestion: null, noneFitted: true }
        }
        if (!await repo.entryExists(input.entryId)) throw new FeedbackEntryNotFoundError(String(input.entryId))
        const matchedQuestion = input.matchedQuestion
          ?? logged.candidates.find((c) => c.entryId === input.entryId)?.matchedQuestion
          ?? questionOf(input.entryId) ?? null
        if (logged.answeredAt) {
          await repo.setFeedback(tx, matchId, { usedEntryId: input.entryId, noneFitted: false })
        } else {
          await repo.setFeedback(tx, matchId, { usedEntryId: input.entryId, noneFitted: false, feedbackHitEntryId: input.entryId, feedbackHitQuestion: matchedQuestion })
          await repo.recordHit(tx, input.entryId, matchedQuestion)
        }
        settled()
        return { matchId, usedEntryId: input.entryId, matchedQuestion, noneFitted: false }
      })
    },

    /**
     * Counts a use of an entry: a consultation answered with it, inside the caller's transaction. With
     * the consultation's `matchId`, the match is marked answered so that feedback on it counts nothing
     * more; if feedback on it already counted the hit, that hit stands for this use (moved to this
     * entry when the feedback named another one).
     */
    async recordHit(tx: Tx, entryId: number, matchedQuestion?: string | null, matchId?: string | null, byAgent = false): Promise<void> {
      const question = matchedQuestion ?? questionOf(entryId) ?? null
      const now = new Date().toISOString()
      // Still waiting to be written: no feedback can have been given on it (feedback writes it first).
      // Should the caller's transaction roll back, the mark stays: feedback on the match then counts nothing.
      const pending = matchId ? waiting(matchId)?.row : undefined
      if (pending) { pending.answeredAt ??= now; if (byAgent) pending.usedEntryId ??= entryId }
      // PostgreSQL: a log of this replica is written here if its own INSERT has not committed. One of
      // another replica that has not committed yet is not waited for (this holds the consultation's
      // transaction): the hit counts, and feedback on that match later counts one more.
      if (onPostgres && matchId) await writeUnconfirmed(tx, matchId)
      const logged = matchId && !pending ? await repo.matchLog(tx, matchId) : undefined
      // An agent who answers with an entry has said which one was right: a label for the calibration,
      // when this match has none yet.
      if (byAgent && (pending || (logged && !logged.feedbackAt && logged.usedEntryId === null && !logged.noneFitted))) settled()
      const claimed = logged?.feedbackHitEntryId ?? null
      if (claimed === null) {
        await repo.recordHit(tx, entryId, question)
      } else if (claimed !== entryId) {
        await repo.undoHit(tx, claimed, logged!.feedbackHitQuestion)
        await repo.recordHit(tx, entryId, question)
      }
      if (logged) await repo.markAnswered(tx, logged.id, now, byAgent ? entryId : null)
    },

    /**
     * Whether a match id names a match: one still waiting to be written (SQLite's batch, or on
     * PostgreSQL an INSERT of this replica not yet committed), one in the table, or on PostgreSQL one
     * another replica is committing (the same short wait as feedback). The intake keeps a consultation's
     * matchId only then: an id no match has would be a label of nothing.
     */
    async knownMatch(tx: Tx, matchId: string): Promise<boolean> {
      if (waiting(matchId) || unconfirmed.has(matchId) || [...writing].some((b) => b.rows.some((r) => r.id === matchId))) return true
      if (await repo.matchLog(tx, matchId)) return true
      return onPostgres && (await committedElsewhere(tx, matchId)) !== undefined
    },

    /** The misses, with the logs queued so far (outside a transaction, which could not wait for them to be written). */
    async listMisses(page = 1, pageSize = 20) {
      if (uow.current()) void flushLogs()
      else await flushLogs()
      return repo.listMisses(page, pageSize)
    },
    questionHits: (entryId: number) => repo.questionHits(entryId),

    /**
     * The most recent settled matches, for the calibration: what agents did with real questions, the
     * queued logs written first (outside a transaction, which could not wait for them). Those settled
     * from now on count towards the next refit.
     */
    async settledMatches(): Promise<SettledMatch[]> {
      settledSinceRead = 0
      // A match answered a moment ago may still wait in the batch, its answer marked on the queued row.
      if (!uow.current()) await flushLogs()
      return repo.settledMatches(FEEDBACK_EXAMPLES)
    },
    /** Whether an entry was served when a question was asked: one published after could not have been found. */
    async servedAt(entryId: number, askedAt: string): Promise<boolean> {
      const published = await repo.entryFirstPublishedAt(entryId)
      return published !== undefined && published <= askedAt
    },
  }
}

export type MatchLogs = ReturnType<typeof createMatchLogs>
