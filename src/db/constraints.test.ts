import { describe, expect, it } from 'vitest'
import { isDatabaseUnavailable, isUniqueViolation } from './constraints.ts'

// drizzle wraps the driver's error (DrizzleQueryError, the driver's as `cause`).
const wrapped = (cause: object) => Object.assign(new Error('Failed query: insert …'), { cause })

describe('what the database says', () => {
  it('reads PostgreSQL out of reach (restart, failover, a broken connection) on the error or its cause, and nothing else', () => {
    // PostgreSQL's own errors carry a severity; postgres.js rejects a query with the query attached.
    const fromServer = (code: string) => ({ code, severity: 'FATAL', query: 'insert …' })
    const fromDriver = (code: string) => ({ code, query: 'insert …' })
    for (const code of ['08006', '08001', '57P01', '57P03', '25006']) {
      expect(isDatabaseUnavailable(Object.assign(new Error(code), fromServer(code))), code).toBe(true)
      expect(isDatabaseUnavailable(wrapped(fromServer(code))), `wrapped ${code}`).toBe(true)
    }
    for (const code of ['CONNECTION_CLOSED', 'CONNECTION_DESTROYED', 'CONNECT_TIMEOUT', 'ECONNREFUSED']) {
      expect(isDatabaseUnavailable(wrapped(fromDriver(code))), code).toBe(true)
    }
    // Not an outage: a protocol violation, constraint and serialisation errors, SQLite's codes.
    for (const code of ['08P01', '23505', '40001', '42P01']) expect(isDatabaseUnavailable(wrapped(fromServer(code))), code).toBe(false)
    for (const code of ['SQLITE_BUSY', 'SQLITE_CONSTRAINT_UNIQUE']) expect(isDatabaseUnavailable(wrapped({ code })), code).toBe(false)
    // A transaction whose connection closed under it is rejected with postgres.js's own error and no query
    // (seen under load at a failover: it was answered 500).
    expect(isDatabaseUnavailable(Object.assign(new Error('write CONNECTION_CLOSED 127.0.0.1:5432'), { code: 'CONNECTION_CLOSED', errno: 'CONNECTION_CLOSED', address: '127.0.0.1', port: 5432 }))).toBe(true)
    // A client's connection reset while its body was read is not the database's.
    expect(isDatabaseUnavailable(Object.assign(new Error('aborted'), { code: 'ECONNRESET' }))).toBe(false)
    expect(isDatabaseUnavailable(new Error('boom'))).toBe(false)
    expect(isDatabaseUnavailable(undefined)).toBe(false)
  })

  it('tells a unique violation on a named column from one on another, on both engines', () => {
    expect(isUniqueViolation(wrapped({ code: '23505', table_name: 'entries', detail: 'Key (external_id)=(A-1) already exists.' }), 'entries.external_id')).toBe(true)
    expect(isUniqueViolation(wrapped({ code: '23505', table_name: 'entries', detail: 'Key (slug)=(a) already exists.' }), 'entries.external_id')).toBe(false)
    expect(isUniqueViolation({ code: 'SQLITE_CONSTRAINT_UNIQUE', message: 'UNIQUE constraint failed: entries.external_id' }, 'entries.external_id')).toBe(true)
  })
})
