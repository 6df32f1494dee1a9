import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import type { Db, Tx } from '../db/client.ts'
import { unitOfWork } from '../db/unit-of-work.ts'
import { isDatabaseUnavailable } from '../db/constraints.ts'
import { DatabaseUnavailableError, RETRY_AFTER_BUSY_SECONDS } from './errors.ts'

export const WRITE_METHODS: readonly string[] = ['POST', 'PUT', 'PATCH', 'DELETE']
export const isWriteMethod = (method: string | string[]) => [method].flat().some((m) => WRITE_METHODS.includes(m.toUpperCase()))

/** Something that takes part in every write request's transaction (idempotency keys, the audit log). */
export interface TxParticipant {
  /** Runs inside the transaction before the handler; returns true when it has answered the request itself. May throw. */
  before?(req: FastifyRequest, reply: FastifyReply, tx: Tx): boolean | void | Promise<boolean | void>
  /** Runs before the response leaves, inside the handler's transaction. */
  beforeSend?(req: FastifyRequest, reply: FastifyReply, payload: unknown, tx: Tx): void | Promise<void>
}

interface RequestTx {
  open: boolean
  /** The request's transaction while it is open. */
  tx?: Tx
  /** Fastify's onSend continuations, held back until the transaction has committed. */
  held: ((err?: Error) => void)[]
  /** The participants' beforeSend work, which the transaction waits for before it commits. */
  sending?: Promise<void>
  /** Called when the response reaches onSend while the transaction is open. */
  onSending: () => void
  failure?: Error
}

/**
 * Every write route's handler runs inside one transaction (on SQLite, BEGIN IMMEDIATE) together
 * with the participants' writes: the idempotency key's record and the audit row commit with the
 * change, or not at all. The response is released only after COMMIT, so a client never sees a 2xx
 * for a write that a crash could still undo.
 *
 * The transaction is a unit of work (db/unit-of-work.ts): it stays open across the handler's
 * awaits, services' own `db.transaction(...)` calls nest as savepoints and keep their meaning, and
 * their afterCommit callbacks (the search index) run once it has committed, before the response is
 * released. The handler's value is sent from inside the transaction, so the participants' onSend
 * writes are part of it. A handler that throws keeps what it wrote before the throw, exactly as it
 * would without this wrapper; the error is answered after the commit, its audit row in a short
 * transaction of its own.
 */
/**
 * A COMMIT (or an error reply's audit row) that failed because PostgreSQL went away is answered as
 * that, 503 with the same code as any other such failure, whichever reply was on its way: a 201 must
 * not leave, and the client retries with its Idempotency-Key.
 */
const asAnswered = (err: Error): Error => (isDatabaseUnavailable(err) ? Object.assign(new DatabaseUnavailableError(RETRY_AFTER_BUSY_SECONDS), { cause: err }) : err)

export const writeTransactionPlugin = fp(async function writeTransaction(app: FastifyInstance, { db, participants }: { db: Db; participants: TxParticipant[] }) {
  const uow = unitOfWork(db)
  const txs = new WeakMap<FastifyRequest, RequestTx>()
  const release = (state: RequestTx, err?: Error) => { for (const next of state.held.splice(0)) next(err) }

  app.addHook('onRoute', (route) => {
    if (!isWriteMethod(route.method) || route.config?.readOnly) return
    const original = route.handler
    route.handler = async function writeInTransaction(this: FastifyInstance, req: FastifyRequest, reply: FastifyReply) {
      let sendReached!: Promise<'sent'>
      const state: RequestTx = { open: true, held: [], onSending: () => {} }
      sendReached = new Promise((resolve) => { state.onSending = () => resolve('sent') })
      txs.set(req, state)
      let thrown: { error: unknown } | undefined
      try {
        await uow.transaction(async (tx) => {
          state.tx = tx
          try {
            let answered = false
            for (const p of participants) {
              if ((await p.before?.(req, reply, tx)) === true) { answered = true; break }
            }
            if (!answered) {
              // A reply is thenable (it resolves when the response has gone), so a handler that returns
              // it settles only after the commit: wait for the response to start instead.
              const handled = Promise.resolve(original.call(this, req, reply)).then((value: unknown) => ({ value }))
              const outcome = await Promise.race([handled, sendReached])
              if (outcome === 'sent') {
                void handled.catch(() => {})
              } else if (outcome.value !== undefined && outcome.value !== reply && !reply.sent) {
                // Fastify would send the handler's value after we return, outside the transaction.
                reply.send(outcome.value)
              }
            }
          } catch (error) {
            // Keep what the handler committed, exactly as without this wrapper; fastify answers the error.
            thrown = { error }
          }
          // reply.send() ran the participants' onSend hook (synchronously, it is the first): wait for its writes.
          await state.sending
          if (state.failure) throw state.failure
        }, { behavior: 'immediate' })
      } catch (error) {
        state.open = false
        if (state.held.length > 0) {
          release(state, error as Error)
          return reply
        }
        throw error
      }
      state.open = false
      release(state)
      if (thrown) throw thrown.error
      return reply
    }
  })

  app.addHook('onSend', function participantsBeforeSend(req, reply, payload, next) {
    if (!isWriteMethod(req.method) || req.routeOptions.config?.readOnly) return next()
    const state = txs.get(req)
    const run = async (tx: Tx) => { for (const p of participants) await p.beforeSend?.(req, reply, payload, tx) }
    if (state?.open) {
      state.onSending()
      state.sending = run(state.tx!).catch((error: unknown) => { state.failure = error as Error })
      state.held.push((err) => (err ? next(asAnswered(err)) : next()))
      return
    }
    void uow.transaction(run).then(() => next(), (error: unknown) => next(asAnswered(error as Error)))
  })
})
