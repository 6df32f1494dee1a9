// The words people read for a ticket's codes: its status and the asker's rating. The one
// definition: /tickets, the ledger and its exports, the follow-up views, error messages and the
// console (through GET /api/v1/meta/labels) all read these.
//
// The status words follow the documents' flow (docs/requirements.md, C1–C3): a question filed in the
// ledger waits to be handed over (待交办), is handed to the drafting unit (已交办), the unit answers
// (单位已答复), the asker is told (已回复咨询人), and the office closes it (已办结). "已登记" would be
// true of every row of the ledger, so it names no state.
import type { TicketStatus } from './tickets.types.ts'
import type { Rating } from './tickets.types.ts'

export const TICKET_STATUS_LABELS: Readonly<Record<TicketStatus, string>> = {
  registered: '待交办',
  assigned: '已交办',
  answered: '单位已答复',
  replied: '已回复咨询人',
  closed: '已办结',
}

/** What a citizen reads on the public pages: plain words, no internal steps. */
export const PUBLIC_STATUS_LABELS: Readonly<Record<TicketStatus, string>> = {
  registered: '已受理，正在分派承办单位',
  assigned: '承办单位办理中',
  answered: '已答复',
  replied: '已答复',
  closed: '已办结',
}

/** The asker's rating of a reply (H2). */
export const RATING_LABELS: Readonly<Record<Rating, string>> = { satisfied: '满意', basically_satisfied: '基本满意', unsatisfied: '不满意' }
