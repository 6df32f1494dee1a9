// The read side of the public pages and the "did this answer your question" feedback.
import type { Db } from '../db/client.ts'
import type { KbPublicReader } from '../kb/kb.public.ts'
import type { SearchService } from '../search/search.service.ts'
import type { AnswerFeedbackService } from '../search/answer-feedback.service.ts'
import type { PublicationsService } from '../stats/publications.service.ts'
import type { TicketsPublicView } from '../tickets/tickets.public.ts'
import { withDetails } from '../plugins/errors.ts'
import {
  PortalDocumentNotFoundError, PortalEntryNotFoundError, PortalFeedbackExpiredError, PortalInvalidInputError,
  PortalPublicationNotFoundError, PortalTopicNotFoundError,
} from './portal.errors.ts'
import { shanghaiDate, systemClock, type Clock } from '../common/time.ts'

export const SEARCH_MAX = 200
export const RESULTS = 10
export const EXCERPT = 90
/** How long a shown answer can be rated, and how many shown answers are remembered for it. */
export const FEEDBACK_TTL_MS = 30 * 60_000
export const FEEDBACK_REMEMBERED = 20_000
/** Pages that read many entries (home, topics, an entry with its related ones) are kept this long, or until the library changes. */
export const PAGE_CACHE_MS = 60_000
export const PAGE_CACHE_SIZE = 5_000

export interface PortalServiceDeps {
  db: Db
  kbPublic: KbPublicReader
  search: Pick<SearchService, 'match' | 'suggest' | 'feedback'>
  answerFeedback: Pick<AnswerFeedbackService, 'record'>
  publications: Pick<PublicationsService, 'list' | 'months'>
  ticketsPublic: Pick<TicketsPublicView, 'decidedSuggestions'>
  now?: Clock
}

/** The start of an answer, cut at a character boundary. */
export function excerpt(text: string, max = EXCERPT): string {
  const chars = [...text.replace(/\s+/g, ' ').trim()]
  return chars.length <= max ? chars.join('') : `${chars.slice(0, max - 1).join('')}…`
}

/** The Beijing month a moment falls in: 2025-10. */
export const shanghaiMonth = (d: Date) => shanghaiDate(d).slice(0, 7)

