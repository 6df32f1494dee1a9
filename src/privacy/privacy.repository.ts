// The public numbers' sources, read-only: units' published contact numbers and the published
// versions of library entries, read through the kb and units modules' query functions rather than
// their services, because every module's masking needs the list and the services themselves mask.
import type { Db } from '../db/client.ts'
import { publishedTexts, publishedTextsFingerprint } from '../kb/kb.queries.ts'
import { contactPhones, contactPhonesFingerprint } from '../units/units.queries.ts'

export function createPrivacyRepository(db: Db) {
  const cheap = db.$client.prepare('select total_changes() as c')
  return {
    /** Changes on this connection or by another process: when neither moved, nothing did. */
    changeCounter(): string {
      return `${(cheap.get() as { c: number }).c}/${db.$client.pragma('data_version', { simple: true }) as number}`
    },

    /** What the list is built from: it is rebuilt only when this changes. */
    fingerprint(): string {
      return `${contactPhonesFingerprint(db)}|${publishedTextsFingerprint(db)}`
    },

    unitPhones: () => contactPhones(db),

    publishedTexts: () => publishedTexts(db),
  }
}

export type PrivacyRepository = ReturnType<typeof createPrivacyRepository>
