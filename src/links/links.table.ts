import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core'
import { id, timestamp } from '../common/columns.ts'

// Link checks (A5): the last result for every URL the library shows, and the runs that checked them.

/** ok: opened; broken: an error status, no answer, a timeout or a redirect loop; refused: the address policy forbids it. */
export type LinkState = 'ok' | 'broken' | 'refused'

export const linkChecks = sqliteTable('link_checks', {
  id: id(),
  url: text('url').notNull().unique(),
  state: text('state').$type<LinkState>().notNull(),
  httpStatus: integer('http_status'),
  /** HEAD or GET: what gave the verdict. */
  method: text('method'),
  finalUrl: text('final_url'),
  error: text('error'),
  checkedAt: text('checked_at').notNull(),
  /** When it last opened; null if it never has. */
  lastOkAt: timestamp('last_ok_at'),
  /** Since when it has been failing without a success in between. */
  failingSince: timestamp('failing_since'),
  durationMs: integer('duration_ms'),
  runId: integer('run_id'),
}, (t) => [index('link_checks_state_idx').on(t.state)])

export type RunState = 'running' | 'done' | 'interrupted'

export const linkCheckRuns = sqliteTable('link_check_runs', {
  id: id(),
  trigger: text('trigger').$type<'schedule' | 'manual'>().notNull(),
  state: text('state').$type<RunState>().notNull(),
  startedAt: text('started_at').notNull(),
  finishedAt: timestamp('finished_at'),
  total: integer('total').notNull().default(0),
  checked: integer('checked').notNull().default(0),
  ok: integer('ok').notNull().default(0),
  broken: integer('broken').notNull().default(0),
  startedBy: integer('started_by'),
})
