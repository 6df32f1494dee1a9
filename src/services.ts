import type { FastifyBaseLogger } from 'fastify'
import type { Config } from './config.ts'
import type { Db } from './db/client.ts'
import { createEventBus } from './common/events.ts'
import { createAuthService } from './auth/auth.service.ts'
import { createUnitsService } from './units/units.service.ts'
// imports: kb

// imports: search

// imports: calendar
import { createCalendarService } from './calendar/calendar.service.ts'

// imports: consultations and tickets

// imports: integrations

// imports: stats

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

  // services: search

  // services: calendar
  const calendar = createCalendarService({ db, log })

  // services: consultations and tickets

  // services: integrations

  // services: stats

  const startHooks: (() => void | Promise<void>)[] = []
  const stopHooks: (() => void | Promise<void>)[] = []

  // hooks: search

  // hooks: integrations

  return {
    config, db, log, events, auth, units,
    // exports: audit and security

    // exports: kb

    // exports: search

    // exports: calendar
    calendar,

    // exports: consultations and tickets

    // exports: integrations

    // exports: stats

    /** Builds what needs the data loaded (the search index) and starts background work. */
    async ready() { for (const h of startHooks) await h() },
    /** Stops background work; the database is closed by the caller that opened it. */
    async stop() { for (const h of stopHooks) await h() },
  }
}

export type Services = ReturnType<typeof createServices>
