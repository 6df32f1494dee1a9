import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { LedgerService } from './ledger.service.ts'
import type { PublicationsService } from './publications.service.ts'
import type { StatsService } from './stats.service.ts'
import { ledgerRoutes } from './ledger.routes.ts'
import { publicationsRoutes } from './publications.routes.ts'
import { statsRoutes } from './stats.routes.ts'

export { createLedgerService } from './ledger.service.ts'
export { createPublicationsService } from './publications.service.ts'
export { createStatsService } from './stats.service.ts'

/** The supervision module: statistics, the ledger and its export, and the monthly publication of replies. */
export const supervisionRoutes: FastifyPluginAsyncTypebox<{ stats: StatsService; ledger: LedgerService; publications: PublicationsService }> =
  async (app, { stats, ledger, publications }) => {
    await app.register(statsRoutes, { stats })
    await app.register(ledgerRoutes, { ledger, stats })
    await app.register(publicationsRoutes, { publications })
  }
