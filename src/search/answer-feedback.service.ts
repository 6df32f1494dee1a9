// 这是否解答了您的问题: the public's verdict on answers given at once, kept for the matcher's owner.
import { and, count, desc, eq, gte, lte, sql, type SQL } from 'drizzle-orm'
import type { Db, Tx } from '../db/client.ts'
import { isUniqueViolation } from '../db/constraints.ts'
import { first } from '../db/query.ts'
import { maskText } from '../privacy/privacy.text.ts'
import { answerFeedback, type AnswerVerdict } from './answer-feedback.table.ts'

export interface AnswerFeedbackInput {
  matchId: string
  channel: string
  query: string
  entryId: number
  verdict: AnswerVerdict
  probability: number
  threshold: number | null
}

export interface AnswerFeedbackQuery { entryId?: number; verdict?: AnswerVerdict; from?: string; to?: string; page: number; pageSize: number }


export function createAnswerFeedbackService({ db }: { db: Db }) {
  return {
    /**
     * Records one verdict on the answer a match gave. One per match: false when the match already
     * has one (a second click, a resubmitted form), and the first verdict stands.
     */
    async record(input: AnswerFeedbackInput, tx: Tx = db): Promise<boolean> {
      try {
        // In a savepoint: on PostgreSQL a refused insert would abort the caller's whole transaction.
        await tx.transaction(async (sp) => { await sp.insert(answerFeedback).values({ ...input, query: maskText(input.query.slice(0, 2000)) }) })
        return true
      } catch (e) {
        if (isUniqueViolation(e)) return false
        throw e
      }
    },

    /** The labelled examples, newest first: what calibration of the automatic level can learn from. */
    async list(q: AnswerFeedbackQuery) {
      const where: SQL[] = []
      if (q.entryId !== undefined) where.push(eq(answerFeedback.entryId, q.entryId))
      if (q.verdict) where.push(eq(answerFeedback.verdict, q.verdict))
      if (q.from) where.push(gte(answerFeedback.createdAt, q.from))
      if (q.to) where.push(lte(answerFeedback.createdAt, q.to))
      const cond = where.length ? and(...where) : undefined
      const items = await db.select().from(answerFeedback).where(cond).orderBy(desc(answerFeedback.id))
        .limit(q.pageSize).offset((q.page - 1) * q.pageSize)
      const total = (await first(db.select({ n: count() }).from(answerFeedback).where(cond)))!.n
      const summary = (await first(db.select({
        // A sum of 1s and 0s: a comparison does not sum on PostgreSQL.
        helpful: sql<number>`coalesce(sum(case when ${answerFeedback.verdict} = 'helpful' then 1 else 0 end), 0)`,
        notHelpful: sql<number>`coalesce(sum(case when ${answerFeedback.verdict} = 'not_helpful' then 1 else 0 end), 0)`,
      }).from(answerFeedback).where(cond)))!
      return { items, total, page: q.page, pageSize: q.pageSize, summary }
    },
  }
}

export type AnswerFeedbackService = ReturnType<typeof createAnswerFeedbackService>
