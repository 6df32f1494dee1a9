import type { FastifyBaseLogger } from 'fastify'
import type { Config } from './config.ts'
import type { Db } from './db/client.ts'
import { createEventBus } from './common/events.ts'
import { createAuthService } from './auth/auth.service.ts'
import { createUnitsService } from './units/units.service.ts'
// imports: kb
import { createKbService } from './kb/kb.service.ts'

// imports: search

// imports: calendar
import { createCalendarService } from './calendar/calendar.service.ts'

// imports: consultations and tickets

// imports: integrations
import { createIntegrationsService } from './integrations/integrations.service.ts'

// imports: stats
import { createLedgerService, createPublicationsService, createStatsService } from './stats/index.ts'

// imports: audit and security

export interface ServiceDeps { config: Config; db: Db; log: FastifyBaseLogger }

/** The composition root: every service, built once, in dependency order. */
export function createServices({ config, db, log }: ServiceDeps) {
  const events = createEventBus()
  const auth = createAuthService({ db, reviewSteps: config.reviewSteps })
  const units = createUnitsService({ db })
  if (config.adminToken) auth.ensureBootstrapAdmin(config.adminToken)

  // services: audit and security

  // services: kb
  const kb = createKbService({ db, units, reviewSteps: config.reviewSteps, log })

  // services: search

  // services: calendar
  const calendar = createCalendarService({ db, log })

  // services: consultations and tickets

  // services: integrations
  const integrations = createIntegrationsService({ db, config, events, auth, calendar, log })

  // services: stats
  const stats = createStatsService({ db, config, calendar })
  const ledger = createLedgerService({ db })
  const publications = createPublicationsService({ db })

  const startHooks: (() => void | Promise<void>)[] = []
  const stopHooks: (() => void | Promise<void>)[] = []

  // hooks: search

  // hooks: integrations
  startHooks.push(() => integrations.start())
  stopHooks.push(() => integrations.stop())

  return {
    config, db, log, events, auth, units,
    // exports: audit and security

    // exports: kb
    kb,

    // exports: search

    // exports: calendar
    calendar,

    // exports: consultations and tickets

    // exports: integrations
    integrations,

    // exports: stats
    stats, ledger, publications,

    /** Builds what needs the data loaded (the search index) and starts background work. */
    async ready() { for (const h of startHooks) await h() },
    /** Stops background work; the database is closed by the caller that opened it. */
    async stop() { for (const h of stopHooks) await h() },
  }
}

export type Services = ReturnType<typeof createServices>
