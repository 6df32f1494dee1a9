// Every table, built for PostgreSQL (src/db/pg-tables.ts), for drizzle.pg.config.ts and the parity
// test. drizzle-kit reads a module's exported tables, so each twin is exported by name: a name left
// out here is missing from migrations-pg/, and src/db/schema.pg.test.ts fails on the live database.
import * as sqliteSchema from './schema.ts'
import { toPgTables } from './pg-tables.ts'

export const pgSchema = toPgTables(sqliteSchema)

export const {
  units, topics,
  policyDocuments, interpretations, entries, entryVersions, entryVersionDocuments, reviewActions,
  questionProposals, draftingTasks,
  apiTokens, accounts,
  auditLog,
  synonyms, dictionaryTerms, matchLogs, questionHits, entryTokens, answerFeedback,
  calendarYears,
  consultations,
  tickets, ticketEvents, ticketCounters, ticketRounds, ticketRatings, ticketPromises,
  integrations, outboxEvents, outboxCounter, eventDeliveries,
  publicationItems,
  portalSubmissions, portalSecrets,
  linkChecks, linkCheckRuns,
  idempotencyKeys,
  importJobs, importJobRows,
  indexChanges, indexChangeCounter,
} = pgSchema