export function createPortalService({ db, kbPublic, search, answerFeedback, publications, ticketsPublic, now = systemClock }: PortalServiceDeps) {
  // Answers shown on top, by match: feedback is taken only for what this portal showed, recently.
  const shown = new Map<string, { entryId: number; query: string; probability: number; threshold: number; at: number }>()
  function remember(matchId: string, value: { entryId: number; query: string; probability: number; threshold: number }) {
    const at = now().getTime()
    shown.set(matchId, { ...value, at })
    if (shown.size > FEEDBACK_REMEMBERED) shown.delete(shown.keys().next().value!)
  }

  // The home page counts and ranks every served entry: at 10,000 entries ~40 ms a time. Hit counts may
  // lag by a minute; a change to the library (kb.onChange) clears it at once.
  const pages = new Map<string, { at: number; value: unknown }>()
  async function cached<T>(key: string, make: () => Promise<T>): Promise<T> {
    const at = now().getTime()
    const hit = pages.get(key)
    if (hit && at - hit.at < PAGE_CACHE_MS) return hit.value as T
    const value = await make()
    pages.delete(key)
    pages.set(key, { at, value })
    if (pages.size > PAGE_CACHE_SIZE) pages.delete(pages.keys().next().value!)
    return value
  }

  function checkQuery(q: string | undefined): string | undefined {
    const text = q?.trim()
    if (!text) return undefined
    if ([...text].length > SEARCH_MAX) {
      throw withDetails(new PortalInvalidInputError(`搜索内容不能超过 ${SEARCH_MAX} 个字`), [{ field: 'q', message: `搜索内容不能超过 ${SEARCH_MAX} 个字` }])
    }
    return text
  }

  return {
    /** Forgets the cached pages: the library changed. */
    invalidate() { pages.clear() },

    home() {
      return cached('home', async () => ({ topics: await kbPublic.topics(), mostAsked: (await kbPublic.mostAsked({ limit: 10 })).items }))
    },

    /**
     * Search: the matcher's candidates (served entries only), in force first. The top one is given
     * as the answer only at the automatic level, the one for channels with no person in between.
     */
    async search(q: string | undefined) {
      const query = checkQuery(q)
      if (!query) return { query: '', matchId: null, answer: null, results: [] }
      let match: Awaited<ReturnType<SearchService['match']>>
      try {
        match = await search.match({ question: query, limit: RESULTS })
      } catch (e) {
        // Only punctuation: nothing to look for, which the page says like any empty result.
        if ((e as { code?: string }).code === 'SEARCH_EMPTY_QUESTION') return { query, matchId: null, answer: null, results: [] }
        throw e
      }
      const top = match.candidates[0]
      const answer = match.matchedAutomatically && top?.inForce
        ? { entryId: top.entryId, question: top.question, answer: top.answer, unit: top.unit, topic: top.topic, policy: top.policy }
        : null
      if (answer) remember(match.matchId, { entryId: answer.entryId, query, probability: match.decision.probability, threshold: match.decision.thresholds.automatic })
      const results = match.candidates
        .filter((c) => c.entryId !== answer?.entryId)
        .map((c) => ({ entryId: c.entryId, question: c.question, excerpt: excerpt(c.answer), topic: c.topic, unit: c.unit, inForce: c.inForce }))
        .sort((a, b) => Number(b.inForce) - Number(a.inForce))
      return { query, matchId: answer ? match.matchId : null, answer, results }
    },

    /** Typeahead: questions of entries in force that hold the words typed, the last one as a prefix. */
    async suggest(q: string) {
      const query = checkQuery(q)
      if (!query) return { items: [] }
      return { items: (await search.suggest(query, { limit: 8 })).items.filter((i) => i.inForce).map((i) => ({ entryId: i.entryId, question: i.question })) }
    },

    /**
     * 这是否解答了您的问题: kept as a labelled example for the matcher's owner; "yes" is also a use
     * of the entry (its hit count), "no" lists the question among the misses for the library's upkeep.
     * The first verdict on a match stands.
     */
    feedback(input: { matchId: string; entryId: number; verdict: 'helpful' | 'not_helpful' }) {
      const s = shown.get(input.matchId)
      if (!s || s.entryId !== input.entryId || now().getTime() - s.at > FEEDBACK_TTL_MS) throw new PortalFeedbackExpiredError()
      return db.transaction(async (tx) => {
        const recorded = await answerFeedback.record({
          matchId: input.matchId, channel: 'portal', query: s.query, entryId: s.entryId, verdict: input.verdict,
          probability: s.probability, threshold: s.threshold,
        }, tx)
        if (recorded) await search.feedback(input.matchId, input.verdict === 'helpful' ? { entryId: s.entryId } : { noneFitted: true })
        return { recorded, verdict: input.verdict, query: s.query }
      })
    },

    async entry(id: number) {
      const found = await cached(`entry:${id}`, async () => {
        const entry = await kbPublic.entry(id)
        return entry ? { entry, related: await kbPublic.related(entry, 6) } : null
      })
      if (!found) throw new PortalEntryNotFoundError()
      return found
    },

    async topic(code: string, page: number) {
      const topic = await kbPublic.topic(code)
      if (!topic) throw new PortalTopicNotFoundError()
      const pageSize = 20
      const { items, total } = await cached(`topic:${code}:${page}`, async () => await kbPublic.mostAsked({ topicCode: code, limit: pageSize, offset: (page - 1) * pageSize }))
      return { topic, items, total, page, pageSize }
    },

    async document(id: number) {
      const doc = await kbPublic.document(id)
      if (!doc) throw new PortalDocumentNotFoundError()
      return { document: doc, outcomes: await ticketsPublic.decidedSuggestions(id) }
    },

    /** Published months: a month's list is public from the first day of the next month (Beijing time). */
    async publicationMonths() {
      const current = shanghaiMonth(now())
      return (await publications.months()).filter((m) => m.month < current)
    },

    async publication(month: string) {
      if (month >= shanghaiMonth(now())) throw new PortalPublicationNotFoundError(month)
      const list = await publications.list(month)
      if (list.items.length === 0) throw new PortalPublicationNotFoundError(month)
      return list
    },
  }
}

export type PortalService = ReturnType<typeof createPortalService>
