// The privacy module's service: the list of public numbers, kept current, and the masking
// functions with that list filled in, for every module to call.
import { sql, type SQL, type SQLWrapper } from 'drizzle-orm'
import { connectionsOf, type Db } from '../db/client.ts'
import { dialectOf } from '../db/dialect.ts'
import { createPrivacyRepository } from './privacy.repository.ts'
import { deidentify, maskText, publicNumbersIn, type KnownAsker, type MaskContext } from './privacy.text.ts'
import type { AskerAccess } from './privacy.access.ts'

/**
 * The SQL function that masks a question for a search by a viewer who may not see it in full:
 * privacy_mask_text(text, asker name, asker phone, asker e-mail, public numbers), the numbers'
 * digits comma-separated. On SQLite maskText itself (a user-defined function on every connection);
 * on PostgreSQL its PL/pgSQL twin, made by migrations-pg/0002_privacy_mask_text.sql.
 */
export const MASK_SQL_FUNCTION = 'privacy_mask_text'

export interface AskerColumns { name: SQLWrapper; phone: SQLWrapper; email: SQLWrapper }

/** SQL for `text` masked as maskText masks it, with `publicNumbers` kept as written. */
export const maskTextSql = (text: SQLWrapper, asker: AskerColumns, publicNumbers: ReadonlySet<string>): SQL =>
  sql`${sql.raw(MASK_SQL_FUNCTION)}(${text}, ${asker.name}, ${asker.phone}, ${asker.email}, ${[...publicNumbers].join(',')})`

/** The list argument of privacy_mask_text as a set, for the SQLite function: the last one read is kept (a search passes one list for every row). */
function numbersReader() {
  let last: { list: string; numbers: ReadonlySet<string> } = { list: '', numbers: new Set() }
  return (list: unknown): ReadonlySet<string> => {
    const text = typeof list === 'string' ? list : ''
    if (text !== last.list) last = { list: text, numbers: new Set(text.split(',').filter(Boolean)) }
    return last.numbers
  }
}

/** Registers privacy_mask_text on every SQLite connection of `db` (none on PostgreSQL, whose migrations make it). */
function registerMaskFunction(db: Db) {
  if (dialectOf(db) !== 'sqlite') return
  const numbersOf = numbersReader()
  for (const connection of connectionsOf(db)) {
    connection.function(MASK_SQL_FUNCTION, (text: unknown, name: unknown, phone: unknown, email: unknown, numbers: unknown) =>
      typeof text === 'string'
        ? maskText(text, { asker: { name: name as string | null, phone: phone as string | null, email: email as string | null }, publicNumbers: numbersOf(numbers) })
        : text)
  }
}

export function createPrivacyService({ db }: { db: Db }) {
  const repo = createPrivacyRepository(db)
  let cache: { counter: string | undefined; fingerprint: string; numbers: ReadonlySet<string> } | undefined

  /**
   * The digits of every public service number: units' contact phones and the numbers in published
   * entries. Checked on each call, and rebuilt only when the units or the published entries changed,
   * in this process or another: on SQLite against the connections' change counters (the fingerprint
   * only once they moved), on PostgreSQL against the fingerprint itself (privacy.repository.ts). The
   * counter is read before the sources, so a change committed meanwhile makes the next call look again.
   */
  async function publicNumbers(): Promise<ReadonlySet<string>> {
    const counter = repo.changeCounter()
    if (counter !== undefined && cache?.counter === counter) return cache.numbers
    const fingerprint = await repo.fingerprint()
    if (cache?.fingerprint === fingerprint) {
      cache.counter = counter
      return cache.numbers
    }
    const numbers = new Set<string>()
    for (const phone of await repo.unitPhones()) for (const n of publicNumbersIn(phone)) numbers.add(n)
    for (const text of await repo.publishedTexts()) for (const n of publicNumbersIn(text)) numbers.add(n)
    cache = { counter, fingerprint, numbers }
    return numbers
  }

  /**
   * The masking functions over one reading of the list: for a page or an export, read once (the
   * only await), then called synchronously for every text.
   */
  async function snapshot(numbers?: ReadonlySet<string>) {
    return masking(numbers ?? await publicNumbers())
  }

  function masking(numbers: ReadonlySet<string>) {
    const context = (asker?: KnownAsker | null): MaskContext => ({ asker, publicNumbers: numbers })
    return {
      /** Masks free text about an asker (138****5678, 张*): lists, exports, events, logs. */
      mask: (text: string, asker?: KnownAsker | null) => maskText(text, context(asker)),
      /** The text as the access allows: as written, or masked. */
      show: <T extends string | null>(text: T, access: AskerAccess, asker?: KnownAsker | null): T =>
        (text === null || access === 'full' ? text : maskText(text, context(asker))) as T,
      /** Removes personal details from text that is published (去标识化): promotion, replies, statistics. */
      deidentify: (text: string, asker?: KnownAsker | null) => deidentify(text, context(asker)),
    }
  }

  const service = {
    publicNumbers,
    snapshot,
    /** One text: reads the list (a snapshot is cheaper for many). */
    mask: async (text: string, asker?: KnownAsker | null) => (await snapshot()).mask(text, asker),
    show: async <T extends string | null>(text: T, access: AskerAccess, asker?: KnownAsker | null): Promise<T> => (await snapshot()).show(text, access, asker),
    deidentify: async (text: string, asker?: KnownAsker | null) => (await snapshot()).deidentify(text, asker),
    /**
     * SQL for a column's text as a masked viewer sees it, for a LIKE over it: the list of public
     * numbers is read here and passed to the SQL function (MASK_SQL_FUNCTION) with the statement.
     */
    async maskedSql(text: SQLWrapper, asker: AskerColumns): Promise<SQL> {
      return maskTextSql(text, asker, await publicNumbers())
    },
  }

  // Searches over askers' text run in SQL; a viewer who may not see a row in full searches what
  // this function makes of it, which is exactly what the lists show. On SQLite every connection
  // has it: a search runs on the reader connection, or on the writer inside a write's transaction.
  registerMaskFunction(db)

  return service
}

export type PrivacyService = ReturnType<typeof createPrivacyService>
/** The masking functions over one reading of the list of public numbers (PrivacyService.snapshot()). */
export type Masking = Awaited<ReturnType<PrivacyService['snapshot']>>
