// What SQLite says when a write breaks a constraint, read in one place.

/**
 * True when `e` is SQLite refusing a duplicate in a unique index. With `column` ('entries.external_id'),
 * only when that column is the one named: a table with two unique indexes tells them apart this way.
 */
export function isUniqueViolation(e: unknown, column?: string): boolean {
  return (e as { code?: string } | null)?.code === 'SQLITE_CONSTRAINT_UNIQUE' && (!column || String((e as Error).message).includes(column))
}
