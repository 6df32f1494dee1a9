import { defineConfig } from 'drizzle-kit'

// The PostgreSQL twin of drizzle.config.ts: the same tables, built by src/db/pg-tables.ts.
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/db/schema.pg.ts',
  out: './migrations-pg',
  dbCredentials: { url: process.env.DATABASE_URL ?? 'postgres://localhost/qa' },
})
