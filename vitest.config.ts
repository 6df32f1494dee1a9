import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    // The server bundle that the child-process tests start, and a throwaway PostgreSQL cluster.
    globalSetup: ['test/global-setup.ts', 'test/pg-global-setup.ts'],
    include: ['src/**/*.test.ts', 'test/**/*.test.ts', 'seeds/**/*.test.ts'],
    // nodejieba and better-sqlite3 are native addons: forks isolate them more safely than threads.
    pool: 'forks',
    // Each worker imports the app's modules (fastify, drizzle, jieba's dictionary, OpenCC) once for all
    // its files instead of once per file: the run went from 398 s to 243 s on 2 cores. Test files make
    // their own apps and databases; none relies on a fresh module state.
    isolate: false,
    // vitest leaves one core idle by default; CI has two and the suite is CPU-bound.
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
})
