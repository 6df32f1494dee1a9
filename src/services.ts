import { startLeadership, type Leadership } from './db/leader.ts'
import type { FastifyBaseLogger } from 'fastify'
import type { Config } from './config.ts'
import type { Db } from './db/client.ts'
import { unitOfWork } from './db/unit-of-work.ts'
import { latestIndexVersion } from './db/change-log.ts'
import { createIndexFollowing } from './replication.ts'
import { createEventBus } from './common/events.ts'
import { createAuthService } from './auth/auth.service.ts'
import { createAccountsService } from './auth/accounts.service.ts'
import { createUnitsService } from './units/units.service.ts'
import { createPrivacyService } from './privacy/privacy.service.ts'
// imports: kb
import { createKbService } from './kb/kb.service.ts'
import { createDocumentExpiry } from './kb/documents.expiry.ts'

// imports: search
import { createSearchService } from './search/search.service.ts'

// imports: calendar
import { createCalendarService } from './calendar/calendar.service.ts'

// imports: consultations and tickets
import { createTicketsService } from './tickets/tickets.service.ts'
import { createPromotionService } from './tickets/tickets.promotion.ts'
import { createTicketReferences } from './tickets/tickets.references.ts'
import { createConsultationsService } from './consultations/consultations.service.ts'
import { createFollowupService } from './tickets/tickets.followup.ts'
import { createPromisesService } from './tickets/promises.service.ts'

// imports: integrations
import { createIntegrationsService } from './integrations/integrations.service.ts'

// imports: link checks
import { createLinksService } from './links/links.service.ts'

// imports: stats
import { createLedgerService, createPublicationsService, createStatsService } from './stats/index.ts'

// imports: proposals
import { createProposalsService } from './proposals/proposals.service.ts'

// imports: portal
import { createAnswerFeedbackService } from './search/answer-feedback.service.ts'
import { createKbPublicReader } from './kb/kb.public.ts'
import { createTicketsPublicView } from './tickets/tickets.public.ts'
import { createPortalService } from './portal/portal.service.ts'
import { createPortalIntake } from './portal/portal.intake.ts'

// imports: sheets
import { createImportsService } from './sheets/imports.service.ts'
import { createExportsService } from './sheets/exports.service.ts'

// imports: audit and security
import { createAuditService } from './audit/audit.service.ts'

export interface ServiceDeps { config: Config; db: Db; log: FastifyBaseLogger }

/**
 * The composition root: every service, built once, in dependency order. Asynchronous where it
 * reads or writes the database: the bootstrap admin token and the calendar table.
 */
