import type { Readable } from 'node:stream'
import type { Channel } from '../consultations/consultations.types.ts'
import type { Db } from '../db/client.ts'
import type { PrivacyService } from '../privacy/privacy.service.ts'
import type { TicketStatus } from '../tickets/tickets.types.ts'
import { checkDays } from './format.ts'
import { ledgerCsvStream, ledgerXlsxStream } from './ledger.export.ts'
import { createLedgerQueries, type LedgerFilter } from '../tickets/tickets.ledger.ts'
import { ledgerView } from './ledger.rows.ts'
import type { Scope } from './scope.ts'
import { shanghaiDate, shanghaiDays, systemClock, type Clock } from '../common/time.ts'

export interface LedgerQuery {
  /** Shanghai dates of receipt, both included; either may be left open. */
  from?: string
  to?: string
  channel?: Channel
  status?: TicketStatus
  /** 是否超期: the tickets module's rule (isOverdue), at the time the ledger is read. */
  overdue?: boolean
}

export type ExportFormat = 'csv' | 'xlsx'

const CONTENT_TYPES: Record<ExportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
}

/** `nowIso`: the instant the rows' 是否超期 is shown for, so that the filter and the column agree. */
function toFilter(q: LedgerQuery, scope: Scope, nowIso: string): LedgerFilter {
  checkDays(q)
  return {
    ...shanghaiDays(q.from, q.to),
    unitId: scope.unitId,
    channel: q.channel,
    status: q.status,
    overdue: q.overdue === undefined ? undefined : { is: q.overdue, now: nowIso },
  }
}

export function createLedgerService({ db, privacy, now = systemClock }: { db: Db; privacy: Pick<PrivacyService, 'snapshot'>; now?: Clock }) {
  const repo = createLedgerQueries(db)

  return {
    /** The ledger for the console, newest first, masked like the export. */
    async list(q: LedgerQuery & { page: number; pageSize: number }, scope: Scope) {
      const nowIso = now().toISOString()
      const { rows, total } = await repo.page(toFilter(q, scope, nowIso), q.page, q.pageSize)
      const shown = await privacy.snapshot()
      return { items: rows.map((r) => ledgerView(r, nowIso, shown)), total, page: q.page, pageSize: q.pageSize }
    },

    /** The filed ledger as a stream, in registration order; no row is read until the stream is. */
    async export(format: ExportFormat, q: LedgerQuery, scope: Scope): Promise<{ stream: Readable; contentType: string; filename: string }> {
      const current = now()
      const filter = toFilter(q, scope, current.toISOString())
      const chunks = repo.chunks(filter)
      const shown = await privacy.snapshot()
      const stream = format === 'csv' ? ledgerCsvStream(chunks, current.toISOString(), shown) : ledgerXlsxStream(chunks, current.toISOString(), shown)
      const span = `${q.from ?? '开始'}至${q.to ?? shanghaiDate(current)}`
      return { stream, contentType: CONTENT_TYPES[format], filename: `登记台账_${span}.${format}` }
    },
  }
}

export type LedgerService = ReturnType<typeof createLedgerService>
