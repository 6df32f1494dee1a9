// What happened to each match: the log of every match, written in batches; which candidate an agent
// used or that none fitted (feedback); the hits each entry counts; the misses list; and the settled
// matches the calibration learns from (decision.ts).
import type { FastifyBaseLogger } from 'fastify'
import type { Db, Tx } from '../db/client.ts'
import type { MatchLogRow, SearchRepository, SettledMatch } from './search.repository.ts'
import { FeedbackAlreadyGivenError, FeedbackEntryNotFoundError, MatchNotFoundError } from './search.errors.ts'

export type FeedbackInput = { entryId: number; matchedQuestion?: string } | { noneFitted: true }

// Match logs are written in batches, off the request: each commit waits for the disk (synchronous=FULL),
// so one per second rather than one per few requests. A crash loses at most that second of logs
// (never a consultation); feedback and the misses list write pending logs first.
const LOG_BATCH = 1000
const LOG_FLUSH_MS = 1000
/** The most recent matches agents settled that the calibration learns from, and how many new ones refit it. */
const FEEDBACK_EXAMPLES = 2000
const REFIT_AFTER = 50

export interface MatchLogDeps {
  db: Db
  repo: SearchRepository
  log: Pick<FastifyBaseLogger, 'error'>
  /** The standard question of an entry in the index, if it is there. */
  questionOf(entryId: number): string | undefined
  /** Starts a refit of the calibration (a rebuild) unless one cannot start now; true if it started. */
  refit(): boolean
}

export function createMatchLogs({ db, repo, log, questionOf, refit }: MatchLogDeps) {
  /** Matches agents settled since the calibration last read them: REFIT_AFTER of them start a refit. */
  let settledSinceRead = 0
  function settled() {
    settledSinceRead++
    if (settledSinceRead >= REFIT_AFTER && refit()) settledSinceRead = 0
  }

  // One transaction per LOG_BATCH rows or per LOG_FLUSH_MS.
  let pendingLogs: MatchLogRow[] = []
  let flushTimer: NodeJS.Timeout | null = null
  function flushLogs() {
    if (flushTimer) { clearTimeout(flushTimer); flushTimer = null }
    if (pendingLogs.length === 0) return
    const rows = pendingLogs
    pendingLogs = []
    try {
      repo.insertMatchLogs(rows)
    } catch (err) {
      log.error({ err, rows: rows.length }, 'match logs could not be written')
    }
  }
  function queueLog(row: MatchLogRow) {
    pendingLogs.push(row)
    // Inside someone's transaction (a consultation's intake matches too) the batch waits for the
    // timer: a rollback there must not take the logs with it.
    if (pendingLogs.length >= LOG_BATCH && !db.$client.inTransaction) flushLogs()
    else if (!flushTimer) { flushTimer = setTimeout(flushLogs, LOG_FLUSH_MS); flushTimer.unref() }
  }

  return {
    queueLog,
    flushLogs,

    /**
     * Records which candidate was used, or that none fitted (the misses list and the training signal).
     * It counts a hit only while no consultation has been answered from this match: a consultation
     * answered with an entry is where a use is counted (recordHit), so a client that sends both
     * counts one use once. Feedback given first counts the hit and a later consultation takes it over.
     */
    feedback(matchId: string, input: FeedbackInput) {
      flushLogs()
      return db.transaction((tx) => {
        const logged = repo.matchLog(tx, matchId)
        if (!logged) throw new MatchNotFoundError(matchId)
        if (logged.feedbackAt) throw new FeedbackAlreadyGivenError(matchId)
        if ('noneFitted' in input) {
          repo.setFeedback(tx, matchId, { usedEntryId: null, noneFitted: true })
          settled()
          return { matchId, usedEntryId: null, matchedQuestion: null, noneFitted: true }
        }
        if (!repo.entryExists(input.entryId)) throw new FeedbackEntryNotFoundError(String(input.entryId))
        const matchedQuestion = input.matchedQuestion
          ?? logged.candidates.find((c) => c.entryId === input.entryId)?.matchedQuestion
          ?? questionOf(input.entryId) ?? null
        if (logged.answeredAt) {
          repo.setFeedback(tx, matchId, { usedEntryId: input.entryId, noneFitted: false })
        } else {
          repo.setFeedback(tx, matchId, { usedEntryId: input.entryId, noneFitted: false, feedbackHitEntryId: input.entryId, feedbackHitQuestion: matchedQuestion })
          repo.recordHit(tx, input.entryId, matchedQuestion)
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
    recordHit(tx: Tx, entryId: number, matchedQuestion?: string | null, matchId?: string | null, byAgent = false) {
      const question = matchedQuestion ?? questionOf(entryId) ?? null
      const now = new Date().toISOString()
      // Still in the batch: no feedback can have been given on it (feedback flushes the batch first).
      // Should the caller's transaction roll back, the mark stays: feedback on the match then counts nothing.
      const pending = matchId ? pendingLogs.find((r) => r.id === matchId) : undefined
      if (pending) { pending.answeredAt ??= now; if (byAgent) pending.usedEntryId ??= entryId }
      const logged = matchId && !pending ? repo.matchLog(tx, matchId) : undefined
      // An agent who answers with an entry has said which one was right: a label for the calibration,
      // when this match has none yet.
      if (byAgent && (pending || (logged && !logged.feedbackAt && logged.usedEntryId === null && !logged.noneFitted))) settled()
      const claimed = logged?.feedbackHitEntryId ?? null
      if (claimed === null) {
        repo.recordHit(tx, entryId, question)
      } else if (claimed !== entryId) {
        repo.undoHit(tx, claimed, logged!.feedbackHitQuestion)
        repo.recordHit(tx, entryId, question)
      }
      if (logged) repo.markAnswered(tx, logged.id, now, byAgent ? entryId : null)
    },

    listMisses(page = 1, pageSize = 20) {
      flushLogs()
      return repo.listMisses(page, pageSize)
    },
    questionHits: (entryId: number) => repo.questionHits(entryId),

    /**
     * The most recent settled matches, for the calibration: what agents did with real questions. Those
     * settled from now on count towards the next refit.
     */
    settledMatches(): SettledMatch[] {
      settledSinceRead = 0
      return repo.settledMatches(FEEDBACK_EXAMPLES)
    },
    /** Whether an entry was served when a question was asked: one published after could not have been found. */
    servedAt(entryId: number, askedAt: string): boolean {
      const published = repo.entryFirstPublishedAt(entryId)
      return published !== undefined && published <= askedAt
    },
  }
}

export type MatchLogs = ReturnType<typeof createMatchLogs>
