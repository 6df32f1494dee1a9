import type { FastifyBaseLogger } from 'fastify'
import type { Config } from './config.ts'
import type { Db } from './db/client.ts'
import { createEventBus } from './common/events.ts'
import { createAuthService } from './auth/auth.service.ts'
import { createUnitsService } from './units/units.service.ts'
import { createPrivacyService } from './privacy/privacy.service.ts'
// imports: kb
import { createKbService } from './kb/kb.service.ts'

// imports: search
import { createSearchService } from './search/search.service.ts'

// imports: calendar
import { createCalendarService } from './calendar/calendar.service.ts'

// imports: consultations and tickets
import { createTicketsService } from './tickets/tickets.service.ts'
import { createPromotionService } from './tickets/tickets.promotion.ts'
import { createConsultationsService } from './consultations/consultations.service.ts'

// imports: integrations
import { createIntegrationsService } from './integrations/integrations.service.ts'

// imports: stats
import { createLedgerService, createPublicationsService, createStatsService } from './stats/index.ts'

// imports: sheets
import { createImportsService } from './sheets/imports.service.ts'
import { createExportsService } from './sheets/exports.service.ts'

// imports: audit and security
import { createAuditService } from './audit/audit.service.ts'

export interface ServiceDeps { config: Config; db: Db; log: FastifyBaseLogger }

/** The composition root: every service, built once, in dependency order. */
export function createServices({ config, db, log }: ServiceDeps) {
  const events = createEventBus()
  const auth = createAuthService({ db, reviewSteps: config.reviewSteps, log })
  const units = createUnitsService({ db })
  if (config.adminToken) {
    const { outcome, tokenId } = auth.ensureBootstrapAdmin(config.adminToken)
    if (outcome === 'revoked') log.warn({ tokenId }, 'ADMIN_TOKEN was revoked and stays revoked: it is not re-enabled; remove it from the environment or set a new one')
  }
  // The one privacy rule's masking, with the list of public numbers: every reader goes through it.
  const privacy = createPrivacyService({ db })

  // services: audit and security
  const audit = createAuditService({ db })

  // services: kb
  const kb = createKbService({ db, units, reviewSteps: config.reviewSteps, log })

  // services: search
  const search = createSearchService({ db, config, log })
  kb.onChange((entryIds) => search.reindex(entryIds))

  // services: calendar
  const calendar = createCalendarService({ db, log })

  // services: consultations and tickets
  const tickets = createTicketsService({ db, config, events, calendar, privacy, audit })
  calendar.onChange((years) => tickets.recomputeDeadlines(years))
  const promotion = createPromotionService({ db, config, search, kb, privacy })
  const consultations = createConsultationsService({ db, config, events, search, tickets, privacy, audit })

  // services: integrations
  const integrations = createIntegrationsService({ db, config, events, auth, calendar, privacy, log })

  // services: stats
  const stats = createStatsService({ db, config, calendar, privacy })
  const ledger = createLedgerService({ db, privacy })
  const publications = createPublicationsService({ db, privacy })

  // services: sheets
  const imports = createImportsService({ db, kb, log })
  const exports = createExportsService({ kb })

  const startHooks: (() => void | Promise<void>)[] = []
  const stopHooks: (() => void | Promise<void>)[] = []

  stopHooks.push(() => auth.stop())

  // hooks: search
  startHooks.push(() => search.start())
  stopHooks.push(() => search.stop())

  // hooks: sheets
  startHooks.push(() => imports.start())
  stopHooks.push(() => imports.stop())

  // hooks: integrations
  startHooks.push(() => integrations.start())
  stopHooks.push(() => integrations.stop())

  return {
    config, db, log, events, auth, units, privacy,
    // exports: audit and security
    audit,

    // exports: kb
    kb,

    // exports: search
    search,

    // exports: calendar
    calendar,

    // exports: consultations and tickets
    consultations, tickets, promotion,

    // exports: integrations
    integrations,

    // exports: sheets
    imports, exports,

    // exports: stats
    stats, ledger, publications,

    /** Builds what needs the data loaded (the search index) and starts background work. */
    async ready() { for (const h of startHooks) await h() },
    /** Stops background work; the database is closed by the caller that opened it. */
    async stop() { for (const h of stopHooks) await h() },
  }
}

export type Services = ReturnType<typeof createServices>
