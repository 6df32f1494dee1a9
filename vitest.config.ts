import { relative } from 'node:path'
import { defineConfig } from 'vitest/config'
import { BaseSequencer, type TestSpecification } from 'vitest/node'

const INCLUDE = ['src/**/*.test.ts', 'test/**/*.test.ts', 'seeds/**/*.test.ts']
/**
 * Files that run isolated, each in a process of its own with fresh modules, rather than in a shared worker:
 * - those that set a fake clock (vi.useFakeTimers, the stats testkit): run after other files in the same
 *   worker, one of them once found state cached under the real clock and failed;
 * - the schema parity test, which loads drizzle-kit's API: its bundle adds enumerable methods to
 *   Array.prototype and String.prototype for the rest of the process (test/shared-worker.setup.ts).
 */
const ISOLATED = ['src/stats/*.test.ts', 'src/tickets/followup.test.ts', 'src/tickets/tickets.deadline.test.ts', 'src/db/schema.parity.test.ts']

/**
 * Files that start servers, browsers or clusters and take half a minute or more. Run first, so that
 * neither of the two workers is left alone with one of them at the end: vitest orders files by the
 * durations it recorded, and a clean clone (CI) has none, so it would order them by size.
 */
const SLOW = [/^test\/e2e\//, /^test\/(replicas|failover|sheets-crash)\.test\.ts$/, /malformed-input\.test\.ts$/]

class SlowFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files)
    const slow = (f: TestSpecification) => SLOW.some((re) => re.test(relative(f.project.config.root, f.moduleId).replaceAll('\\', '/')))
    // Within each project, in the order vitest gave: the slow files, then the rest.
    const projects = [...new Set(sorted.map((f) => f.project.name))]
    return projects.flatMap((name) => {
      const own = sorted.filter((f) => f.project.name === name)
      return [...own.filter(slow), ...own.filter((f) => !slow(f))]
    })
  }
}

export default defineConfig({
  test: {
    // The server bundle that the child-process tests start, and a throwaway PostgreSQL cluster.
    globalSetup: ['test/global-setup.ts', 'test/pg-global-setup.ts'],
    // nodejieba and better-sqlite3 are native addons: forks isolate them more safely than threads.
    pool: 'forks',
    // vitest leaves one core idle by default; CI has two and the suite is CPU-bound.
    maxWorkers: 2,
    sequence: { sequencer: SlowFirst },
    testTimeout: 60_000,
    hookTimeout: 60_000,
    projects: [
      // Each worker imports the app's modules (fastify, drizzle, jieba's dictionary, OpenCC) once for all
      // its files instead of once per file: the run went from 398 s to 243 s on 2 cores. These files make
      // their own apps and databases, set no fake clock and leave the built-ins as they found them (the
      // setup file fails one that does not).
      { extends: true, test: { name: 'shared', include: INCLUDE, exclude: ISOLATED, isolate: false, setupFiles: ['test/shared-worker.setup.ts'] } },
      { extends: true, test: { name: 'isolated', include: ISOLATED, isolate: true } },
    ],
  },
})
