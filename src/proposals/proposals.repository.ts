import { and, count, desc, eq, sql, type SQL } from 'drizzle-orm'
import type { Db, Tx } from '../db/client.ts'
import { entries, entryVersions } from '../kb/kb.table.ts'
import { units } from '../units/units.table.ts'
import { draftingTasks, questionProposals, type DraftingTaskStatus, type ProposalStatus } from './proposals.table.ts'

type Conn = Db | Tx


const proposalColumns = {
  id: questionProposals.id, question: questionProposals.question, asked: questionProposals.asked,
  askedAutomatically: questionProposals.askedAutomatically, firstAskedAt: questionProposals.firstAskedAt,
  lastAskedAt: questionProposals.lastAskedAt, status: questionProposals.status, decidedAt: questionProposals.decidedAt,
  comment: questionProposals.comment, entryVersionId: questionProposals.entryVersionId,
  entryId: entries.id, entryQuestion: entryVersions.question, entryStatus: entries.status,
  unitId: units.id, unitCode: units.code, unitName: units.name,
}

const taskColumns = {
  id: draftingTasks.id, question: draftingTasks.question, variants: draftingTasks.variants, asked: draftingTasks.asked,
  note: draftingTasks.note, status: draftingTasks.status, createdAt: draftingTasks.createdAt, closedAt: draftingTasks.closedAt,
  closingComment: draftingTasks.closingComment, entryId: draftingTasks.entryId,
  unitId: units.id, unitCode: units.code, unitName: units.name,
}

export function createProposalsRepository() {
  const proposals = (c: Conn) => c.select(proposalColumns).from(questionProposals)
    .innerJoin(entries, eq(entries.id, questionProposals.entryId))
    // The wording the unit knows the entry by: what is served, else its latest version.
    .innerJoin(entryVersions, and(eq(entryVersions.entryId, entries.id), sql`${entryVersions.id} = coalesce(${entries.publishedVersionId}, (select max(v.id) from entry_versions v where v.entry_id = ${entries.id}))`))
    .innerJoin(units, eq(units.id, entries.unitId))
  const tasks = (c: Conn) => c.select(taskColumns).from(draftingTasks).innerJoin(units, eq(units.id, draftingTasks.unitId))

  return {
    /** One more asking of this wording for this entry; a decided proposal keeps its decision. */
    countAsked(tx: Tx, p: { entryId: number; question: string; key: string; at: string; automatically: boolean }) {
      tx.insert(questionProposals).values({
        entryId: p.entryId, question: p.question, key: p.key, firstAskedAt: p.at, lastAskedAt: p.at, askedAutomatically: p.automatically ? 1 : 0,
      }).onConflictDoUpdate({
        target: [questionProposals.entryId, questionProposals.key],
        set: {
          asked: sql`${questionProposals.asked} + 1`,
          askedAutomatically: sql`${questionProposals.askedAutomatically} + ${p.automatically ? 1 : 0}`,
          firstAskedAt: sql`min(${questionProposals.firstAskedAt}, ${p.at})`,
          lastAskedAt: sql`max(${questionProposals.lastAskedAt}, ${p.at})`,
        },
      }).run()
    },

    listProposals(c: Conn, q: { status?: ProposalStatus; unitId?: number; entryId?: number; page: number; pageSize: number }) {
      const where = and(
        q.status ? eq(questionProposals.status, q.status) : undefined,
        q.unitId !== undefined ? eq(entries.unitId, q.unitId) : undefined,
        q.entryId !== undefined ? eq(questionProposals.entryId, q.entryId) : undefined,
      )
      const items = proposals(c).where(where).orderBy(desc(questionProposals.asked), desc(questionProposals.lastAskedAt), desc(questionProposals.id))
        .limit(q.pageSize).offset((q.page - 1) * q.pageSize).all()
      const total = c.select({ n: count() }).from(questionProposals).innerJoin(entries, eq(entries.id, questionProposals.entryId)).where(where).get()!.n
      return { items, total }
    },
    proposalById: (c: Conn, id: number) => proposals(c).where(eq(questionProposals.id, id)).get(),
    decideProposal(tx: Tx, id: number, d: { status: Exclude<ProposalStatus, 'open'>; by: number | null; comment: string | null; entryVersionId?: number | null; question?: string }) {
      tx.update(questionProposals).set({
        status: d.status, decidedBy: d.by, decidedAt: new Date().toISOString(), comment: d.comment,
        entryVersionId: d.entryVersionId ?? null, ...(d.question ? { question: d.question } : {}),
      }).where(and(eq(questionProposals.id, id), eq(questionProposals.status, 'open'))).run()
    },

    insertTask(tx: Tx, t: { unitId: number; question: string; variants: string[]; asked: number; note: string | null; createdBy: number | null }) {
      return tx.insert(draftingTasks).values(t).returning({ id: draftingTasks.id }).get().id
    },
    listTasks(c: Conn, q: { status?: DraftingTaskStatus; unitId?: number; page: number; pageSize: number }) {
      const where: SQL | undefined = and(q.status ? eq(draftingTasks.status, q.status) : undefined, q.unitId !== undefined ? eq(draftingTasks.unitId, q.unitId) : undefined)
      const items = tasks(c).where(where).orderBy(desc(draftingTasks.id)).limit(q.pageSize).offset((q.page - 1) * q.pageSize).all()
      const total = c.select({ n: count() }).from(draftingTasks).where(where).get()!.n
      return { items, total }
    },
    taskById: (c: Conn, id: number) => tasks(c).where(eq(draftingTasks.id, id)).get(),
    closeTask(tx: Tx, id: number, t: { status: Exclude<DraftingTaskStatus, 'open'>; by: number | null; comment: string | null; entryId: number | null }) {
      tx.update(draftingTasks).set({ status: t.status, closedBy: t.by, closedAt: new Date().toISOString(), closingComment: t.comment, entryId: t.entryId })
        .where(and(eq(draftingTasks.id, id), eq(draftingTasks.status, 'open'))).run()
    },
    entryUnitId: (c: Conn, entryId: number) => c.select({ unitId: entries.unitId }).from(entries).where(eq(entries.id, entryId)).get()?.unitId,
  }
}
