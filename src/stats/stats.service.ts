import type { Config } from '../config.ts'
import type { Channel } from '../consultations/consultations.types.ts'
import { CHANNELS } from '../consultations/consultations.types.ts'
import type { Db } from '../db/client.ts'
import type { ConsultationKind } from '../consultations/consultations.types.ts'
import type { PrivacyService } from '../privacy/privacy.service.ts'
import { resolvePeriod, share, type Period } from './format.ts'
import { CHANNEL_LABELS, KIND_LABELS } from '../consultations/consultations.labels.ts'
import type { Viewer } from '../auth/visibility.ts'
import { createStatsRepository } from './stats.repository.ts'
import { resolveScope } from './scope.ts'
import type { Scope } from './scope.ts'
import { groupQuestions } from './unmatched.ts'
import { createFollowupStats } from './followup.stats.ts'
import { createTrends, type Interval } from './trends.ts'
import { monthsBefore, shanghaiDate, systemClock, type Clock } from '../common/time.ts'

export interface StatsServiceDeps {
  db: Db
  config: Pick<Config, 'staleEntryMonths'>
  /**
   * Not read any more: the working days a reply took are stored on the ticket (tickets.figures.ts).
   * Optional until the composition root (src/services.ts) stops passing it.
   */
  calendar?: unknown
  privacy: Pick<PrivacyService, 'snapshot'>
  now?: Clock
}

export interface PeriodQuery { from?: string; to?: string }

const KINDS: readonly ConsultationKind[] = ['question', 'suggestion']
// Distinct unmatched wordings read for grouping: the most asked first, so the cap only drops the rarest.
const UNMATCHED_CAP = 5000

const periodView = (p: Period) => ({ from: p.from, to: p.to })

