import { and, count, desc, eq, sql, type SQL } from 'drizzle-orm'
import type { Db, Tx } from '../db/client.ts'
import { greatest, least } from '../db/dialect.ts'
import { first } from '../db/query.ts'
import { entriesView, entryUnitId } from '../kb/kb.queries.ts'
import { unitsView } from '../units/units.queries.ts'
import { draftingTasks, questionProposals, type DraftingTaskStatus, type ProposalStatus } from './proposals.table.ts'

type Conn = Db | Tx

// Entries and units are other modules' tables: joined through the views they publish.
const entry = entriesView()
const unit = unitsView()

const proposalColumns = {
  id: questionProposals.id, question: questionProposals.question, asked: questionProposals.asked,
  askedAutomatically: questionProposals.askedAutomatically, firstAskedAt: questionProposals.firstAskedAt,
  lastAskedAt: questionProposals.lastAskedAt, status: questionProposals.status, decidedAt: questionProposals.decidedAt,
  comment: questionProposals.comment, entryVersionId: questionProposals.entryVersionId,
  entryId: entry.id, entryQuestion: entry.question, entryStatus: entry.status,
  unitId: unit.id, unitCode: unit.code, unitName: unit.name,
}

const taskColumns = {
  id: draftingTasks.id, question: draftingTasks.question, variants: draftingTasks.variants, asked: draftingTasks.asked,
  note: draftingTasks.note, status: draftingTasks.status, createdAt: draftingTasks.createdAt, closedAt: draftingTasks.closedAt,
  closingComment: draftingTasks.closingComment, entryId: draftingTasks.entryId,
  unitId: unit.id, unitCode: unit.code, unitName: unit.name,
}

export function createProposalsRepository() {
  const proposals = (c: Conn) => c.select(proposalColumns).from(questionProposals)
    // The view's question is the wording the unit knows the entry by: what is served, else its latest version.
    .innerJoin(entry, eq(entry.id, questionProposals.entryId))
    .innerJoin(unit, eq(unit.id, entry.unitId))
  const tasks = (c: Conn) => c.select(taskColumns).from(draftingTasks).innerJoin(unit, eq(unit.id, draftingTasks.unitId))

  return {
    /** One more asking of this wording for this entry; a decided proposal keeps its decision. */
    async countAsked(tx: Tx, p: { entryId: number; question: string; key: string; at: string; automatically: boolean }): Promise<void> {
      await tx.insert(questionProposals).values({
        entryId: p.entryId, question: p.question, key: p.key, firstAskedAt: p.at, lastAskedAt: p.at, askedAutomatically: p.automatically ? 1 : 0,
      }).onConflictDoUpdate({
        target: [questionProposals.entryId, questionProposals.key],
        set: {
          asked: sql`${questionProposals.asked} + 1`,
          askedAutomatically: sql`${questionProposals.askedAutomatically} + ${p.automatically ? 1 : 0}`,
          firstAskedAt: least(tx, questionProposals.firstAskedAt, sql`${p.at}`),
          lastAskedAt: greatest(tx, questionProposals.lastAskedAt, sql`${p.at}`),
        },
      })
    },

    async listProposals(c: Conn, q: { status?: ProposalStatus; unitId?: number; entryId?: number; page: number; pageSize: number }) {
      const where = and(
        q.status ? eq(questionProposals.status, q.status) : undefined,
        q.unitId !== undefined ? eq(entry.unitId, q.unitId) : undefined,
        q.entryId !== undefined ? eq(questionProposals.entryId, q.entryId) : undefined,
      )
      const items = await proposals(c).where(where).orderBy(desc(questionProposals.asked), desc(questionProposals.lastAskedAt), desc(questionProposals.id))
        .limit(q.pageSize).offset((q.page - 1) * q.pageSize)
      const total = (await first(c.select({ n: count() }).from(questionProposals).innerJoin(entry, eq(entry.id, questionProposals.entryId)).where(where)))!.n
      return { items, total }
    },
    proposalById: (c: Conn, id: number) => first(proposals(c).where(eq(questionProposals.id, id))),
    async decideProposal(tx: Tx, id: number, d: { status: Exclude<ProposalStatus, 'open'>; by: number | null; comment: string | null; entryVersionId?: number | null; question?: string }) {
      await tx.update(questionProposals).set({
        status: d.status, decidedBy: d.by, decidedAt: new Date().toISOString(), comment: d.comment,
        entryVersionId: d.entryVersionId ?? null, ...(d.question ? { question: d.question } : {}),
      }).where(and(eq(questionProposals.id, id), eq(questionProposals.status, 'open')))
    },

    async insertTask(tx: Tx, t: { unitId: number; question: string; variants: string[]; asked: number; note: string | null; createdBy: number | null }): Promise<number> {
      return (await tx.insert(draftingTasks).values(t).returning({ id: draftingTasks.id }))[0].id
    },
    async listTasks(c: Conn, q: { status?: DraftingTaskStatus; unitId?: number; page: number; pageSize: number }) {
      const where: SQL | undefined = and(q.status ? eq(draftingTasks.status, q.status) : undefined, q.unitId !== undefined ? eq(draftingTasks.unitId, q.unitId) : undefined)
      const items = await tasks(c).where(where).orderBy(desc(draftingTasks.id)).limit(q.pageSize).offset((q.page - 1) * q.pageSize)
      const total = (await first(c.select({ n: count() }).from(draftingTasks).where(where)))!.n
      return { items, total }
    },
    taskById: (c: Conn, id: number) => first(tasks(c).where(eq(draftingTasks.id, id))),
    async closeTask(tx: Tx, id: number, t: { status: Exclude<DraftingTaskStatus, 'open'>; by: number | null; comment: string | null; entryId: number | null }) {
      await tx.update(draftingTasks).set({ status: t.status, closedBy: t.by, closedAt: new Date().toISOString(), closingComment: t.comment, entryId: t.entryId })
        .where(and(eq(draftingTasks.id, id), eq(draftingTasks.status, 'open')))
    },
    entryUnitId: (c: Conn, entryId: number) => entryUnitId(c, entryId),
  }
}
