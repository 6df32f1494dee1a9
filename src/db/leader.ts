// One leader for background work (the webhook dispatcher, reminders, purges) among the replicas
// that share one PostgreSQL database.
//
// The leader is the replica holding a session advisory lock on a connection of its own (not the
// pool's: when that connection stops answering, it is closed, and the lock ends with its session). Another
// replica asks for the lock every `retryMs`; it gets it once the leader's session ends (the process
// died, or its connection broke), and takes over. A leader whose connection breaks loses the lock
// with it, and stops its background work at once; the delivery lease (integrations) stays the
// fence against a double delivery while the two overlap.
//
// On SQLite there is one process: it leads from the start.
import postgres from 'postgres'
import type { Db } from './client.ts'
import { postgresUrlOf } from './postgres.ts'

/** Any number, distinct from the start-up lock's (db/migrate.ts). */
const LEADER_LOCK = 4_212_346

export interface Leadership {
  /** True while this process runs the background work. */
  isLeader(): boolean
  /** Settles after the first round: on SQLite, or when this replica won at once, the work has started. */
  firstRound: Promise<void>
  /** Stops trying, and gives the lock up if held (the work's onDeposed runs first). */
  stop(): Promise<void>
}

export interface LeadershipOptions {
  /** Starts the background work; awaited before the process counts as leader. */
  onElected(): Promise<void> | void
  /** Stops it: the lock is lost, or the process is stopping. */
  onDeposed(): Promise<void> | void
  /** How often a follower asks for the lock, and the leader checks its connection. */
  retryMs?: number
  log?: { info(obj: object, msg: string): void; warn(obj: object, msg: string): void }
}

/** Rejects when `promise` has not settled within `ms`: a query on a connection that died may never answer. */
function within<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms) })
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}

export function startLeadership(db: Db, { onElected, onDeposed, retryMs = 2000, log }: LeadershipOptions): Leadership {
  const url = postgresUrlOf(db)
  let leader = false
  let stopped = false
  let timer: NodeJS.Timeout | undefined
  let session: postgres.Sql | undefined
  const closeSession = async () => {
    const closing = session
    session = undefined
    await closing?.end({ timeout: 0 }).catch(() => undefined)
  }
  let turn = Promise.resolve()

  const depose = async (reason: string) => {
    if (!leader) return
    leader = false
    log?.warn({ reason }, 'background work stopped: this replica is no longer the leader')
    await onDeposed()
  }

  /** One round: a follower asks for the lock; the leader checks that the session holding it is alive. */
  const round = async () => {
    if (stopped || !url) return
    try {
      const answerMs = Math.max(1000, retryMs * 2)
      session ??= postgres(url, { max: 1, connect_timeout: Math.ceil(answerMs / 1000), onnotice: () => {} })
      if (leader) {
        // postgres.js reconnects on its own: a new session does not hold the lock, so ask whether this one does.
        const [held] = await within(session<{ held: boolean }[]>`select exists (select 1 from pg_locks where locktype = 'advisory' and granted and pid = pg_backend_pid() and objid = ${LEADER_LOCK}) as held`.execute(), answerMs)
        if (!held?.held) throw new Error('the leader lock was lost with its session')
        return
      }
      const [row] = await within(session<{ locked: boolean }[]>`select pg_try_advisory_lock(${LEADER_LOCK}) as locked`.execute(), answerMs)
      if (!row?.locked || stopped) return
      leader = true
      log?.info({}, 'this replica leads: it runs the background work')
      await onElected()
    } catch (err) {
      // The session is gone (or does not answer): closing it ends the lock with it; a new one next round.
      await closeSession()
      await depose(String(err))
    }
  }
  const schedule = () => {
    if (stopped) return
    timer = setTimeout(() => { turn = turn.then(round).finally(schedule) }, retryMs)
    timer.unref()
  }

  if (!url) {
    leader = true
    turn = Promise.resolve(onElected()).then(() => undefined)
  } else {
    turn = round().finally(schedule)
  }

  const firstRound = turn
  return {
    firstRound,
    isLeader: () => leader,
    async stop() {
      stopped = true
      clearTimeout(timer)
      await turn
      if (leader) {
        leader = false
        await onDeposed()
      }
      await closeSession()
    },
  }
}
