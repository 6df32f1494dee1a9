import { index, integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core'
import { createdAt, id, json, timestamp, updatedAt } from '../common/columns.ts'

export type ImportKind = 'entries' | 'documents'
/**
 * validating: the file is being read and checked (the dry run); validated: the report is ready;
 * importing: the rows are being written, in one transaction; done; failed: the file could not be
 * read, or the import was refused (nothing written).
 */
export type ImportStatus = 'validating' | 'validated' | 'importing' | 'done' | 'failed'
export type RowAction = 'create' | 'update' | 'unchanged' | 'error'
export interface RowProblem { column: string; message: string }

/** 导入任务: one uploaded spreadsheet, its dry run and its import. */
export const importJobs = sqliteTable('import_jobs', {
  id: id(),
  kind: text('kind').$type<ImportKind>().notNull(),
  tokenId: integer('token_id').notNull(),
  fileName: text('file_name').notNull(),
  format: text('format').$type<'xlsx' | 'csv'>().notNull(),
  fileSize: integer('file_size').notNull(),
  fileSha256: text('file_sha256').notNull(),
  status: text('status').$type<ImportStatus>().notNull(),
  /** Progress of the current phase: bytes of the file read while validating, rows written while importing. */
  bytesRead: integer('bytes_read').notNull().default(0),
  rowsRead: integer('rows_read').notNull().default(0),
  rowsWritten: integer('rows_written').notNull().default(0),
  toCreate: integer('to_create').notNull().default(0),
  toUpdate: integer('to_update').notNull().default(0),
  unchanged: integer('unchanged').notNull().default(0),
  errorRows: integer('error_rows').notNull().default(0),
  /** What the import did: {created, updated, unchanged, published}. */
  result: json<Record<string, number>>('result'),
  errorCode: text('error_code'),
  errorMessage: text('error_message'),
  /** A note for the person, e.g. that a restart interrupted the import and nothing was written. */
  note: text('note'),
  phaseStartedAt: timestamp('phase_started_at'),
  validatedAt: timestamp('validated_at'),
  finishedAt: timestamp('finished_at'),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
}, (t) => [index('import_jobs_token_idx').on(t.tokenId), index('import_jobs_status_idx').on(t.status)])

/** The rows of an uploaded file as checked: what each would do, its problems, and its cells for the report. */
export const importJobRows = sqliteTable('import_job_rows', {
  jobId: integer('job_id').notNull().references(() => importJobs.id, { onDelete: 'cascade' }),
  rowNo: integer('row_no').notNull(),
  action: text('action').$type<RowAction>().notNull(),
  /** The row resolved for the knowledge base (codes and ids); null when the row has errors. */
  input: json<unknown>('input'),
  cells: json<string[]>('cells').notNull(),
  problems: json<RowProblem[]>('problems'),
}, (t) => [
  primaryKey({ columns: [t.jobId, t.rowNo] }),
  // The errors of a job without reading every row's cells (a 100,000-row file keeps ~200 MB here).
  index('import_job_rows_action_idx').on(t.jobId, t.action, t.rowNo),
])
