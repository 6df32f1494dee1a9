import { integer, sqliteTable, text } from 'drizzle-orm/sqlite-core'
import { createdAt, json } from '../common/columns.ts'

/**
 * A year's official schedule entered by an administrator. It overrides the chinese-days
 * package for that year: for a new year's notice, or a mid-year change.
 */
export const calendarYears = sqliteTable('calendar_years', {
  year: integer('year').primaryKey(),
  /** Days off that would otherwise be working days, with the holiday's name. */
  holidays: json<{ date: string; name: string }[]>('holidays').notNull(),
  /** 调休: weekend days that are worked. */
  workdays: json<{ date: string; name: string }[]>('workdays').notNull(),
  sourceUrl: text('source_url').notNull(),
  updatedBy: integer('updated_by'),
  updatedAt: createdAt(),
})
