import { and, asc, count, eq, or, type SQL } from 'drizzle-orm'
import { likeContains } from '../common/like.ts'
import type { Db } from '../db/client.ts'
import { isUniqueViolation } from '../db/constraints.ts'
import { recordIndexChange } from '../db/change-log.ts'
import { unitOfWork } from '../db/unit-of-work.ts'
import { first } from '../db/query.ts'
import { topics, units } from './units.table.ts'
import { TopicCodeTakenError, TopicNotFoundError, UnitCodeTakenError, UnitNotFoundError } from './units.errors.ts'
import { withDetails } from '../plugins/errors.ts'

const withField = <E extends Error>(error: E, field: string | undefined, message: string) => (field ? withDetails(error, [{ field, message }]) : error)

export interface UnitInput { code: string; name: string; contactName?: string | null; contactPhone?: string | null; contactEmail?: string | null; active?: boolean }
export interface TopicInput { code: string; name: string; required?: boolean; defaultUnitCode?: string | null }


/** Told after commit that units or topics changed (their names are shown with every served answer). A throw is reported by the unit of work. */
export type UnitsChangeListener = (kind: 'units' | 'topics') => void

export function createUnitsService({ db }: { db: Db }) {
  const listeners: UnitsChangeListener[] = []
  const uow = unitOfWork(db)
  /**
   * A change of a unit or topic, in a transaction (a savepoint of the request's): recorded for the
   * other processes (db/change-log.ts), and told to this process's listeners after the commit.
   */
  const changing = <T>(kind: 'units' | 'topics', change: () => Promise<T>): Promise<T> => db.transaction(async () => {
    const result = await change()
    recordIndexChange(db, kind)
    for (const listener of listeners) uow.afterCommit(() => listener(kind))
    return result
  })
  const unitByCode = (code: string) => first(db.select().from(units).where(eq(units.code, code)))

  async function topicView(row: typeof topics.$inferSelect) {
    const unit = row.defaultUnitId ? await first(db.select({ code: units.code, name: units.name }).from(units).where(eq(units.id, row.defaultUnitId))) : undefined
    return { id: row.id, code: row.code, name: row.name, required: row.required, defaultUnit: unit ?? null }
  }

  return {
    /** Calls `listener` after the commit of a change to a unit or a topic (not of a new one: nothing shows it yet). */
    onChange(listener: UnitsChangeListener) { listeners.push(listener) },
    unitByCode,
    /** The unit named by `code`; `field` is where the request named it (a body field, a query parameter), for the refusal. */
    async requireUnit(code: string, field?: string) {
      const unit = await unitByCode(code)
      if (!unit) throw withField(new UnitNotFoundError(code), field, `单位 ${code} 不存在`)
      return unit
    },
    async getUnit(id: number) {
      const unit = await first(db.select().from(units).where(eq(units.id, id)))
      if (!unit) throw new UnitNotFoundError(String(id))
      return unit
    },
    async listUnits(q: { page: number; pageSize: number; q?: string; active?: boolean }) {
      const where: SQL[] = []
      if (q.q) where.push(or(likeContains(units.name, q.q), likeContains(units.code, q.q))!)
      if (q.active !== undefined) where.push(eq(units.active, q.active))
      const cond = where.length ? and(...where) : undefined
      const items = await db.select().from(units).where(cond).orderBy(asc(units.code)).limit(q.pageSize).offset((q.page - 1) * q.pageSize)
      const total = (await first(db.select({ n: count() }).from(units).where(cond)))!.n
      return { items, total, page: q.page, pageSize: q.pageSize }
    },
    async createUnit(input: UnitInput) {
      try {
        // In a savepoint: on PostgreSQL a refused insert would abort the request's whole transaction.
        return await db.transaction(async (tx) => (await tx.insert(units).values(input).returning())[0]!)
      } catch (e) {
        if (isUniqueViolation(e)) throw new UnitCodeTakenError(input.code)
        throw e
      }
    },
    updateUnit: (id: number, patch: Partial<Omit<UnitInput, 'code'>>) => changing('units', async () => {
      const row = await first(db.update(units).set(patch).where(eq(units.id, id)).returning())
      if (!row) throw new UnitNotFoundError(String(id))
      return row
    }),

    topicByCode: (code: string) => first(db.select().from(topics).where(eq(topics.code, code))),
    async requireTopic(code: string, field?: string) {
      const topic = await first(db.select().from(topics).where(eq(topics.code, code)))
      if (!topic) throw withField(new TopicNotFoundError(code), field, `政策领域 ${code} 不存在`)
      return topic
    },
    async listTopics(q: { required?: boolean } = {}) {
      const rows = await db.select().from(topics).where(q.required === undefined ? undefined : eq(topics.required, q.required)).orderBy(asc(topics.id))
      const views = []
      for (const row of rows) views.push(await topicView(row))
      return views
    },
    async createTopic(input: TopicInput) {
      const defaultUnitId = input.defaultUnitCode ? (await this.requireUnit(input.defaultUnitCode, 'defaultUnitCode')).id : null
      try {
        // In a savepoint, as createUnit's insert.
        const row = await db.transaction(async (tx) => (await tx.insert(topics).values({ code: input.code, name: input.name, required: input.required ?? false, defaultUnitId }).returning())[0]!)
        return await topicView(row)
      } catch (e) {
        if (isUniqueViolation(e)) throw new TopicCodeTakenError(input.code)
        throw e
      }
    },
    updateTopic(id: number, patch: Partial<Omit<TopicInput, 'code'>>) {
      return changing('topics', async () => {
        const { defaultUnitCode, ...rest } = patch
        const set: Partial<typeof topics.$inferInsert> = { ...rest }
        if (defaultUnitCode !== undefined) set.defaultUnitId = defaultUnitCode ? (await this.requireUnit(defaultUnitCode, 'defaultUnitCode')).id : null
        const row = await first(db.update(topics).set(set).where(eq(topics.id, id)).returning())
        if (!row) throw new TopicNotFoundError(String(id))
        return await topicView(row)
      })
    },
  }
}

export type UnitsService = ReturnType<typeof createUnitsService>
