// One throwaway PostgreSQL cluster for the whole run, when PostgreSQL is installed; each test file
// makes its own database in it (test/pg.testkit.ts). Without PostgreSQL the PostgreSQL tests are
// skipped, and the rest of the suite runs as before.
import type { TestProject } from 'vitest/node'
import { pgAvailability, startPgCluster } from './pg-cluster.ts'

export type ProvidedPostgres =
  | { available: true; serverUrl: string }
  | { available: true; error: string }
  | { available: false; reason: string }

declare module 'vitest' {
  export interface ProvidedContext {
    postgres: ProvidedPostgres
  }
}

export default async function setup(project: TestProject) {
  const pg = pgAvailability()
  if (!pg.available) {
    console.warn(`PostgreSQL tests skipped: ${pg.reason}. On Debian: apt-get install postgresql`)
    project.provide('postgres', pg)
    return
  }
  try {
    const cluster = await startPgCluster()
    project.provide('postgres', { available: true, serverUrl: cluster.serverUrl })
    return () => cluster.stop()
  } catch (err) {
    // Installed but not starting is a failure of the PostgreSQL tests, not a reason to skip them.
    project.provide('postgres', { available: true, error: (err as Error).message })
  }
}
