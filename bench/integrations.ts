// npx tsx bench/integrations.ts — what the outbox and the dispatcher cost, on a real
// database file (WAL, synchronous=FULL) and a loopback receiver. Prints figures; asserts nothing.
import { mkdtempSync, rmSync } from 'node:fs'
import { cpus, tmpdir } from 'node:os'
import { join } from 'node:path'
import { buildApp } from '../src/app.ts'
import { testConfig } from '../src/config.ts'
import { openDatabase } from '../src/db/client.ts'
import { migrateDatabase } from '../src/db/migrate.ts'
import { loopbackWebhook, openTicket, startReceiver } from '../src/integrations/integrations.testkit.ts'

const N = Number(process.env.BENCH_EVENTS ?? 2000)
const dir = mkdtempSync(join(tmpdir(), 'qa-integrations-bench-'))
const databasePath = join(dir, 'qa.sqlite')
const db = openDatabase(databasePath)
await migrateDatabase(db)
const app = await buildApp({ config: testConfig({ databasePath, adminToken: 'bench-admin-token-0123456789', webhook: loopbackWebhook() }), db, logger: false })
const services = app.services
const receiver = await startReceiver()
const ms = (t0: number) => performance.now() - t0

try {
  const reg = await services.integrations.register({ name: '公开信箱', webhookUrl: receiver.url }, null)

  // 1. The cost the outbox adds to a ticket's transaction.
  let t0 = performance.now()
  for (let i = 0; i < N; i++) await openTicket(services, { registeredBy: null })
  const plain = ms(t0) / N
  t0 = performance.now()
  for (let i = 0; i < N; i++) await openTicket(services, { registeredBy: reg.token.id })
  const withOutbox = ms(t0) / N

  // 2. Dispatch: claim, POST, record, one event after another, as for one receiver.
  t0 = performance.now()
  let delivered = 0
  for (;;) {
    const s = await services.integrations.dispatchDue()
    delivered += s.delivered
    if (s.attempted === 0) break
  }
  const dispatchMs = ms(t0)

  // 3. Polling the whole stream, 100 at a time.
  const poller = await services.integrations.register({ name: '轮询' }, null)
  for (let i = 0; i < N; i++) await openTicket(services, { registeredBy: poller.token.id })
  t0 = performance.now()
  let after = 0
  let pages = 0
  for (;;) {
    const page = await services.integrations.poll(poller.token.id, after, 100)
    pages++
    if (page.items.length === 0) break
    after = Number(page.nextCursor)
  }
  const pollMs = ms(t0)

  console.log(`integrations bench: ${N} events, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, node ${process.version}, file DB (WAL, synchronous=FULL)`)
  console.table([
    { what: 'open a ticket (consultation + ticket + event), no integration', value: `${plain.toFixed(2)} ms` },
    { what: 'same, registered by an integration (adds the outbox row)', value: `${withOutbox.toFixed(2)} ms` },
    { what: 'webhook deliveries to a loopback receiver', value: `${delivered} in ${(dispatchMs / 1000).toFixed(1)} s = ${Math.round(delivered / (dispatchMs / 1000))}/s` },
    { what: 'polling, pages of 100', value: `${pages} pages in ${pollMs.toFixed(0)} ms = ${(pollMs / pages).toFixed(2)} ms/page` },
  ])
} finally {
  await receiver.close()
  await app.close()
  // #17: SQLite-only, closing the connections (the database has no close of its own).
  db.$client.close()
  rmSync(dir, { recursive: true, force: true })
}