export async function createServices({ config, db, log }: ServiceDeps) {
  // A failing afterCommit callback cannot undo a committed write; it is logged instead.
  unitOfWork(db).reportCallbackErrors((err) => log.error({ err }, 'afterCommit callback failed after the commit'))
  const events = createEventBus()
  // Other processes' changes (db/change-log.ts) are followed from the version read now, before
  // anything (the calendar, the vocabulary, the index) is loaded from the tables.
  const changesFrom = await latestIndexVersion(db)
  const auth = createAuthService({ db, reviewSteps: config.reviewSteps, log })
  const units = createUnitsService({ db })
  if (config.adminToken) {
    const { outcome, tokenId } = await auth.ensureBootstrapAdmin(config.adminToken)
    if (outcome === 'revoked') log.warn({ tokenId }, 'ADMIN_TOKEN was revoked and stays revoked: it is not re-enabled; remove it from the environment or set a new one')
  }
  // The one privacy rule's masking, with the list of public numbers: every reader goes through it.
  const privacy = createPrivacyService({ db })

  // services: audit and security
  const audit = createAuditService({ db })
  const accounts = createAccountsService({ db, auth, audit, reviewSteps: config.reviewSteps })

  // services: kb
  const kb = createKbService({ db, units, reviewSteps: config.reviewSteps, log })
  const documentExpiry = createDocumentExpiry({ expireLapsed: kb.expireLapsed, log, checkEveryMs: config.documentExpiryCheckMs })

  // services: search
  const search = createSearchService({ db, config, log })
  kb.onChange((entryIds) => search.reindex(entryIds))

  // services: calendar
  const calendar = createCalendarService({ db, log })
  await calendar.load()

  // services: consultations and tickets
  const promises = createPromisesService({ db, config, events, calendar, privacy })
  const tickets = createTicketsService({ db, config, events, calendar, privacy, audit, promises })
  // The 答复公开 lists let go of a ticket sent back for redoing (stats; told through the tickets' port).
  const publications = createPublicationsService({ db, privacy })
  const followup = createFollowupService({ db, config, events, calendar, privacy, publications })
  calendar.onChange((years) => tickets.recomputeDeadlines(years))
  const promotion = createPromotionService({ db, config, search, kb, privacy })
  const ticketReferences = createTicketReferences({ tickets, search })
  // services: proposals (the library learns from answered calls)
  const proposals = createProposalsService({ db, units, search, kb })
  const consultations = createConsultationsService({ db, config, events, search, tickets, privacy, audit, proposals })

  // services: integrations
  const integrations = createIntegrationsService({ db, config, events, auth, calendar, tickets, log, reminderTasks: [{ name: 'promise reminders sent', run: promises.runReminders }] })

  // services: link checks
  const links = createLinksService({ db, config, log })

  // services: stats
  const stats = createStatsService({ db, config, privacy })
  const ledger = createLedgerService({ db, privacy })

  // services: portal
  const answerFeedback = createAnswerFeedbackService({ db })
  const kbPublic = createKbPublicReader({ db })
  const ticketsPublic = createTicketsPublicView({ db, privacy })
  const portal = createPortalService({ db, kbPublic, search, answerFeedback, publications, ticketsPublic })
  kb.onChange(() => portal.invalidate())
  units.onChange(() => {
    portal.invalidate()
    void search.rebuild().catch((err: unknown) => log.error({ err }, 'search rebuild after a unit or topic change failed'))
  })
  const following = createIndexFollowing({ db, from: changesFrom, pollMs: config.indexPollMs, log, search, calendar, portal })
  const portalIntake = createPortalIntake({ db, auth, consultations, ticketsPublic, followup })
  // services: sheets
  const imports = createImportsService({ db, kb, log })
  const exports = createExportsService({ kb })

  const startHooks: (() => void | Promise<void>)[] = []
  const stopHooks: (() => void | Promise<void>)[] = []

  stopHooks.push(() => auth.stop())

  // hooks: tickets (replies recorded before their working days were stored get them now)
  startHooks.push(async () => { await tickets.fillWorkingDaysTaken({ missing: true }) })

  // hooks: search, then the other processes' changes made since the version read above
  startHooks.push(() => search.start())
  startHooks.push(() => following.start())
  stopHooks.push(() => following.stop())
  stopHooks.push(() => search.stop())

  // hooks: background work (documents lapsing on their 失效日期, imports' recovery and purge, webhook
  // deliveries and reminders, link checks),
  // run by one process: on PostgreSQL the replica that holds the leader lock (db/leader.ts).
  let leadership: Leadership | undefined
  startHooks.push(async () => {
    leadership = startLeadership(db, {
      log,
      onElected: async () => {
        following.startPurging()
        // Documents whose 失效日期 passed while no process ran lapse now, then at each new Beijing date.
        await documentExpiry.start()
        await imports.start()
        await integrations.start()
        await links.startSchedule()
      },
      onDeposed: async () => {
        following.stopPurging()
        await documentExpiry.stop()
        await imports.stop()
        await integrations.stop()
        await links.stop()
      },
    })
    await leadership.firstRound
  })
  stopHooks.push(() => leadership?.stop())

  return {
    config, db, log, events, auth, accounts, units, privacy,
    // exports: audit and security
    audit,

    // exports: kb
    kb,

    // exports: search
    search,

    // exports: calendar
    calendar,

    // exports: consultations and tickets
    consultations, tickets, promotion, ticketReferences, followup, promises,

    // exports: proposals
    proposals,

    // exports: integrations
    integrations,

    // exports: link checks
    links,
    // exports: sheets
    imports, exports,

    // exports: stats
    stats, ledger, publications,

    // exports: portal
    answerFeedback, kbPublic, ticketsPublic, portal, portalIntake,

    /** The index change log followed here: the version applied and the latest seen. */
    following,
    /** 'leader' while this process runs the background work (on SQLite, once started: always). */
    role: (): 'leader' | 'follower' => (leadership?.isLeader() ? 'leader' : 'follower'),

    /** Builds what needs the data loaded (the search index) and starts background work. */
    async ready() { for (const h of startHooks) await h() },
    /** Stops background work; the database is closed by the caller that opened it. */
    async stop() { for (const h of stopHooks) await h() },
  }
}

export type Services = Awaited<ReturnType<typeof createServices>>
