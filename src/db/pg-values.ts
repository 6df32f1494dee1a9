// How values cross postgres.js so that the SQLite table objects, which the app uses on both
// engines, read and write on PostgreSQL what they read and write on SQLite. Pass it to the client:
// postgres(url, { types: PG_VALUE_TYPES }).
//
// - bool: a SQLite boolean column sends 1 or 0. postgres.js serialises a boolean parameter as
//   `x === true ? 't' : 'f'`, so 1 would be stored as false, silently. Here 1 and true are true.
// - int8 and numeric: count(*) and sum() are bigint or numeric, which postgres.js returns as
//   strings; SQLite returns numbers, and the app's sql<number> expects them. Counts stay far
//   below 2^53.
export const PG_VALUE_TYPES = {
  sqliteBoolean: { to: 16, from: [16], serialize: (x: unknown) => (x === true || x === 1 ? 't' : 'f'), parse: (x: string) => x === 't' },
  countsAsNumbers: { to: 20, from: [20, 1700], serialize: (x: unknown) => String(x), parse: (x: string) => Number(x) },
}
