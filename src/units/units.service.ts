import { and, asc, count, eq, or, type SQL } from 'drizzle-orm'
import { likeContains } from '../common/like.ts'
import type { Db } from '../db/client.ts'
import { isUniqueViolation } from '../db/constraints.ts'
import { topics, units } from './units.table.ts'
import { TopicCodeTakenError, TopicNotFoundError, UnitCodeTakenError, UnitNotFoundError } from './units.errors.ts'

export interface UnitInput { code: string; name: string; contactName?: string | null; contactPhone?: string | null; contactEmail?: string | null; active?: boolean }
export interface TopicInput { code: string; name: string; required?: boolean; defaultUnitCode?: string | null }


export function createUnitsService({ db }: { db: Db }) {
  const unitByCode = (code: string) => db.select().from(units).where(eq(units.code, code)).get()

  function topicView(row: typeof topics.$inferSelect) {
    const unit = row.defaultUnitId ? db.select({ code: units.code, name: units.name }).from(units).where(eq(units.id, row.defaultUnitId)).get() : undefined
    return { id: row.id, code: row.code, name: row.name, required: row.required, defaultUnit: unit ?? null }
  }

  return {
    unitByCode,
    requireUnit(code: string) {
      const unit = unitByCode(code)
      if (!unit) throw new UnitNotFoundError(code)
      return unit
    },
    getUnit(id: number) {
      const unit = db.select().from(units).where(eq(units.id, id)).get()
      if (!unit) throw new UnitNotFoundError(String(id))
      return unit
    },
    listUnits(q: { page: number; pageSize: number; q?: string; active?: boolean }) {
      const where: SQL[] = []
      if (q.q) where.push(or(likeContains(units.name, q.q), likeContains(units.code, q.q))!)
      if (q.active !== undefined) where.push(eq(units.active, q.active))
      const cond = where.length ? and(...where) : undefined
      const items = db.select().from(units).where(cond).orderBy(asc(units.code)).limit(q.pageSize).offset((q.page - 1) * q.pageSize).all()
      const total = db.select({ n: count() }).from(units).where(cond).get()!.n
      return { items, total, page: q.page, pageSize: q.pageSize }
    },
    createUnit(input: UnitInput) {
      try {
        return db.insert(units).values(input).returning().get()
      } catch (e) {
        if (isUniqueViolation(e)) throw new UnitCodeTakenError(input.code)
        throw e
      }
    },
    updateUnit(id: number, patch: Partial<Omit<UnitInput, 'code'>>) {
      const row = db.update(units).set(patch).where(eq(units.id, id)).returning().get()
      if (!row) throw new UnitNotFoundError(String(id))
      return row
    },

    topicByCode: (code: string) => db.select().from(topics).where(eq(topics.code, code)).get(),
    requireTopic(code: string) {
      const topic = db.select().from(topics).where(eq(topics.code, code)).get()
      if (!topic) throw new TopicNotFoundError(code)
      return topic
    },
    listTopics(q: { required?: boolean } = {}) {
      const rows = db.select().from(topics).where(q.required === undefined ? undefined : eq(topics.required, q.required)).orderBy(asc(topics.id)).all()
      return rows.map(topicView)
    },
    createTopic(input: TopicInput) {
      const defaultUnitId = input.defaultUnitCode ? this.requireUnit(input.defaultUnitCode).id : null
      try {
        return topicView(db.insert(topics).values({ code: input.code, name: input.name, required: input.required ?? false, defaultUnitId }).returning().get())
      } catch (e) {
        if (isUniqueViolation(e)) throw new TopicCodeTakenError(input.code)
        throw e
      }
    },
    updateTopic(id: number, patch: Partial<Omit<TopicInput, 'code'>>) {
      const { defaultUnitCode, ...rest } = patch
      const set: Partial<typeof topics.$inferInsert> = { ...rest }
      if (defaultUnitCode !== undefined) set.defaultUnitId = defaultUnitCode ? this.requireUnit(defaultUnitCode).id : null
      const row = db.update(topics).set(set).where(eq(topics.id, id)).returning().get()
      if (!row) throw new TopicNotFoundError(String(id))
      return topicView(row)
    },
  }
}

export type UnitsService = ReturnType<typeof createUnitsService>
