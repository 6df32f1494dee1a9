// THE RULE (G4): who sees what of an asker. The asker's name, phone and e-mail, and the free text
// about them (question, answer, notes), are shown in full only in ONE record's own view (a ticket,
// a consultation), and there only to admins, to the agent who registered the consultation and to
// the unit that holds its ticket now. Everyone else, and every list, export, event, webhook, log,
// match log, audit row and published text, gets them masked (privacy.text.ts).
import { sql, type SQL, type SQLWrapper } from 'drizzle-orm'
import type { Actor } from '../auth/auth.service.ts'
import { maskEmail, maskName, maskPhone } from './privacy.text.ts'
import type { Masking, PrivacyService } from './privacy.service.ts'

export type AskerAccess = 'full' | 'masked'
export type Viewer = Pick<Actor, 'role' | 'tokenId' | 'unitId'>

/** Where something about an asker is shown: only `record` may ever be in full. */
export type Surface = 'record' | 'list' | 'export' | 'event' | 'log' | 'publication'

/** Who registered the consultation, and which unit holds its ticket now (null: no ticket). */
export interface AskerScope {
  registeredBy: number | null
  holdingUnitId: number | null
}

/** The one decision: full or masked, for this viewer, this consultation, on this surface. */
export function askerAccess(viewer: Viewer | null, scope: AskerScope, surface: Surface): AskerAccess {
  if (surface !== 'record' || !viewer) return 'masked'
  switch (viewer.role) {
    case 'admin': return 'full'
    case 'agent': return scope.registeredBy === viewer.tokenId ? 'full' : 'masked'
    case 'unit': return scope.holdingUnitId !== null && viewer.unitId === scope.holdingUnitId ? 'full' : 'masked'
    default: return 'masked'
  }
}

/**
 * The SQL twin of askerAccess(viewer, scope, 'record') === 'full', for searches: a row whose
 * details the viewer may see in full is searched in full, any other row in its masked text only.
 * privacy.access.test.ts checks that both say the same.
 */
export function fullAccessSql(viewer: Viewer, scope: { registeredBy: SQLWrapper; holdingUnitId: SQLWrapper }): SQL {
  switch (viewer.role) {
    case 'admin': return sql`true`
    case 'agent': return sql`coalesce(${scope.registeredBy} = ${viewer.tokenId}, false)`
    case 'unit': return viewer.unitId === null ? sql`false` : sql`coalesce(${scope.holdingUnitId} = ${viewer.unitId}, false)`
    default: return sql`false`
  }
}

/** Whether a viewer may see any asker in full anywhere: such a viewer's searches are audited. */
export const mayEverSeeFull = (viewer: Viewer) => viewer.role === 'admin' || viewer.role === 'agent' || viewer.role === 'unit'

export interface AskerRecord {
  askerName: string | null
  askerPhone: string | null
  askerEmail: string | null
  preferredReply: string | null
}

/** The asker's contact details as the access allows: 138****5678, 张**, z***@example.com. */
export function askerView(c: AskerRecord, access: AskerAccess) {
  const full = access === 'full'
  return {
    name: full ? c.askerName : maskName(c.askerName),
    phone: full ? c.askerPhone : maskPhone(c.askerPhone),
    email: full ? c.askerEmail : maskEmail(c.askerEmail),
    preferredReply: c.preferredReply,
    masked: !full,
  }
}

/** The known details of the asker that masking removes wherever they recur. */
export const knownAsker = (c: Pick<AskerRecord, 'askerName' | 'askerPhone' | 'askerEmail'>) =>
  ({ name: c.askerName, phone: c.askerPhone, email: c.askerEmail })

/**
 * A consultation's text (question, answer, note) as every list, the ledger and its exports show it:
 * masked, with the asker's own details removed wherever they recur. The one function for it, so a
 * ticket reads the same in /tickets, /ledger and the exported file (test/one-ticket-everywhere.test.ts).
 * Given a snapshot (`await privacy.snapshot()`, for many texts) it answers at once; given the
 * service, which reads the list of public numbers, a promise.
 */
export function listedText<T extends string | null>(privacy: Pick<Masking, 'show'>, text: T, c: Pick<AskerRecord, 'askerName' | 'askerPhone' | 'askerEmail'>): T
export function listedText<T extends string | null>(privacy: Pick<PrivacyService, 'show'>, text: T, c: Pick<AskerRecord, 'askerName' | 'askerPhone' | 'askerEmail'>): Promise<T>
export function listedText<T extends string | null>(privacy: Pick<Masking | PrivacyService, 'show'>, text: T, c: Pick<AskerRecord, 'askerName' | 'askerPhone' | 'askerEmail'>): T | Promise<T> {
  return privacy.show(text, askerAccess(null, { registeredBy: null, holdingUnitId: null }, 'list'), knownAsker(c))
}

/** The asker's contact details as every list, the ledger and its exports show them: masked. */
export const listedAsker = (c: AskerRecord) => askerView(c, 'masked')

export const hasContact = (c: Pick<AskerRecord, 'askerName' | 'askerPhone' | 'askerEmail'>) => Boolean(c.askerName || c.askerPhone || c.askerEmail)

/**
 * How a domain event shows a text about the asker (an answer, a reason, a comment): an event leaves
 * the service by webhook and polling, so its texts are masked, with this asker's details found
 * wherever they recur. Given a snapshot (`await privacy.snapshot()`) the function it returns
 * answers at once; given the service, which reads the list of public numbers, a promise.
 */
export function eventText(privacy: Pick<Masking, 'show'>, c: Pick<AskerRecord, 'askerName' | 'askerPhone' | 'askerEmail'>): <T extends string | null>(text: T) => T
export function eventText(privacy: Pick<PrivacyService, 'show'>, c: Pick<AskerRecord, 'askerName' | 'askerPhone' | 'askerEmail'>): <T extends string | null>(text: T) => Promise<T>
export function eventText(privacy: Pick<Masking | PrivacyService, 'show'>, c: Pick<AskerRecord, 'askerName' | 'askerPhone' | 'askerEmail'>) {
  const access = askerAccess(null, { registeredBy: null, holdingUnitId: null }, 'event')
  const asker = knownAsker(c)
  return <T extends string | null>(text: T): T | Promise<T> => privacy.show(text, access, asker)
}
