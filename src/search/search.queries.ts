// What other modules may read of the matcher's logs: the question as the log keeps it (masked on
// the way in), for the privacy checks of what is stored.
import { eq } from 'drizzle-orm'
import type { Tx } from '../db/client.ts'
import { first } from '../db/query.ts'
import { matchLogs } from './search.table.ts'

export const loggedQuestion = async (tx: Tx, matchId: string): Promise<string | undefined> =>
  (await first(tx.select({ question: matchLogs.question }).from(matchLogs).where(eq(matchLogs.id, matchId))))?.question
