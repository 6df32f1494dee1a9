import { ConfigError, loadConfig } from './config.ts'
import { closeDatabase } from './db/client.ts'
import { migrateDatabase, withStartupLock } from './db/migrate.ts'
import { openConfiguredDatabase } from './db/open.ts'
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

  const db = openConfiguredDatabase(config)
  // Replicas starting at once on one PostgreSQL database migrate, seed and make the bootstrap admin once.
  // The first administrator too: replicas racing to make it would collide on its user name.
  const { app, firstAdmin } = await withStartupLock(db, async () => {
    await migrateDatabase(db)
    const seed = config.seedDemo && await isDatabaseEmpty(db)
    const built = await buildApp({ config, db })
    if (seed) {
      const summary = await loadDemoData(built.services)
      built.log.info(summary, 'demo data loaded')
    }
    return { app: built, firstAdmin: await built.services.accounts.ensureFirstAdmin() }
  })
  await app.services.ready()

  let closing = false
  const shutdown = async (signal: string) => {
    if (closing) return
    closing = true
    app.log.info({ signal }, 'shutting down: finishing requests in flight')
    try {
      await app.close()
    } finally {
      await closeDatabase(db)
      process.exit(0)
    }
  }
  process.on('SIGTERM', () => void shutdown('SIGTERM'))
  process.on('SIGINT', () => void shutdown('SIGINT'))

  try {
    await app.listen({ port: config.port, host: config.host })
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err
    console.error(`端口 ${config.port} 已被占用（可能服务已在运行）。请先停止占用该端口的程序，或换一个端口启动，例如：PORT=3001 npm start`)
    await app.close()
    await closeDatabase(db)
    process.exit(1)
  }
  const consoleUrl = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${config.port}/console/`
  if (firstAdmin) {
    // Printed as plain lines, not a JSON log record: the one time a person must read the log.
    process.stdout.write([
      '',
      '================ 首次启动：已创建管理员账号 ================',
      `  打开   ${consoleUrl}`,
      `  用户名 ${firstAdmin.username}`,
      `  密码   ${firstAdmin.password}`,
      '  密码只显示这一次。登录后请在“我的账号”中修改；忘记时运行',
      '  npm run account -- reset-password admin  生成新密码。',
      '==========================================================',
      '',
    ].join('\n') + '\n')
  }
  app.log.info({ console: consoleUrl }, 'console ready')
}

void main().catch((err) => {
  console.error(err)
  process.exit(1)
})
