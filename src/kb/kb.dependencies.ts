import type { Db } from '../db/client.ts'
import type { UnitsService } from '../units/units.service.ts'

/** What the parts of the kb service share: the database, the units they refer to, the review steps, and the change notice. */
export interface KbContext {
  db: Db
  units: Pick<UnitsService, 'requireUnit' | 'requireTopic' | 'unitByCode'>
  reviewSteps: readonly string[]
  /**
   * Tells the onChange listeners, after commit, which entries' served content changed, and records the
   * change for the other processes (db/change-log.ts). Call it inside the transaction of the change.
   */
  notify(entryIds: readonly number[]): void
}
