// H1: the monthly list of representative consultations and replies, de-identified for publication.
import { asc, count, desc, eq } from 'drizzle-orm'
import type { Actor } from '../auth/auth.service.ts'
import type { Db, Tx } from '../db/client.ts'
import { first } from '../db/query.ts'
import { ticketForPublication } from '../tickets/tickets.queries.ts'
import type { PrivacyService } from '../privacy/privacy.service.ts'
import { BOM, csvLine } from './csv.ts'
import { shanghaiDate, systemClock, type Clock } from '../common/time.ts'
import { publicationItems } from './stats.table.ts'
import {
  PublicationItemNotFoundError, PublicationTicketNotFoundError, PublicationTicketTakenError, PublicationTicketUnansweredError,
  PublicationTicketWrongMonthError,
} from './stats.errors.ts'
import { withDetails } from '../plugins/errors.ts'

// A 留言摘要 is a summary: long letters are cut here, and the office may edit the text afterwards.
export const SUMMARY_MAX = 500

/** 2026-11 → 2026年11月; 2026-12-07 → 2026年12月7日. */
const monthLabel = (month: string) => `${month.slice(0, 4)}年${Number(month.slice(5, 7))}月`
const dayLabel = (day: string) => `${monthLabel(day)}${Number(day.slice(8, 10))}日`

const summarise = (text: string) => ([...text].length > SUMMARY_MAX ? `${[...text].slice(0, SUMMARY_MAX - 1).join('')}…` : text)

type Item = typeof publicationItems.$inferSelect
const view = (r: Item) => ({
  id: r.id, month: r.month, ticketId: r.ticketId, summary: r.summary, receivedOn: r.receivedOn,
  repliedOn: r.repliedOn, unitName: r.unitName, answer: r.answer, createdAt: r.createdAt,
})

/** The refusal of a ticket already on another month's list, naming it by its ledger number. */
async function taken(tx: Tx, ticketId: number, item: Item) {
  const number = (await ticketForPublication(tx, ticketId))?.number ?? String(ticketId)
  return withDetails(new PublicationTicketTakenError(number, monthLabel(item.month)), [{
    field: 'ticketIds', ticketId, number, month: item.month, itemId: item.id,
    message: `工单 ${number} 已在${monthLabel(item.month)}的名单上：一件工单只能选入一个月的答复公开，如需改选请先从该月名单中移除`,
  }])
}