export function createStatsService({ db, config, privacy, now = systemClock }: StatsServiceDeps) {
  const repo = createStatsRepository(db)
  const followup = createFollowupStats(db, repo.figures.tickets)
  const params = (q: PeriodQuery, scope: Scope) => {
    const period = resolvePeriod(q, now())
    return { period, p: { fromUtc: period.fromUtc, toUtc: period.toUtc, unitId: scope.unitId } }
  }

  const trends = createTrends(db, repo.figures)

  return {
    /** Trends by day, week or month: see trends.ts. */
    async trends(q: PeriodQuery & { interval?: Interval }, scope: Scope) {
      const { period, p } = params(q, scope)
      return trends.compute(period, q.interval ?? 'day', p.unitId, now().toISOString())
    },

    /** Whose figures a caller may see: see resolveScope. */
    scope: (actor: Viewer, unitCode?: string) => resolveScope(db, actor, unitCode),

    /** Consultations by channel and kind, and the share answered at once vs ticketed. */
    async consultations(q: PeriodQuery, scope: Scope) {
      const { period, p } = params(q, scope)
      const rows = await repo.consultations(p)
      const sum = (pick: (r: (typeof rows)[number]) => boolean) => {
        const sel = rows.filter(pick)
        return {
          total: sel.reduce((n, r) => n + r.total, 0),
          answeredAtOnce: sel.reduce((n, r) => n + r.answered, 0),
          answeredAutomatically: sel.reduce((n, r) => n + r.automatic, 0),
          ticketed: sel.reduce((n, r) => n + r.ticketed, 0),
        }
      }
      const withShares = <T extends ReturnType<typeof sum>>(x: T) => ({
        ...x, answeredAtOnceShare: share(x.answeredAtOnce, x.total), ticketedShare: share(x.ticketed, x.total),
      })
      return {
        period: periodView(period),
        ...withShares(sum(() => true)),
        byChannel: CHANNELS.map((channel: Channel) => ({ channel, label: CHANNEL_LABELS[channel], ...withShares(sum((r) => r.channel === channel)) })),
        byKind: KINDS.map((kind) => ({ kind, label: KIND_LABELS[kind], ...withShares(sum((r) => r.kind === kind)) })),
      }
    },

    /**
     * Per unit, over the tickets received in the period that the unit now holds. On time = the
     * asker was told by the deadline. The on-time rate counts only tickets whose outcome is known:
     * replied to, or open with the deadline passed.
     */
    async units(q: PeriodQuery, scope: Scope) {
      const { period, p } = params(q, scope)
      const rows = await repo.units({ ...p, now: now().toISOString() })
      return {
        period: periodView(period),
        items: rows.map((r) => ({
          unit: { code: r.code, name: r.name },
          received: r.received,
          answered: r.answered,
          replied: r.replied,
          repliedOnTime: r.onTime,
          onTimeRate: share(r.onTime, r.replied + r.overdueNow),
          overdueNow: r.overdueNow,
          overdueEver: r.overdueEver,
          avgWorkingDays: r.avgWorkingDays,
          p90WorkingDays: r.p90WorkingDays,
          reassigned: r.reassigned,
          returned: r.returned,
        })),
      }
    },

    /** After the reply: satisfaction, the share rated, redoing and promises kept, per unit and per month. */
    afterReply: (q: PeriodQuery, scope: Scope) => followup.figures(q, scope, now()),

    /** D2: the questions the library could not answer, near-duplicates grouped, most asked first. */
    async unmatched(q: PeriodQuery & { limit: number }, scope: Scope) {
      const { period, p } = params(q, scope)
      // De-identified before grouping: two askers' phone numbers must not keep one question apart.
      const published = await privacy.snapshot()
      const asked = (await repo.unmatched({ ...p, cap: UNMATCHED_CAP })).map(({ askerName, askerPhone, askerEmail, ...r }) =>
        ({ ...r, question: published.deidentify(r.question, { name: askerName, phone: askerPhone, email: askerEmail }) }))
      const groups = groupQuestions(asked)
      return { period: periodView(period), totalAsked: asked.reduce((n, r) => n + r.count, 0), groups: groups.slice(0, q.limit) }
    },

    /** Entries hit most in the period, and published entries never hit at all. */
    async entries(q: PeriodQuery & { limit: number }, scope: Scope) {
      const { period, p } = params(q, scope)
      const entryRef = (r: { entryId: number; externalId: string | null; question: string | null; unitCode: string; unitName: string }) =>
        ({ id: r.entryId, externalId: r.externalId, question: r.question ?? '', unit: { code: r.unitCode, name: r.unitName } })
      const mostHit = (await repo.mostHit({ ...p, limit: q.limit })).map((r) => ({ entry: entryRef(r), status: r.status, periodHits: r.periodHits, hitCount: r.hitCount }))
      const never = await repo.neverHit({ unitId: scope.unitId, limit: q.limit })
      return {
        period: periodView(period),
        mostHit,
        neverHit: { total: never.total, items: never.items.map((r) => ({ entry: entryRef(r), publishedAt: r.publishedAt })) },
      }
    },

    /** A3: published entries per topic; a required area with no entry in force is flagged. */
    async coverage(scope: Scope) {
      const rows = await repo.coverage({ unitId: scope.unitId })
      const topics = rows.filter((r) => r.topicId !== null).map((r) => ({
        topic: { code: r.code!, name: r.name! },
        required: r.required === 1,
        published: r.published,
        inForce: r.inForce,
        uncovered: r.required === 1 && r.inForce === 0,
      }))
      const none = rows.find((r) => r.topicId === null)
      const required = topics.filter((t) => t.required)
      return {
        requiredAreas: required.length,
        requiredCovered: required.filter((t) => !t.uncovered).length,
        uncoveredAreas: required.filter((t) => t.uncovered).map((t) => t.topic),
        topics,
        withoutTopic: { published: none?.published ?? 0, inForce: none?.inForce ?? 0 },
      }
    },

    /** D4: published entries resting on expired policies, and entries not reviewed for `months` months. */
    async maintenance(q: { months?: number; limit: number }, scope: Scope) {
      const current = now()
      const months = q.months ?? config.staleEntryMonths
      const cutoff = monthsBefore(current, months).toISOString()
      const byEntry = new Map<number, { entry: { id: number; externalId: string | null; question: string; unit: { code: string; name: string } }; inForce: boolean; documents: { id: number; title: string; docNumber: string | null; validity: string; expiresOn: string | null }[] }>()
      for (const r of await repo.expiredPolicies({ unitId: scope.unitId, today: shanghaiDate(current) })) {
        const item = byEntry.get(r.entryId) ?? {
          entry: { id: r.entryId, externalId: r.externalId, question: r.question ?? '', unit: { code: r.unitCode, name: r.unitName } },
          // 1 or 0 on SQLite, true or false where the expression is a PostgreSQL boolean.
          inForce: Boolean(r.inForce),
          documents: [],
        }
        item.documents.push({ id: r.documentId, title: r.title, docNumber: r.docNumber, validity: r.validity, expiresOn: r.expiresOn })
        byEntry.set(r.entryId, item)
      }
      const stale = await repo.stale({ unitId: scope.unitId, cutoff, limit: q.limit })
      const expired = [...byEntry.values()]
      return {
        expiredPolicies: { total: expired.length, items: expired.slice(0, q.limit) },
        stale: {
          months,
          cutoff,
          total: stale.total,
          items: stale.items.map((r) => ({ entry: { id: r.entryId, externalId: r.externalId, question: r.question ?? '', unit: { code: r.unitCode, name: r.unitName } }, lastReviewedAt: r.lastReviewedAt })),
        },
      }
    },
  }
}

export type StatsService = ReturnType<typeof createStatsService>
