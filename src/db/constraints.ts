// What the database says when a write breaks a constraint, read in one place, on either engine.
//
// drizzle may wrap the driver's error (DrizzleQueryError, the driver's as `cause`): both are looked at.
// On PostgreSQL a failed statement aborts the whole transaction, so a write that may break a
// constraint on purpose (a duplicate turned into a 409) runs in a savepoint: `await tx.transaction(…)`.

interface DriverError {
  code?: unknown
  message?: unknown
  /** PostgreSQL (postgres.js): the table, the constraint and "Key (a, b)=(…) already exists." */
  table_name?: unknown
  constraint_name?: unknown
  detail?: unknown
}

/** The error and what it wraps, outermost first. */
function chain(e: unknown): DriverError[] {
  const out: DriverError[] = []
  for (let at = e; at && typeof at === 'object' && out.length < 4; at = (at as { cause?: unknown }).cause) out.push(at as DriverError)
  return out
}

/** The columns a PostgreSQL unique violation names: from its detail, else its constraint's name. */
function pgColumnNamed(err: DriverError, table: string, column: string): boolean {
  if (err.table_name !== undefined && err.table_name !== table) return false
  const key = typeof err.detail === 'string' ? /^Key \((.*?)\)=/.exec(err.detail) : null
  if (key) return key[1].split(',').map((c) => c.trim().replace(/^"|"$/g, '')).includes(column)
  return typeof err.constraint_name === 'string' && err.constraint_name.includes(column)
}

/**
 * True when `e` is the database refusing a duplicate in a unique index (SQLite's
 * SQLITE_CONSTRAINT_UNIQUE, PostgreSQL's 23505). With `column` ('entries.external_id'), only when
 * that column is among the index's: a table with two unique indexes tells them apart this way.
 */
export function isUniqueViolation(e: unknown, column?: string): boolean {
  return chain(e).some((err) => {
    if (err.code === 'SQLITE_CONSTRAINT_UNIQUE') {
      return !column || String(err.message).includes(column)
    }
    if (err.code !== '23505') return false
    if (!column) return true
    const dot = column.indexOf('.')
    return pgColumnNamed(err, column.slice(0, dot), column.slice(dot + 1))
  })
}

/** True when `e` is the database refusing a row whose foreign key points nowhere (or a delete that would leave one so). */
export function isForeignKeyViolation(e: unknown): boolean {
  return chain(e).some((err) => err.code === 'SQLITE_CONSTRAINT_FOREIGNKEY' || err.code === '23503')
}

/** postgres.js's own codes for a connection that broke or could not be made: only its connections raise them. */
const DRIVER_CODES = new Set(['CONNECTION_CLOSED', 'CONNECTION_DESTROYED', 'CONNECTION_ENDED', 'CONNECT_TIMEOUT'])
/** A socket's codes: the database's on an error a query was rejected with, a client's otherwise. */
const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH'])

/**
 * True when PostgreSQL is out of reach for the moment: restarting, failing over to its standby, or
 * a connection that broke. SQLSTATE class 08 (connection exception; not 08P01, a protocol violation),
 * 57P01–57P03 (shut down, or not accepting connections yet), 25006 (a standby, read-only, before its
 * promotion), read only from PostgreSQL's own errors (they carry a `severity`); postgres.js's own
 * connection codes (CONNECTION_CLOSED …) wherever they come from (a transaction whose connection
 * closed under it is rejected with one and no `query`); a socket's codes only on an error that a
 * query was rejected with (it carries the `query`), so a client's connection reset while its request
 * body was read stays a client error. Worth a retry with the same Idempotency-Key, not an alarm.
 */
export function isDatabaseUnavailable(e: unknown): boolean {
  const errors = chain(e)
  const fromQuery = errors.some((x) => 'query' in x)
  return errors.some((x) => {
    const code = x.code
    if (typeof code !== 'string') return false
    if ('severity' in x && ((code.startsWith('08') && code !== '08P01') || /^57P0[123]$/.test(code) || code === '25006')) return true
    return DRIVER_CODES.has(code) || (fromQuery && SOCKET_CODES.has(code))
  })
}
