// When a policy document's 失效日期 passes, it lapses without anyone editing it (E3): the service
// marks it 失效 at start-up and again whenever the Beijing date changes (documents.service.ts
// expireLapsed). Run by the process that runs the background work (services.ts, the leader);
// the other processes hear of the changed entries through the index change log.
import type { FastifyBaseLogger } from 'fastify'
import { shanghaiDate, systemClock, type Clock } from '../common/time.ts'
import type { LapsedDocument } from './documents.service.ts'

export interface DocumentExpiryDeps {
  expireLapsed(at: Date): Promise<LapsedDocument[]>
  log: Pick<FastifyBaseLogger, 'info' | 'error'>
  clock?: Clock
  /** How often the Beijing date is looked at; a run happens only when it has changed. 0: start() does nothing (check() still runs). */
  checkEveryMs?: number
}

export function createDocumentExpiry({ expireLapsed, log, clock = systemClock, checkEveryMs = 60_000 }: DocumentExpiryDeps) {
  let timer: NodeJS.Timeout | undefined
  /** The Beijing date of the last run that succeeded; a failed run is tried again at the next check. */
  let doneFor: string | undefined
  let running: Promise<void> | undefined

  async function run(): Promise<void> {
    const at = clock()
    const day = shanghaiDate(at)
    if (day === doneFor) return
    try {
      const lapsed = await expireLapsed(at)
      doneFor = day
      if (lapsed.length) log.info({ documents: lapsed.map((d) => ({ id: d.id, docNumber: d.docNumber, expiresOn: d.expiresOn })) }, 'policy documents lapsed on their expiry date')
    } catch (err) {
      log.error({ err }, 'expiring lapsed policy documents failed; retrying at the next check')
    }
  }

  /** One check: runs when the Beijing date has changed since the last run (never two at once). */
  function check(): Promise<void> {
    if (!running) running = run().finally(() => { running = undefined })
    return running
  }

  return {
    check,
    async start() {
      if (checkEveryMs <= 0) return
      await check()
      timer ??= setInterval(() => { void check() }, checkEveryMs).unref()
    },
    async stop() {
      if (timer) clearInterval(timer)
      timer = undefined
      await running
    },
  }
}
