import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import type { Db, Tx } from '../db/client.ts'
import { unitOfWork } from '../db/unit-of-work.ts'

export const WRITE_METHODS: readonly string[] = ['POST', 'PUT', 'PATCH', 'DELETE']
export const isWriteMethod = (method: string | string[]) => [method].flat().some((m) => WRITE_METHODS.includes(m.toUpperCase()))

/** Something that takes part in every write request's transaction (idempotency keys, the audit log). */
export interface TxParticipant {
  /** Runs inside the transaction before the handler; returns true when it has answered the request itself. May throw. */
  before?(req: FastifyRequest, reply: FastifyReply, tx: Tx): boolean | void
  /** Runs before the response leaves, inside the handler's transaction when the handler answered synchronously. */
  beforeSend?(req: FastifyRequest, reply: FastifyReply, payload: unknown, tx: Tx): void
}

interface RequestTx {
  open: boolean
  /** The request's transaction while it is open. */
  tx?: Tx
  /** Fastify's onSend continuations, held back until the transaction has committed. */
  held: ((err?: Error) => void)[]
  failure?: Error
}

const isThenable = (v: unknown): v is PromiseLike<unknown> => typeof (v as PromiseLike<unknown> | null)?.then === 'function'

/**
 * Every write route's handler runs inside one SQLite transaction (BEGIN IMMEDIATE) together with the
 * participants' writes: the idempotency key's record and the audit row commit with the change, or
 * not at all. The response is released only after COMMIT, so a client never sees a 2xx for a write
 * that a crash could still undo.
 *
 * better-sqlite3 is synchronous, so the transaction covers the handler's synchronous part: all of a
 * handler shaped `async (req, reply) => reply.code(201).send(service.create(...))`, or a sync one.
 * The transaction never stays open across an `await` (other requests would write into it). A handler
 * that awaits before answering still works; its participants then write in a second, short
 * transaction, still before the response leaves. The transaction is a unit of work
 * (db/unit-of-work.ts): services' own `db.transaction(...)` calls nest as savepoints and keep their
 * meaning, and their afterCommit callbacks (the search index) run once it has committed, before the
 * response is released.
 */
export const writeTransactionPlugin = fp(async function writeTransaction(app: FastifyInstance, { db, participants }: { db: Db; participants: TxParticipant[] }) {
  const uow = unitOfWork(db)
  const txs = new WeakMap<FastifyRequest, RequestTx>()
  const release = (state: RequestTx, err?: Error) => { for (const next of state.held.splice(0)) next(err) }

  app.addHook('onRoute', (route) => {
    if (!isWriteMethod(route.method) || route.config?.readOnly) return
    const original = route.handler
    route.handler = function writeInTransaction(this: FastifyInstance, req: FastifyRequest, reply: FastifyReply) {
      const state: RequestTx = { open: true, held: [] }
      txs.set(req, state)
      let result: unknown
      let thrown: { error: unknown } | undefined
      try {
        uow.transaction((tx) => {
          state.tx = tx
          try {
            if (!participants.some((p) => p.before?.(req, reply, tx) === true)) {
              result = original.call(this, req, reply)
              // Fastify would send a synchronous handler's value after we return, outside the transaction.
              if (result !== undefined && result !== reply && !isThenable(result) && !reply.sent) {
                reply.send(result)
                result = undefined
              }
            }
          } catch (error) {
            // Keep what the handler committed, exactly as without this wrapper; fastify answers the error.
            thrown = { error }
          }
          if (state.failure) throw state.failure
        }, { behavior: 'immediate' })
      } catch (error) {
        state.open = false
        if (state.held.length > 0) {
          release(state, error as Error)
          return undefined
        }
        throw error
      }
      state.open = false
      release(state)
      if (thrown) throw thrown.error
      return result
    }
  })

  app.addHook('onSend', function participantsBeforeSend(req, reply, payload, next) {
    if (!isWriteMethod(req.method) || req.routeOptions.config?.readOnly) return next()
    const state = txs.get(req)
    const run = (tx: Tx) => { for (const p of participants) p.beforeSend?.(req, reply, payload, tx) }
    if (state?.open) {
      try {
        run(state.tx!)
      } catch (error) {
        state.failure = error as Error
      }
      state.held.push((err) => (err ? next(err) : next()))
      return
    }
    try {
      uow.transaction(run)
    } catch (error) {
      return next(error as Error)
    }
    next()
  })
})
