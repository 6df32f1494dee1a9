// The public numbers' sources, read-only: units' published contact numbers and the published
// versions of library entries. The privacy module reads these two tables directly (and never
// writes them) because every module's masking needs the list, and asking the kb and units
// services would make them depend on each other through here.
import { eq, isNotNull, sql } from 'drizzle-orm'
import type { Db } from '../db/client.ts'
import { entries, entryVersions } from '../kb/kb.table.ts'
import { units } from '../units/units.table.ts'

export function createPrivacyRepository(db: Db) {
  const cheap = db.$client.prepare('select total_changes() as c')
  return {
    /** Changes on this connection or by another process: when neither moved, nothing did. */
    changeCounter(): string {
      return `${(cheap.get() as { c: number }).c}/${db.$client.pragma('data_version', { simple: true }) as number}`
    },

    /** What the list is built from: it is rebuilt only when this changes. */
    fingerprint(): string {
      const u = db.select({ n: sql<number>`count(*)`, phones: sql<string>`coalesce(group_concat(${units.contactPhone}, ','), '')` }).from(units).get()!
      const e = db.select({ n: sql<number>`count(*)`, versions: sql<number>`coalesce(total(${entries.publishedVersionId}), 0)` })
        .from(entries).where(isNotNull(entries.publishedVersionId)).get()!
      return `${u.n}:${u.phones}|${e.n}:${e.versions}`
    },

    unitPhones: () => db.select({ phone: units.contactPhone }).from(units).where(isNotNull(units.contactPhone)).all().map((r) => r.phone!),

    publishedTexts: () => db.select({ question: entryVersions.question, answer: entryVersions.answer, similar: entryVersions.similarQuestions })
      .from(entries).innerJoin(entryVersions, eq(entryVersions.id, entries.publishedVersionId)).all()
      .map((r) => `${r.question}\n${r.similar.join('\n')}\n${r.answer}`),
  }
}

export type PrivacyRepository = ReturnType<typeof createPrivacyRepository>
