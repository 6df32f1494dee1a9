// What other modules may read of units and topics. Their tables are this module's own: another
// module calls these functions, or joins a published view, and never names `units` or `topics`.
import { asc, desc, eq, inArray, isNotNull, sql } from 'drizzle-orm'
import { QueryBuilder } from 'drizzle-orm/sqlite-core'
import type { Tx } from '../db/client.ts'
import { stringAgg } from '../db/dialect.ts'
import { first } from '../db/query.ts'
import { topics, units } from './units.table.ts'

export type Unit = typeof units.$inferSelect
export type Topic = typeof topics.$inferSelect
export interface Ref { code: string; name: string }

const qb = new QueryBuilder()

/**
 * The units as other modules may join them: id, code, name, active. A view rather than the table, so
 * the columns here are the promise and the rest of the table can change; SQLite flattens the
 * subquery into the join, so it costs what a join on the table costs. The alias names each use.
 */
export const unitsView = (alias = 'unit') =>
  qb.select({ id: units.id, code: units.code, name: units.name, active: units.active }).from(units).as(alias)

/** The topics as other modules may join them: id, code, name, required, default unit. */
export const topicsView = (alias = 'topic') =>
  qb.select({ id: topics.id, code: topics.code, name: topics.name, required: topics.required, defaultUnitId: topics.defaultUnitId }).from(topics).as(alias)

export const unitByCode = (tx: Tx, code: string): Promise<Unit | undefined> => first(tx.select().from(units).where(eq(units.code, code)))
export const unitById = (tx: Tx, id: number): Promise<Unit | undefined> => first(tx.select().from(units).where(eq(units.id, id)))

/** Every unit, active or not, by code: the order the office reads its figures in. */
export const allUnits = (tx: Tx) =>
  tx.select({ id: units.id, code: units.code, name: units.name, active: units.active }).from(units).orderBy(asc(units.code))

/** Code and name of every unit, by id. */
export const unitRefs = async (tx: Tx): Promise<Map<number, Ref>> =>
  new Map((await tx.select({ id: units.id, code: units.code, name: units.name }).from(units)).map((u) => [u.id, { code: u.code, name: u.name }]))

/** Unit ids by code: of these codes, or of every unit. */
export async function unitIdsByCode(tx: Tx, codes?: string[]): Promise<Map<string, number>> {
  if (codes?.length === 0) return new Map()
  const rows = await tx.select({ id: units.id, code: units.code }).from(units).where(codes ? inArray(units.code, codes) : undefined)
  return new Map(rows.map((u) => [u.code, u.id]))
}

export const topicByCode = (tx: Tx, code: string): Promise<Topic | undefined> => first(tx.select().from(topics).where(eq(topics.code, code)))
export const topicById = (tx: Tx, id: number): Promise<Topic | undefined> => first(tx.select().from(topics).where(eq(topics.id, id)))

/** Code and name of every topic, by id. */
export const topicRefs = async (tx: Tx): Promise<Map<number, Ref>> =>
  new Map((await tx.select({ id: topics.id, code: topics.code, name: topics.name }).from(topics)).map((t) => [t.id, { code: t.code, name: t.name }]))

/** Every topic in the order they were created, with whether its area is required. */
export const allTopics = (tx: Tx) =>
  tx.select({ id: topics.id, code: topics.code, name: topics.name, required: topics.required }).from(topics).orderBy(asc(topics.id))

/** Every topic, the required areas first, then in the order they were created. */
export const topicsInOrder = (tx: Tx) =>
  tx.select({ id: topics.id, code: topics.code, name: topics.name, required: topics.required }).from(topics).orderBy(desc(topics.required), asc(topics.id))

/** Units' published contact numbers: public, so masking leaves them alone. */
export const contactPhones = async (tx: Tx): Promise<string[]> => (await tx.select({ phone: units.contactPhone }).from(units).where(isNotNull(units.contactPhone))).map((r) => r.phone!)

/** What the contact numbers are: it changes whenever one does. */
export async function contactPhonesFingerprint(tx: Tx): Promise<string> {
  const u = (await first(tx.select({ n: sql<number>`count(*)`, phones: sql<string>`coalesce(${stringAgg(tx, units.contactPhone, ',')}, '')` }).from(units)))!
  return `${u.n}:${u.phones}`
}

/** The code of each given topic's default unit, for topics that have one. */
export async function topicUnitCodes(tx: Tx, codes: string[]): Promise<Map<string, string>> {
  if (codes.length === 0) return new Map()
  const rows = await tx.select({ code: topics.code, unitCode: units.code }).from(topics)
    .innerJoin(units, eq(units.id, topics.defaultUnitId))
    .where(inArray(topics.code, codes))
  return new Map(rows.map((r) => [r.code, r.unitCode]))
}
