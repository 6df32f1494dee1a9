import { fork } from 'node:child_process'
import { once } from 'node:events'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import { buildApp } from '../app.ts'
import { testConfig } from '../config.ts'
import { openDatabase } from '../db/client.ts'
import { migrateDatabase } from '../db/migrate.ts'
import { eventDeliveries, outboxEvents } from './integrations.table.ts'
import { INTERRUPTED_ERROR } from './integrations.dispatcher.ts'
import { openTicket, startReceiver, type Receiver } from './integrations.testkit.ts'

// The receiver listens on loopback, which only an allowlisted deployment may reach.
const WEBHOOK = { maxAttempts: 5, baseDelayMs: 1000, timeoutMs: 20_000, leaseMs: 70_000, pollIntervalMs: 0, allowedHosts: ['127.0.0.1'] }
const CHILD = fileURLToPath(new URL('./integrations.crash-child.ts', import.meta.url))
const ADMIN = 'crash-test-admin-token-0123'

async function openApp(databasePath: string) {
  const db = openDatabase(databasePath)
  await migrateDatabase(db)
  const app = await buildApp({ config: testConfig({ databasePath, adminToken: ADMIN, webhook: WEBHOOK }), db, logger: false })
  // #17: SQLite-only, closing the connections: the database has no engine-neutral close yet.
  return { app, db, async close() { await app.close(); db.$client.close() } }
}

describe('a dispatcher killed mid-delivery', () => {
  let dir: string | undefined
  let receiver: Receiver | undefined
  afterEach(async () => {
    await receiver?.close()
    if (dir) rmSync(dir, { recursive: true, force: true })
  })

  it('leaves the event claimed but unacknowledged, and the next process delivers it', async () => {
    dir = mkdtempSync(join(tmpdir(), 'qa-integrations-crash-'))
    const databasePath = join(dir, 'qa.sqlite')
    // The first request is held open: the sender is killed while it waits for the answer.
    receiver = await startReceiver((n) => (n === 1 ? 'hang' : 200))

    const setup = await openApp(databasePath)
    const res = await setup.app.inject({ method: 'POST', url: '/api/v1/integrations', headers: { authorization: `Bearer ${ADMIN}` }, payload: { name: '公开信箱', webhookUrl: receiver.url } })
    await openTicket(setup.app.services, { registeredBy: res.json().token.id, externalId: 'MB-CRASH-1' })
    await setup.close()

    const child = fork(CHILD, [databasePath, JSON.stringify(WEBHOOK)], { execArgv: ['--import', 'tsx'], stdio: 'ignore' })
    const exited = once(child, 'exit')
    await receiver.waitFor(1)
    child.kill('SIGKILL')
    const [, signal] = await exited
    expect(signal).toBe('SIGKILL')

    const after = await openApp(databasePath)
    try {
      const [claimed] = await after.db.select().from(outboxEvents)
      expect(claimed).toMatchObject({ state: 'pending', attempts: 1, externalId: 'MB-CRASH-1' })
      expect(claimed.claimedBy).not.toBeNull()
      expect(await after.db.select().from(eventDeliveries)).toMatchObject([{ attempt: 1, outcome: 'in_flight' }])

      await after.app.services.ready() // a restart: the dead process's claim is released
      expect(await after.app.services.integrations.dispatchDue()).toMatchObject({ attempted: 1, delivered: 1 })

      const [delivered] = await after.db.select().from(outboxEvents)
      expect(delivered).toMatchObject({ state: 'delivered', claimedBy: null })
      const log = await after.db.select().from(eventDeliveries)
      expect(log.map((d) => [d.attempt, d.outcome])).toEqual([[1, 'interrupted'], [2, 'delivered']])
      expect(log[0].error).toBe(INTERRUPTED_ERROR)
      // At least once: the receiver saw the same event twice, and dedupes it by id.
      expect(receiver.received.map((r) => r.json.id)).toEqual([claimed.id, claimed.id])
      expect(receiver.received[1].body).toBe(receiver.received[0].body)
    } finally {
      await after.close()
    }
  })
})
