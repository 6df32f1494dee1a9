import { index, integer, primaryKey, real, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core'
import { createdAt, id, json, timestamp } from '../common/columns.ts'

/**
 * Synonyms and related terms. Weight 1: `term` is read as `canonical` on both sides (社保 → 社会保险).
 * Below 1: an everyday word that only stands close to an official one (房本 ~ 不动产权证书 0.8): a
 * question holding `term` also looks for `canonical`, at that weight, and the library is not rewritten.
 */
export const synonyms = sqliteTable('synonyms', {
  id: id(),
  term: text('term').notNull(),
  canonical: text('canonical').notNull(),
  weight: real('weight').notNull().default(1),
  createdAt: createdAt(),
}, (t) => [uniqueIndex('synonyms_term_uq').on(t.term)])

/** Policy terms added to jieba's user dictionary so they are kept whole (城乡居民医保). */
export const dictionaryTerms = sqliteTable('dictionary_terms', {
  id: id(),
  term: text('term').notNull(),
  createdAt: createdAt(),
}, (t) => [uniqueIndex('dictionary_terms_term_uq').on(t.term)])

export interface LoggedCandidate { entryId: number; confidence: number; matchedQuestion: string }

/** One call of the matcher, kept so agents can give feedback against its `matchId`. */
export const matchLogs = sqliteTable('match_logs', {
  id: text('id').primaryKey(),
  question: text('question').notNull(),
  topicCode: text('topic_code'),
  matched: integer('matched', { mode: 'boolean' }).notNull(),
  confidence: real('confidence').notNull(),
  topEntryId: integer('top_entry_id'),
  candidates: json<LoggedCandidate[]>('candidates').notNull(),
  tokenId: integer('token_id'),
  /** Feedback: the entry the agent used, or `noneFitted`. */
  usedEntryId: integer('used_entry_id'),
  noneFitted: integer('none_fitted', { mode: 'boolean' }),
  feedbackAt: timestamp('feedback_at'),
  /**
   * Hit counting (one use, one hit): when a consultation was first answered from this match. That
   * consultation counted the hit, so feedback given afterwards only records the choice.
   */
  answeredAt: timestamp('answered_at'),
  /**
   * The hit that feedback counted because no consultation had been answered from this match yet. A
   * consultation answered from the match later takes it over (and moves it if it names another entry).
   */
  feedbackHitEntryId: integer('feedback_hit_entry_id'),
  feedbackHitQuestion: text('feedback_hit_question'),
  createdAt: createdAt(),
}, (t) => [index('match_logs_created_idx').on(t.createdAt), index('match_logs_none_idx').on(t.noneFitted)])

/** Hits per question of an entry (the standard question or one similar question). */
export const questionHits = sqliteTable('question_hits', {
  entryId: integer('entry_id').notNull(),
  question: text('question').notNull(),
  hits: integer('hits').notNull().default(0),
  lastHitAt: timestamp('last_hit_at'),
}, (t) => [primaryKey({ columns: [t.entryId, t.question] })])

/**
 * What jieba, OpenCC and pinyin made of each published entry (matcher.EntryTokens as JSON), so a
 * restart builds the index without cutting the library again. `key` is a hash of the entry's texts
 * and of everything the cutting depends on (dictionary, synonyms, normaliser); a row whose key no
 * longer fits is recomputed. A cache only: losing it costs time, never correctness.
 */
export const entryTokens = sqliteTable('search_entry_tokens', {
  entryId: integer('entry_id').primaryKey(),
  key: text('key').notNull(),
  tokens: text('tokens').notNull(),
})
