// The privacy module's service: the list of public numbers, kept current, and the masking
// functions with that list filled in, for every module to call.
import { sql, type SQL, type SQLWrapper } from 'drizzle-orm'
import type { Db } from '../db/client.ts'
import { createPrivacyRepository } from './privacy.repository.ts'
import { deidentify, maskText, publicNumbersIn, type KnownAsker, type MaskContext } from './privacy.text.ts'
import type { AskerAccess } from './privacy.access.ts'

/** The SQLite function that masks a question for a search by a viewer who may not see it in full. */
export const MASK_SQL_FUNCTION = 'privacy_mask_text'

export function createPrivacyService({ db }: { db: Db }) {
  const repo = createPrivacyRepository(db)
  let cache: { counter: string; fingerprint: string; numbers: ReadonlySet<string> } | undefined

  /**
   * The digits of every public service number: units' contact phones and the numbers in published
   * entries. Checked against a change counter on each call (one cheap statement), and rebuilt
   * only when the units or the published entries changed.
   */
  function publicNumbers(): ReadonlySet<string> {
    const counter = repo.changeCounter()
    if (cache?.counter === counter) return cache.numbers
    const fingerprint = repo.fingerprint()
    if (cache?.fingerprint === fingerprint) {
      cache.counter = counter
      return cache.numbers
    }
    const numbers = new Set<string>()
    for (const phone of repo.unitPhones()) for (const n of publicNumbersIn(phone)) numbers.add(n)
    for (const text of repo.publishedTexts()) for (const n of publicNumbersIn(text)) numbers.add(n)
    cache = { counter, fingerprint, numbers }
    return numbers
  }

  /** The masking functions over one reading of the list: for a page or an export, read once. */
  function snapshot(numbers: ReadonlySet<string> = publicNumbers()) {
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
    mask: (text: string, asker?: KnownAsker | null) => snapshot().mask(text, asker),
    show: <T extends string | null>(text: T, access: AskerAccess, asker?: KnownAsker | null): T => snapshot().show(text, access, asker),
    deidentify: (text: string, asker?: KnownAsker | null) => snapshot().deidentify(text, asker),
    /**
     * SQL for a column's text as a masked viewer sees it, for a LIKE over it. The list of public
     * numbers is brought up to date here: inside the SQL function no other statement may run.
     */
    maskedSql(text: SQLWrapper, asker: { name: SQLWrapper; phone: SQLWrapper; email: SQLWrapper }): SQL {
      publicNumbers()
      return sql`${sql.raw(MASK_SQL_FUNCTION)}(${text}, ${asker.name}, ${asker.phone}, ${asker.email})`
    },
  }

  // Searches over askers' text run in SQL; a viewer who may not see a row in full searches what
  // this function makes of it, which is exactly what the lists show.
  db.$client.function(MASK_SQL_FUNCTION, (text: unknown, name: unknown, phone: unknown, email: unknown) =>
    typeof text === 'string'
      ? maskText(text, { asker: { name: name as string | null, phone: phone as string | null, email: email as string | null }, publicNumbers: cache?.numbers })
      : text)

  return service
}

export type PrivacyService = ReturnType<typeof createPrivacyService>
