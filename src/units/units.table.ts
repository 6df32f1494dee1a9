import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core'
import { createdAt, id, updatedAt } from '../common/columns.ts'

/** 政策制定单位: the drafting units that own entries and answer tickets. */
export const units = sqliteTable('units', {
  id: id(),
  code: text('code').notNull(),
  name: text('name').notNull(),
  /** 政策解读专员 and how to reach the unit. */
  contactName: text('contact_name'),
  contactPhone: text('contact_phone'),
  contactEmail: text('contact_email'),
  active: integer('active', { mode: 'boolean' }).notNull().default(true),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
}, (t) => [uniqueIndex('units_code_uq').on(t.code)])

/** Policy areas. `required` marks the areas whose coverage the office supervises (A3). */
export const topics = sqliteTable('topics', {
  id: id(),
  code: text('code').notNull(),
  name: text('name').notNull(),
  required: integer('required', { mode: 'boolean' }).notNull().default(false),
  /** The unit usually responsible for the area: a hint for routing tickets. */
  defaultUnitId: integer('default_unit_id').references(() => units.id),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
}, (t) => [uniqueIndex('topics_code_uq').on(t.code), index('topics_required_idx').on(t.required)])
