import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core'
import { createdAt, id, json, timestamp, updatedAt } from '../common/columns.ts'
import { topics, units } from '../units/units.table.ts'
import type { EntryStatus, Media, Validity } from './kb.types.ts'

/** 解读材料 of a policy document: 文字解读 text, 图解 image, 视频 video. */
export type InterpretationKind = 'text' | 'image' | 'video'

/** 政策文件. `validity`: 现行有效 (in_force), 失效 (expired), 废止 (repealed). */
export const policyDocuments = sqliteTable('policy_documents', {
  id: id(),
  title: text('title').notNull(),
  docNumber: text('doc_number'),
  issuer: text('issuer').notNull(),
  url: text('url'),
  publishedOn: text('published_on'),
  effectiveOn: text('effective_on'),
  expiresOn: text('expires_on'),
  validity: text('validity').$type<Validity>().notNull().default('in_force'),
  validityChangedAt: timestamp('validity_changed_at'),
  unitId: integer('unit_id').references(() => units.id),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
}, (t) => [index('policy_documents_validity_idx').on(t.validity), uniqueIndex('policy_documents_doc_number_uq').on(t.docNumber)])

/** 解读材料 of a policy document: text, image (图解) or video. */
export const interpretations = sqliteTable('interpretations', {
  id: id(),
  policyDocumentId: integer('policy_document_id').notNull().references(() => policyDocuments.id, { onDelete: 'cascade' }),
  kind: text('kind').$type<InterpretationKind>().notNull(),
  title: text('title').notNull(),
  url: text('url'),
  createdAt: createdAt(),
}, (t) => [index('interpretations_doc_idx').on(t.policyDocumentId)])

export type VersionState = 'draft' | 'in_review' | 'returned' | 'published' | 'superseded' | 'withdrawn'

/**
 * 问答条目: the identity of an entry. Its content lives in entry_versions; `publishedVersionId`
 * is the version served to agents, which stays in place while a newer version is in review.
 */
export const entries = sqliteTable('entries', {
  id: id(),
  externalId: text('external_id'),
  unitId: integer('unit_id').notNull().references(() => units.id),
  topicId: integer('topic_id').references(() => topics.id),
  status: text('status').$type<EntryStatus>().notNull().default('draft'),
  publishedVersionId: integer('published_version_id'),
  latestVersion: integer('latest_version').notNull().default(1),
  hitCount: integer('hit_count').notNull().default(0),
  lastHitAt: timestamp('last_hit_at'),
  /** The ticket this entry was promoted from (D1), if any. */
  sourceTicketId: integer('source_ticket_id'),
  publishedAt: timestamp('published_at'),
  archivedAt: timestamp('archived_at'),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
}, (t) => [
  uniqueIndex('entries_external_id_uq').on(t.externalId),
  index('entries_status_idx').on(t.status),
  index('entries_unit_idx').on(t.unitId),
  index('entries_topic_idx').on(t.topicId),
])

export const entryVersions = sqliteTable('entry_versions', {
  id: id(),
  entryId: integer('entry_id').notNull().references(() => entries.id, { onDelete: 'cascade' }),
  version: integer('version').notNull(),
  question: text('question').notNull(),
  similarQuestions: json<string[]>('similar_questions').notNull().$defaultFn(() => []),
  answer: text('answer').notNull(),
  keywords: json<string[]>('keywords').notNull().$defaultFn(() => []),
  topicId: integer('topic_id').references(() => topics.id),
  media: json<Media[]>('media').notNull().$defaultFn(() => []),
  state: text('state').$type<VersionState>().notNull().default('draft'),
  /** Index into the configured review steps while `state` is in_review. */
  reviewStep: integer('review_step'),
  changeNote: text('change_note'),
  createdBy: integer('created_by'),
  submittedAt: timestamp('submitted_at'),
  publishedAt: timestamp('published_at'),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
}, (t) => [uniqueIndex('entry_versions_entry_version_uq').on(t.entryId, t.version), index('entry_versions_state_idx').on(t.state)])

/** Which policy documents a version of an entry rests on (E1). */
export const entryVersionDocuments = sqliteTable('entry_version_documents', {
  entryVersionId: integer('entry_version_id').notNull().references(() => entryVersions.id, { onDelete: 'cascade' }),
  policyDocumentId: integer('policy_document_id').notNull().references(() => policyDocuments.id),
}, (t) => [primaryKey({ columns: [t.entryVersionId, t.policyDocumentId] }), index('evd_doc_idx').on(t.policyDocumentId)])

export type ReviewActionKind = 'submit' | 'approve' | 'return' | 'publish' | 'withdraw' | 'archive' | 'restore'

/** The review trail (G2): every submit, approve, return and publish (and archive, restore), never rewritten. */
export const reviewActions = sqliteTable('review_actions', {
  id: id(),
  entryVersionId: integer('entry_version_id').notNull().references(() => entryVersions.id, { onDelete: 'cascade' }),
  action: text('action').$type<ReviewActionKind>().notNull(),
  step: integer('step'),
  stepName: text('step_name'),
  comment: text('comment'),
  actorTokenId: integer('actor_token_id'),
  createdAt: createdAt(),
}, (t) => [index('review_actions_version_idx').on(t.entryVersionId)])
