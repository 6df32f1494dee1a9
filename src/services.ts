import type { FastifyBaseLogger } from 'fastify'
import type { Config } from './config.ts'
import type { Db } from './db/client.ts'
import { createEventBus } from './common/events.ts'
import { createAuthService } from './auth/auth.service.ts'
import { createUnitsService } from './units/units.service.ts'

export interface ServiceDeps { config: Config; db: Db; log: FastifyBaseLogger }

/** The composition root: every service, built once, in dependency order. */
export function createServices({ config, db, log }: ServiceDeps) {
  const events = createEventBus()
  const auth = createAuthService({ db, reviewSteps: config.reviewSteps })
  const units = createUnitsService({ db })
  if (config.adminToken) auth.ensureBootstrapAdmin(config.adminToken)

  return {
    config, db, log, events, auth, units,
    /** Builds what needs the data loaded: the search index. */
    async ready() {},
    /** Stops background work; the database is closed by the caller that opened it. */
    stop() {},
  }
}

export type Services = ReturnType<typeof createServices>
