// Small helpers that read the same on SQLite and PostgreSQL.

/** The first row of a query, or undefined: what drizzle's SQLite-only `.get()` gives. */
export async function first<T>(rows: PromiseLike<T[]>): Promise<T | undefined> {
  return (await rows)[0]
}
