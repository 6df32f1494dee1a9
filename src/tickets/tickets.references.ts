import type { Actor } from '../auth/auth.service.ts'
import type { TicketsService } from './tickets.service.ts'
import type { SearchCandidate } from '../search/search.service.ts'
import type { MatchCandidate } from './tickets.dependencies.ts'

/** What the references need from search: its closest entries, and a question's content words. */
export interface ReferencesSearchPort<C extends MatchCandidate> {
  match(input: { question: string; limit?: number }, actor?: Actor, opts?: { log?: boolean }): Promise<{ candidates: C[] }>
  keyTerms(text: string): string[]
}

const ENTRIES = 3
const TICKETS = 3
/** The question's longest words searched for: enough to find a ticket that shares the subject, few enough to stay quick. */
const TERMS_SEARCHED = 4

/**
 * 参考答复: what a unit sees beside the answer box. The library's closest entries, and tickets the
 * actor may see that were answered before on the same subject, ranked by how many of the ticket
 * question's own words they share (then the most recent). Read on the server, in one request, so the
 * answer box does not depend on several client calls all succeeding. Earlier tickets come
 * de-identified: a reference is copied into another asker's reply.
 */
export function createTicketReferences<C extends MatchCandidate>({ tickets, search }: { tickets: Pick<TicketsService, 'questionOf' | 'list' | 'asReference'>; search: ReferencesSearchPort<C> }) {
  async function closestEntries(question: string, actor: Actor): Promise<C[]> {
    try {
      return (await search.match({ question, limit: ENTRIES }, actor, { log: false })).candidates.slice(0, ENTRIES)
    } catch (err) {
      // A question of punctuation alone has nothing to match; the earlier tickets may still help.
      if ((err as { code?: string }).code === 'SEARCH_EMPTY_QUESTION') return []
      throw err
    }
  }

  return {
    async references(id: number, actor: Actor, { requestId }: { requestId?: string } = {}) {
      const question = (await tickets.questionOf(id, actor)).slice(0, 2000)
      // Looking up references is not a consultation: it is left out of the match log and its statistics.
      const entries = await closestEntries(question, actor)
      const terms = search.keyTerms(question).slice(0, TERMS_SEARCHED)
      const found = new Map<number, { shared: number; receivedAt: string }>()
      for (const term of terms) {
        const page = await tickets.list({ status: ['answered', 'replied', 'closed'], q: term, sort: '-receivedAt', pageSize: 10 }, actor, { requestId })
        for (const row of page.items) {
          if (row.id === id || found.has(row.id)) continue
          found.set(row.id, { shared: terms.filter((t) => row.question.includes(t)).length, receivedAt: row.receivedAt })
        }
      }
      const chosen = [...found].sort(([, a], [, b]) => b.shared - a.shared || b.receivedAt.localeCompare(a.receivedAt)).slice(0, TICKETS)
      const similar = []
      for (const [tid] of chosen) {
        const t = await tickets.asReference(tid, actor)
        if (t !== undefined) similar.push(t)
      }
      return { entries, tickets: similar }
    },
  }
}

export type TicketReferences = ReturnType<typeof createTicketReferences<SearchCandidate>>
