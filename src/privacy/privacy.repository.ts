// The public numbers' sources, read-only: units' published contact numbers and the published
// versions of library entries, read through the kb and units modules' query functions rather than
// their services, because every module's masking needs the list and the services themselves mask.
import type Database from 'better-sqlite3'
import { connectionsOf, type Db } from '../db/client.ts'
import { dialectOf } from '../db/dialect.ts'
import { publishedTexts, publishedTextsFingerprint } from '../kb/kb.queries.ts'
import { contactPhones, contactPhonesFingerprint } from '../units/units.queries.ts'

export function createPrivacyRepository(db: Db) {
  // On SQLite, total_changes() and data_version are the change counters. Read on every connection,
  // not through `db` (which routes to the caller's transaction or the reader): the writer's
  // total_changes() counts this process's writes, each connection's data_version the commits of
  // the others (the reader's: the writer's and other processes').
  // PostgreSQL has no such counter that another replica's commit moves at once (its statistics are
  // sent late), and the index change log (db/change-log.ts) does not record every change to the
  // sources (a new unit is not in it). So there the fingerprint, two small aggregates over the
  // sources, is read on every call: a number a replica publishes is used by every other replica
  // from its next call, which the two-replica test (test/replicas.test.ts) checks.
  const counters = dialectOf(db) === 'postgresql' ? undefined
    : connectionsOf(db).map((c: Database.Database) => c.prepare('select total_changes() as c, data_version as v from pragma_data_version'))
  return {
    /** Changes by this process or by another one: when none moved, nothing did. Undefined: no counter (PostgreSQL). */
    changeCounter(): string | undefined {
      return counters?.map((s) => { const r = s.get() as { c: number; v: number }; return `${r.c}/${r.v}` }).join(';')
    },

    /** What the list is built from: it is rebuilt only when this changes. */
    async fingerprint(): Promise<string> {
      return `${await contactPhonesFingerprint(db)}|${await publishedTextsFingerprint(db)}`
    },

    unitPhones: () => contactPhones(db),

    publishedTexts: () => publishedTexts(db),
  }
}

export type PrivacyRepository = ReturnType<typeof createPrivacyRepository>
