// The integrations module: registry, outbox writer, dispatcher, polling and reminders, with the
// background loop that drives the dispatcher and the reminders.
import type { FastifyBaseLogger } from 'fastify'
import type { Config } from '../config.ts'
import type { Db } from '../db/client.ts'
import { postgresClientOf } from '../db/postgres.ts'
import type { EventBus } from '../common/events.ts'
import type { AuthService } from '../auth/auth.service.ts'
import { createRegistry } from './integrations.registry.ts'
import { createEventLog } from './integrations.outbox-reader.ts'
import { subscribeOutbox } from './integrations.outbox-writer.ts'
import { createDispatcher } from './integrations.dispatcher.ts'
import { createAddressPolicy } from './integrations.address.ts'
import { createWebhookTransport } from './integrations.transport.ts'
import { createReminders, type TicketDeadlines } from './integrations.reminders.ts'
import type { WorkingCalendar } from '../tickets/tickets.reminders.ts'

export interface IntegrationsDeps {
  db: Db
  config: Pick<Config, 'webhook'>
  events: EventBus
  auth: Pick<AuthService, 'createToken' | 'revokeToken'>
  calendar: WorkingCalendar
  /** Marks and emits the ticket reminders the loop finds owed. */
  tickets: TicketDeadlines
  log: FastifyBaseLogger
  /** How often the loop evaluates reminders; they are idempotent, so this only bounds the delay. */
  reminderIntervalMs?: number
  /** Other modules' reminders (promises), run by the same loop at the same pace; each sends its own events. */
  reminderTasks?: { name: string; run(now?: Date): Promise<{ dueSoon: number; overdue: number }> }[]
}

export function createIntegrationsService({ db, config, events, auth, calendar, tickets, log, reminderIntervalMs = 5 * 60_000, reminderTasks = [] }: IntegrationsDeps) {
  const policy = createAddressPolicy(config.webhook.allowedHosts)
  const registry = createRegistry({ db, auth, policy })
  const eventLog = createEventLog({ db })
  const dispatcher = createDispatcher({ db, webhook: config.webhook, log, transport: createWebhookTransport({ policy, timeoutMs: config.webhook.timeoutMs }) })
  const reminders = createReminders({ db, tickets, calendar })
  subscribeOutbox(events)

  let timer: NodeJS.Timeout | undefined
  let running = false
  let lastReminderRun = 0
  /** The round under way: its reminders and deliveries await the database across turns of the event loop. */
  let ticking: Promise<void> | undefined
  const schedule = (ms: number) => { timer = setTimeout(() => { ticking = tick() }, ms).unref() }

  async function tick() {
    try {
      if (Date.now() - lastReminderRun >= reminderIntervalMs) {
        lastReminderRun = Date.now()
        const r = await reminders.run()
        if (r.dueSoon || r.overdue) log.info(r, 'ticket reminders sent')
        for (const task of reminderTasks) {
          const done = await task.run()
          if (done.dueSoon || done.overdue) log.info(done, task.name)
        }
      }
      await dispatcher.dispatchDue()
    } catch (err) {
      log.error({ err }, 'integrations loop failed; retrying on the next tick')
    }
    if (running) schedule(config.webhook.pollIntervalMs)
  }

  return {
    register: registry.register,
    list: registry.list,
    get: registry.get,
    update: registry.update,
    rotateSecret: registry.rotateSecret,
    remove: registry.remove,

    listEvents: eventLog.list,
    getEvent: eventLog.get,
    redeliver: eventLog.redeliver,
    poll: eventLog.poll,

    /** One dispatcher round; the loop calls it, tests call it by hand (with a later `now` to skip backoff). */
    dispatchDue: dispatcher.dispatchDue,
    /** One reminders evaluation; the loop calls it every few minutes. */
    runReminders: reminders.run,

    /** Re-queues what a previous process left in flight, then starts the loop (unless pollIntervalMs is 0). */
    async start() {
      dispatcher.resume()
      // Several replicas share a PostgreSQL database: the lease stays the fence there.
      const recovered = await dispatcher.recoverInterrupted(new Date(), { expiredOnly: postgresClientOf(db) !== undefined })
      if (recovered) log.warn({ recovered }, 'webhook events left in flight by a previous process are queued again')
      if (config.webhook.pollIntervalMs > 0 && !running) {
        running = true
        schedule(0)
      }
    },
    /** Stops the loop and waits for the round under way (reminders, deliveries in flight) to be recorded. */
    async stop() {
      running = false
      if (timer) clearTimeout(timer)
      await Promise.all([ticking, dispatcher.stop()])
    },
  }
}

export type IntegrationsService = ReturnType<typeof createIntegrationsService>
