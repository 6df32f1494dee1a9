import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    // The server bundle that the child-process tests start, and a throwaway PostgreSQL cluster.
    globalSetup: ['test/global-setup.ts', 'test/pg-global-setup.ts'],
    include: ['src/**/*.test.ts', 'test/**/*.test.ts', 'seeds/**/*.test.ts'],
    // nodejieba and better-sqlite3 are native addons: forks isolate them more safely than threads.
    pool: 'forks',
    // vitest leaves one core idle by default; CI has two and the suite is CPU-bound.
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
})
