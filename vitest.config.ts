import { defineConfig } from 'vitest/config'

const INCLUDE = ['src/**/*.test.ts', 'test/**/*.test.ts', 'seeds/**/*.test.ts']
/**
 * Files that set a fake clock (vi.useFakeTimers, the stats testkit): they run isolated, each in fresh
 * modules. Run after other files in the same worker, one of them once found state cached under the
 * real clock and failed.
 */
const FAKE_CLOCK = ['src/stats/*.test.ts', 'src/tickets/followup.test.ts', 'src/tickets/tickets.deadline.test.ts']

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
      // their own apps and databases and set no fake clock.
      { extends: true, test: { name: 'shared', include: INCLUDE, exclude: FAKE_CLOCK, isolate: false } },
      { extends: true, test: { name: 'isolated', include: FAKE_CLOCK, isolate: true } },
    ],
  },
})
