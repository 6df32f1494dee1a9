import { ConfigError, loadConfig } from './config.ts'
import { openDatabase } from './db/client.ts'
import { migrateDatabase } from './db/migrate.ts'
import { buildApp } from './app.ts'
import { isDatabaseEmpty, loadDemoData } from '../seeds/load.ts'

async function main() {
  let config
  try {
    config = loadConfig()
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(e.message)
      process.exit(78) // EX_CONFIG
    }
    throw e
  }

  const db = openDatabase(config.databasePath)
  migrateDatabase(db)
  const seed = config.seedDemo && isDatabaseEmpty(db)
  const app = await buildApp({ config, db })
  if (seed) {
    const summary = loadDemoData(app.services)
    app.log.info(summary, 'demo data loaded')
  }
  await app.services.ready()

  let closing = false
  const shutdown = async (signal: string) => {
    if (closing) return
    closing = true
    app.log.info({ signal }, 'shutting down: finishing requests in flight')
    try {
      await app.close()
    } finally {
      db.$client.close()
      process.exit(0)
    }
  }
  process.on('SIGTERM', () => void shutdown('SIGTERM'))
  process.on('SIGINT', () => void shutdown('SIGINT'))

  await app.listen({ port: config.port, host: config.host })
}

main().catch((err) => {
  console.error(err)
  process.exit(1)
})
