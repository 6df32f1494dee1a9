import { describe, expect, it } from 'vitest'
import { isDatabaseUnavailable, isUniqueViolation } from './constraints.ts'

// drizzle wraps the driver's error (DrizzleQueryError, the driver's as `cause`).
const wrapped = (cause: object) => Object.assign(new Error('Failed query: insert …'), { cause })

describe('what the database says', () => {
  it('reads PostgreSQL out of reach (restart, failover, a broken connection) on the error or its cause, and nothing else', () => {
    for (const code of ['CONNECTION_CLOSED', 'CONNECTION_DESTROYED', 'CONNECT_TIMEOUT', 'ECONNREFUSED', '08006', '08001', '57P01', '57P03', '25006']) {
      expect(isDatabaseUnavailable(Object.assign(new Error(code), { code })), code).toBe(true)
      expect(isDatabaseUnavailable(wrapped({ code })), `wrapped ${code}`).toBe(true)
    }
    for (const code of ['23505', '40001', '42P01', 'SQLITE_BUSY', 'SQLITE_CONSTRAINT_UNIQUE', 57]) {
      expect(isDatabaseUnavailable(wrapped({ code })), String(code)).toBe(false)
    }
    expect(isDatabaseUnavailable(new Error('boom'))).toBe(false)
    expect(isDatabaseUnavailable(undefined)).toBe(false)
  })

  it('tells a unique violation on a named column from one on another, on both engines', () => {
    expect(isUniqueViolation(wrapped({ code: '23505', table_name: 'entries', detail: 'Key (external_id)=(A-1) already exists.' }), 'entries.external_id')).toBe(true)
    expect(isUniqueViolation(wrapped({ code: '23505', table_name: 'entries', detail: 'Key (slug)=(a) already exists.' }), 'entries.external_id')).toBe(false)
    expect(isUniqueViolation({ code: 'SQLITE_CONSTRAINT_UNIQUE', message: 'UNIQUE constraint failed: entries.external_id' }, 'entries.external_id')).toBe(true)
  })
})