export function createPublicationsService({ db, privacy, now = systemClock }: { db: Db; privacy: Pick<PrivacyService, 'snapshot'>; now?: Clock }) {
  const listMonth = (month: string) =>
    db.select().from(publicationItems).where(eq(publicationItems.month, month)).orderBy(asc(publicationItems.receivedOn), asc(publicationItems.id))

  const list = async (month: string) => ({ month, items: (await listMonth(month)).map(view) })

  return {
    list,

    /** Months that have a list, newest first, with the number of items in each. */
    months: async () => await db.select({ month: publicationItems.month, items: count() }).from(publicationItems)
      .groupBy(publicationItems.month).orderBy(desc(publicationItems.month)),

    /**
     * Adds tickets to a month's list, de-identified on the way in. A month's list holds the tickets
     * received (受理, Beijing date) in that month, the date the ledger and the statistics count
     * periods by: so a list made public once its month is over (the portal) never shows a ticket of
     * the month still running. Every ticket received in another month is named in one refusal.
     * Choosing a ticket already on the same month's list changes nothing; a ticket on another
     * month's list is refused.
     */
    async select(month: string, ticketIds: number[], actor: Pick<Actor, 'tokenId'>) {
      const published = await privacy.snapshot()
      await db.transaction(async (tx) => {
        const chosen: { ticketId: number; t: NonNullable<Awaited<ReturnType<typeof ticketForPublication>>> }[] = []
        const wrongMonth: { ticketId: number; number: string; receivedOn: string }[] = []
        for (const ticketId of new Set(ticketIds)) {
          const existing = await first(tx.select().from(publicationItems).where(eq(publicationItems.ticketId, ticketId)))
          if (existing) {
            if (existing.month !== month) throw await taken(tx, ticketId, existing)
            continue
          }
          const t = await ticketForPublication(tx, ticketId)
          if (!t) throw withDetails(new PublicationTicketNotFoundError(String(ticketId)), [{ field: 'ticketIds', ticketId, message: `登记台账中没有编号为 ${ticketId} 的工单` }])
          const receivedOn = shanghaiDate(t.receivedAt)
          // Received in a later month: on this list it would be public before its own month has ended.
          if (receivedOn.slice(0, 7) > month) wrongMonth.push({ ticketId, number: t.number, receivedOn })
          chosen.push({ ticketId, t })
        }
        if (wrongMonth.length) {
          throw withDetails(new PublicationTicketWrongMonthError(wrongMonth.map((w) => w.number).join('、'), monthLabel(month)), wrongMonth.map((w) => ({
            field: 'ticketIds', ticketId: w.ticketId, number: w.number, receivedOn: w.receivedOn,
            message: `工单 ${w.number} 受理于 ${dayLabel(w.receivedOn)}，晚于${monthLabel(month)}`,
          })))
        }
        for (const { ticketId, t } of chosen) {
          if (!t.answer || !t.repliedAt) {
            throw withDetails(new PublicationTicketUnansweredError(t.number), [{ field: 'ticketIds', ticketId, number: t.number, message: `工单 ${t.number} 尚未答复咨询人：只能选入“已回复咨询人”或“已办结”的工单` }])
          }
          const asker = { name: t.askerName, phone: t.askerPhone, email: t.askerEmail }
          // Two people choosing the same ticket at once: the first row stands, and the second is
          // told as if it had been there already (on PostgreSQL the insert waits for the first to commit).
          const [added] = await tx.insert(publicationItems).values({
            month,
            ticketId,
            summary: summarise(published.deidentify(t.question, asker)),
            receivedOn: shanghaiDate(t.receivedAt),
            repliedOn: shanghaiDate(t.repliedAt),
            unitName: t.unitName,
            answer: published.deidentify(t.answer, asker),
            selectedBy: actor.tokenId,
          }).onConflictDoNothing({ target: publicationItems.ticketId }).returning({ id: publicationItems.id })
          if (!added) {
            const other = (await first(tx.select().from(publicationItems).where(eq(publicationItems.ticketId, ticketId))))!
            if (other.month !== month) throw await taken(tx, ticketId, other)
          }
        }
      })
      return list(month)
    },

    /**
     * A ticket sent back for redoing (重办): the answer on its list item was the finished round's. A
     * list not yet public (its month still running: the portal shows a month from the 1st of the next,
     * Beijing time) lets go of the item, and the office may choose the ticket again once the asker
     * has been told the new answer. A list already public is left as it was published, not changed
     * behind the readers' backs: the office corrects or removes the item by hand if it must. Runs in
     * the redo's transaction; returns the note for the ticket's history.
     */
    async ticketRedone(tx: Tx, ticketId: number): Promise<string | null> {
      const item = await first(tx.select().from(publicationItems).where(eq(publicationItems.ticketId, ticketId)))
      if (!item) return null
      if (item.month < shanghaiDate(now()).slice(0, 7)) return `该工单在${monthLabel(item.month)}的答复公开已公开，公开内容未改动，如需更正请在答复公开中修改或移除`
      await tx.delete(publicationItems).where(eq(publicationItems.id, item.id))
      return `已从${monthLabel(item.month)}的答复公开名单中移除，再次回复咨询人后可重新选入`
    },

    /** The office may polish the de-identified summary or answer before publishing. */
    async update(id: number, patch: { summary?: string; answer?: string }) {
      const row = await first(db.update(publicationItems).set(patch).where(eq(publicationItems.id, id)).returning())
      if (!row) throw new PublicationItemNotFoundError(String(id))
      return view(row)
    },

    async remove(id: number): Promise<void> {
      const row = await first(db.delete(publicationItems).where(eq(publicationItems.id, id)).returning())
      if (!row) throw new PublicationItemNotFoundError(String(id))
    },

    /** The month's list as CSV (UTF-8 with BOM): 序号、留言摘要、受理日期、答复日期、答复部门、答复内容. */
    async csv(month: string) {
      const rows = await listMonth(month)
      let text = BOM + csvLine(['序号', '留言摘要', '受理日期', '答复日期', '答复部门', '答复内容'])
      rows.forEach((r, i) => { text += csvLine([i + 1, r.summary, r.receivedOn, r.repliedOn, r.unitName, r.answer]) })
      return { text, filename: `答复公开_${month}.csv` }
    },
  }
}

export type PublicationsService = ReturnType<typeof createPublicationsService>
