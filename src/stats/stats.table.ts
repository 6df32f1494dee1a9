import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core'
import { createdAt, id } from '../common/columns.ts'

/** Representative consultations chosen by the office for the monthly publication (H1). */
export const publicationItems = sqliteTable('publication_items', {
  id: id(),
  month: text('month').notNull(),
  ticketId: integer('ticket_id').notNull(),
  summary: text('summary').notNull(),
  receivedOn: text('received_on').notNull(),
  repliedOn: text('replied_on'),
  unitName: text('unit_name').notNull(),
  answer: text('answer').notNull(),
  selectedBy: integer('selected_by'),
  createdAt: createdAt(),
}, (t) => [uniqueIndex('publication_items_ticket_uq').on(t.ticketId), index('publication_items_month_idx').on(t.month)])
