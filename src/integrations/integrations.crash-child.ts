// Run in its own process by integrations.crash.test.ts, which kills it (SIGKILL) mid-delivery.
// Only the dispatcher is loaded, to keep the process quick to start. argv: <database file> <webhook config JSON>
import pino from 'pino'
import { openDatabase } from '../db/client.ts'
import { createDispatcher } from './integrations.dispatcher.ts'

const [databasePath, webhook] = process.argv.slice(2)
const dispatcher = createDispatcher({ db: openDatabase(databasePath), webhook: JSON.parse(webhook), log: pino({ level: 'silent' }) })
await dispatcher.dispatchDue()
