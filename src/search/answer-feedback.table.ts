import { index, integer, real, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core'
import { createdAt, id } from '../common/columns.ts'
import { entries } from '../kb/kb.table.ts'

export type AnswerVerdict = 'helpful' | 'not_helpful'

/**
 * 这是否解答了您的问题: what an asker said of an answer given at once with no person in between
 * (the portal's answer on top). One row per match; the calibration of the automatic level reads
 * them as labelled examples (query, entry, verdict).
 */
export const answerFeedback = sqliteTable('answer_feedback', {
  id: id(),
  /** The match that produced the answer (match_logs.id). */
  matchId: text('match_id').notNull(),
  channel: text('channel').notNull(),
  /** The question as asked, masked (phone and ID numbers) like the match log. */
  query: text('query').notNull(),
  entryId: integer('entry_id').notNull().references(() => entries.id),
  verdict: text('verdict').$type<AnswerVerdict>().notNull(),
  /** The calibrated probability and the level's threshold when the answer was shown. */
  probability: real('probability').notNull(),
  threshold: real('threshold'),
  createdAt: createdAt(),
}, (t) => [
  uniqueIndex('answer_feedback_match_uq').on(t.matchId),
  index('answer_feedback_entry_idx').on(t.entryId),
  index('answer_feedback_created_idx').on(t.createdAt),
])
