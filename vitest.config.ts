import { defineConfig } from 'vitest/config'

const INCLUDE = ['src/**/*.test.ts', 'test/**/*.test.ts', 'seeds/**/*.test.ts']
/**
 * Files that run isolated, each in a process of its own with fresh modules, rather than in a shared worker:
 * - those that set a fake clock (vi.useFakeTimers, the stats testkit): run after other files in the same
 *   worker, one of them once found state cached under the real clock and failed;
 * - the schema parity test, which loads drizzle-kit's API: its bundle adds enumerable methods to
 *   Array.prototype and String.prototype for the rest of the process (test/shared-worker.setup.ts).
 */
const ISOLATED = ['src/stats/*.test.ts', 'src/tickets/followup.test.ts', 'src/tickets/tickets.deadline.test.ts', 'src/db/schema.parity.test.ts']

export default defineConfig({
  test: {
    // The server bundle that the child-process tests start, and a throwaway PostgreSQL cluster.
    globalSetup: ['test/global-setup.ts', 'test/pg-global-setup.ts'],
    // nodejieba and better-sqlite3 are native addons: forks isolate them more safely than threads.
    pool: 'forks',
    // vitest leaves one core idle by default; CI has two and the suite is CPU-bound.
    maxWorkers: 2,
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
