// The 登记台账 as rows: what the ledger (src/stats) pages through and exports. The tickets module
// owns these rows, so the office's ledger reads them here rather than joining the tables itself.
import { and, asc, count, desc, eq, gt, gte, lt, sql, type SQL } from 'drizzle-orm'
import type { Channel, ConsultationKind } from '../consultations/consultations.types.ts'
import { consultationsView } from '../consultations/consultations.queries.ts'
import type { Db } from '../db/client.ts'
import { first } from '../db/query.ts'
import { unitsView } from '../units/units.queries.ts'
import { tickets } from './tickets.table.ts'
import { overdueAt } from './tickets.repository.ts'
import type { Rating, TicketStatus } from './tickets.types.ts'

const consultations = consultationsView()
const units = unitsView()

export interface LedgerRecord {
  id: number
  number: string
  receivedAt: string
  channel: Channel
  kind: ConsultationKind
  askerName: string | null
  askerPhone: string | null
  askerEmail: string | null
  preferredReply: string | null
  question: string
  unitCode: string
  unitName: string
  assignedAt: string | null
  dueAt: string
  dueAtProvisional: boolean
  answeredAt: string | null
  answer: string | null
  replyMethod: string | null
  repliedAt: string | null
  status: TicketStatus
  /** 1 for the first handling; more once redone (重办). */
  round: number
  /** The asker's rating of the latest rated round, if any. */
  rating: Rating | null
}

export interface LedgerFilter {
  /** UTC bounds on the time of receipt: [fromUtc, toUtc). */
  fromUtc?: string
  toUtc?: string
  unitId?: number | null
  channel?: Channel
  status?: TicketStatus
  /** Only overdue tickets (true) or only the others (false), as isOverdue() says at `now`. */
  overdue?: { is: boolean; now: string }
}

const columns = {
  id: tickets.id,
  number: tickets.number,
  receivedAt: tickets.receivedAt,
  channel: consultations.channel,
  kind: consultations.kind,
  askerName: consultations.askerName,
  askerPhone: consultations.askerPhone,
  askerEmail: consultations.askerEmail,
  preferredReply: consultations.preferredReply,
  question: consultations.question,
  unitCode: units.code,
  unitName: units.name,
  assignedAt: tickets.assignedAt,
  dueAt: tickets.dueAt,
  dueAtProvisional: tickets.dueAtProvisional,
  answeredAt: tickets.answeredAt,
  answer: tickets.answer,
  replyMethod: tickets.replyMethod,
  repliedAt: tickets.repliedAt,
  status: tickets.status,
  round: tickets.round,
  // The latest rated round's rating: after a redo, the new round's once it is rated.
  rating: sql<Rating | null>`(SELECT r.rating FROM ticket_ratings r WHERE r.ticket_id = ${tickets.id} ORDER BY r.round DESC LIMIT 1)`,
}

// `byKey`: the rows are read in ticket-id order. The unary + keeps SQLite from choosing the
// (unit_id, status) index, which would make it sort all of the unit's tickets again for every chunk;
// walking the primary key instead reads the table once over the whole export.
function conditions(f: LedgerFilter, byKey = false): SQL[] {
  const where: SQL[] = []
  if (f.fromUtc) where.push(gte(tickets.receivedAt, f.fromUtc))
  if (f.toUtc) where.push(lt(tickets.receivedAt, f.toUtc))
  if (f.unitId) where.push(byKey ? sql`+${tickets.unitId} = ${f.unitId}` : eq(tickets.unitId, f.unitId))
  if (f.channel) where.push(eq(consultations.channel, f.channel))
  if (f.status) where.push(eq(tickets.status, f.status))
  if (f.overdue) where.push(f.overdue.is ? overdueAt(f.overdue.now) : sql`not (${overdueAt(f.overdue.now)})`)
  return where
}

export function createLedgerQueries(db: Db) {
  const base = () => db.select(columns).from(tickets)
    .innerJoin(consultations, eq(consultations.id, tickets.consultationId))
    .innerJoin(units, eq(units.id, tickets.unitId))

  return {
    /** One page, newest first, and how many rows match. */
    async page(f: LedgerFilter, page: number, pageSize: number): Promise<{ rows: LedgerRecord[]; total: number }> {
      const where = and(...conditions(f))
      const rows = await base().where(where).orderBy(desc(tickets.id)).limit(pageSize).offset((page - 1) * pageSize)
      const total = (await first(db.select({ n: count() }).from(tickets)
        .innerJoin(consultations, eq(consultations.id, tickets.consultationId))
        .where(where)))!.n
      return { rows, total }
    },

    /**
     * The rows in registration order, `size` at a time (keyset on the ticket id). Each chunk is read
     * to the end, by a statement of its own, before it is handed over: no cursor stays open on a
     * connection while the client reads the export, however slowly.
     */
    async *chunks(f: LedgerFilter, size = 1000): AsyncGenerator<LedgerRecord[]> {
      const where = conditions(f, true)
      let after = 0
      for (;;) {
        const rows = await base().where(and(...where, gt(tickets.id, after))).orderBy(asc(tickets.id)).limit(size)
        if (rows.length > 0) yield rows
        if (rows.length < size) return
        after = rows[rows.length - 1].id
      }
    },
  }
}

export type LedgerQueries = ReturnType<typeof createLedgerQueries>
