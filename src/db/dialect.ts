// SQL that reads differently on SQLite and PostgreSQL, in one place. Each helper takes the engine,
// or the db or transaction the statement runs on, and returns the form for that engine. Where one
// form works on both (`sum(case when … then 1 else 0 end)`, `coalesce`, `lower(x) like lower(y)`)
// write that instead: a helper here is for what has no portable spelling.
import { is, sql, type SQL, type SQLWrapper } from 'drizzle-orm'
import { PgDialect } from 'drizzle-orm/pg-core'
import type { Tx } from './client.ts'

export type Engine = 'sqlite' | 'postgresql'

/**
 * The engine a db or transaction handle runs on. Unlike engineOf (src/db/open.ts), which knows only
 * the database it opened, this works on a transaction's handle too: drizzle's handles carry their dialect.
 */
export function dialectOf(on: Engine | Tx): Engine {
  if (typeof on === 'string') return on
  return is((on as unknown as { dialect?: unknown }).dialect, PgDialect) ? 'postgresql' : 'sqlite'
}

const list = (args: SQLWrapper[]) => sql.join(args.map((a) => sql`${a}`), sql`, `)

/**
 * The largest of its arguments (a row's values, not an aggregate): SQLite's scalar `max(a, b)`,
 * PostgreSQL's `greatest`. A NULL argument: SQLite gives NULL, PostgreSQL ignores it; pass NOT NULL values.
 */
export const greatest = (on: Engine | Tx, ...args: [SQLWrapper, SQLWrapper, ...SQLWrapper[]]): SQL =>
  dialectOf(on) === 'postgresql' ? sql`greatest(${list(args)})` : sql`max(${list(args)})`

/** The smallest of its arguments: SQLite's scalar `min(a, b)`, PostgreSQL's `least` (NULLs as for greatest). */
export const least = (on: Engine | Tx, ...args: [SQLWrapper, SQLWrapper, ...SQLWrapper[]]): SQL =>
  dialectOf(on) === 'postgresql' ? sql`least(${list(args)})` : sql`min(${list(args)})`

/**
 * The group's values joined by `separator` (NULLs skipped; NULL for an empty group, so wrap it in
 * coalesce): SQLite's `group_concat`, PostgreSQL's `string_agg`. The order is unspecified on both.
 */
export const stringAgg = (on: Engine | Tx, expr: SQLWrapper, separator: string): SQL =>
  dialectOf(on) === 'postgresql' ? sql`string_agg(cast(${expr} as text), ${separator})` : sql`group_concat(${expr}, ${separator})`

/**
 * The sum of a group's values as a number, 0 for an empty group or one of NULLs: SQLite's `total()`
 * (a float there). Portable already; here so that nobody reaches for `total()`.
 */
export const sumOrZero = (expr: SQLWrapper): SQL<number> => sql<number>`coalesce(sum(${expr}), 0)`

/**
 * True when the JSON array in `column` (a text column: JSON is stored as text on both engines) has
 * an element whose text is `text`: a number 7 and a string "7" both match '7'.
 * SQLite's `json_each`, PostgreSQL's `json_array_elements_text`.
 */
export function jsonArrayHas(on: Engine | Tx, column: SQLWrapper, text: string): SQL {
  return dialectOf(on) === 'postgresql'
    ? sql`exists (select 1 from json_array_elements_text(cast(${column} as json)) as element(value) where element.value = ${text})`
    : sql`exists (select 1 from json_each(${column}) as element where cast(element.value as text) = ${text})`
}

/**
 * The elements of the JSON array in `column` as a FROM item named `alias` (`from`), and each
 * element's text (`value`, NULL for a JSON null): SELECT … FROM t, ${e.from} WHERE ${e.value} = ….
 */
export function jsonArrayTexts(on: Engine | Tx, column: SQLWrapper, alias: string): { from: SQL; value: SQL<string | null> } {
  if (!/^[a-z_][a-z0-9_]*$/.test(alias)) throw new Error(`jsonArrayTexts: not a plain alias: ${alias}`)
  const name = sql.raw(alias)
  return dialectOf(on) === 'postgresql'
    ? { from: sql`json_array_elements_text(cast(${column} as json)) as ${name}(value)`, value: sql<string | null>`${name}.value` }
    : { from: sql`json_each(${column}) as ${name}`, value: sql<string | null>`cast(${name}.value as text)` }
}

/**
 * The calendar day of an ISO instant (text, '2025-10-09T16:30:00.000Z') in a fixed offset from UTC
 * (+8 for China), as 'YYYY-MM-DD' text: SQLite's `date(x, '+8 hours')`.
 */
export function localDate(on: Engine | Tx, isoInstant: SQLWrapper, offsetHours: number): SQL<string> {
  if (!Number.isInteger(offsetHours)) throw new Error('localDate: a whole number of hours')
  return dialectOf(on) === 'postgresql'
    ? sql<string>`to_char(cast(${isoInstant} as timestamptz) at time zone 'UTC' + make_interval(hours => ${sql.raw(String(offsetHours))}), 'YYYY-MM-DD')`
    : sql<string>`date(${isoInstant}, ${sql.raw(`'${offsetHours >= 0 ? '+' : ''}${offsetHours} hours'`)})`
}

/** The month of an ISO instant in a fixed offset from UTC, as 'YYYY-MM' text: SQLite's `strftime('%Y-%m', x, '+8 hours')`. */
export function localMonth(on: Engine | Tx, isoInstant: SQLWrapper, offsetHours: number): SQL<string> {
  if (!Number.isInteger(offsetHours)) throw new Error('localMonth: a whole number of hours')
  return dialectOf(on) === 'postgresql'
    ? sql<string>`to_char(cast(${isoInstant} as timestamptz) at time zone 'UTC' + make_interval(hours => ${sql.raw(String(offsetHours))}), 'YYYY-MM')`
    : sql<string>`strftime('%Y-%m', ${isoInstant}, ${sql.raw(`'${offsetHours >= 0 ? '+' : ''}${offsetHours} hours'`)})`
}

/**
 * ` for update` on PostgreSQL, to end a SELECT with: the rows stay locked until the transaction ends,
 * so a second writer reads them only once the first has committed. Nothing on SQLite, where the one
 * writer connection (BEGIN IMMEDIATE) already keeps writers apart.
 */
export const forUpdate = (tx: Tx): SQL => (dialectOf(tx) === 'postgresql' ? sql` for update` : sql``)
