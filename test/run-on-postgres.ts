// npm run test:pg: the HTTP suites (every src/*/*.routes.test.ts, and the one ticket seen everywhere)
// again, on PostgreSQL (DB_DIALECT=pg: test/app.testkit.ts opens a database in the throwaway cluster).
// Without PostgreSQL's server programs on this machine it says so and passes: npm test must pass there.
import { spawnSync } from 'node:child_process'
import { readdirSync, existsSync } from 'node:fs'
import { join } from 'node:path'
import { fromRoot } from '../src/paths.ts'
import { pgAvailability } from './pg-cluster.ts'

const available = pgAvailability()
if (!available.available) {
  console.log(`test:pg: skipped, ${available.reason}`)
  process.exit(0)
}
const files = readdirSync(fromRoot('src'), { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .flatMap((d) => readdirSync(fromRoot('src', d.name)).filter((f) => f.endsWith('.routes.test.ts')).map((f) => join('src', d.name, f)))
  .concat(['test/one-ticket-everywhere.test.ts'].filter((f) => existsSync(fromRoot(f))))
const run = spawnSync('npx', ['vitest', 'run', ...files], { stdio: 'inherit', env: { ...process.env, DB_DIALECT: 'pg' } })
process.exit(run.status ?? 1)
