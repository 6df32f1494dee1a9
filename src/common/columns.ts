import { integer, text } from 'drizzle-orm/sqlite-core'

// Times are stored as ISO-8601 UTC strings: readable in the SQLite shell, and they sort as they compare.
export const timestamp = (name: string) => text(name)
export const createdAt = () => text('created_at').notNull().$defaultFn(() => new Date().toISOString())
export const updatedAt = () =>
  text('updated_at')
    .notNull()
    .$defaultFn(() => new Date().toISOString())
    .$onUpdateFn(() => new Date().toISOString())
export const id = () => integer('id').primaryKey({ autoIncrement: true })
export const json = <T>(name: string) => text(name, { mode: 'json' }).$type<T>()
