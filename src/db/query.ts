// Small helpers that read the same on SQLite and PostgreSQL.

/**
 * The first row of a query, or undefined: what drizzle's SQLite-only `.get()` gives. Takes a query
 * builder or what `db.all(sql…)` returns (typed as rows on SQLite, a promise on PostgreSQL).
 */
export async function first<T>(rows: PromiseLike<T[]> | T[]): Promise<T | undefined> {
  return (await rows)[0]
}
