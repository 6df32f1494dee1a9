// npm run test:pg: the HTTP suites (every src/*/*.routes.test.ts, and the one ticket seen everywhere) and
// the service suites that build the app (createTestApp) again, on PostgreSQL (DB_DIALECT=pg:
// test/app.testkit.ts opens a database in the throwaway cluster). Left on SQLite only: the suites about
// parsing and refusing bad HTTP input, which never reach the database, the OpenAPI document and the
// domain-dev matching run (the engine changes neither); suites written for PostgreSQL already run on it.
// Without PostgreSQL's server programs on this machine it says so and passes: npm test must pass there.
import { spawnSync } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fromRoot } from '../src/paths.ts'
import { pgAvailability } from './pg-cluster.ts'

const available = pgAvailability()
if (!available.available) {
  console.log(`test:pg: skipped, ${available.reason}`)
  process.exit(0)
}
const ENGINE_FREE = new Set(['src/plugins/malformed-input.test.ts', 'src/plugins/http-errors.test.ts', 'src/plugins/validation.test.ts', 'src/plugins/route-limits.test.ts', 'test/openapi.test.ts', 'test/domain-dev.http.test.ts'])
const testsIn = (dir: string): string[] => readdirSync(fromRoot(dir), { withFileTypes: true })
  .flatMap((d) => (d.isDirectory() ? testsIn(join(dir, d.name)) : d.name.endsWith('.test.ts') ? [join(dir, d.name)] : []))
const files = [...testsIn('src'), ...testsIn('test')].filter((f) => {
  if (ENGINE_FREE.has(f)) return false
  if (f.endsWith('.routes.test.ts') || f === 'test/one-ticket-everywhere.test.ts') return true
  const source = readFileSync(fromRoot(f), 'utf8')
  return source.includes('createTestApp(') && !source.includes('createTestPgDatabase')
})
const run = spawnSync('npx', ['vitest', 'run', ...files], { stdio: 'inherit', env: { ...process.env, DB_DIALECT: 'pg' } })
process.exit(run.status ?? 1)
