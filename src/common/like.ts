import { sql, type SQL, type SQLWrapper } from 'drizzle-orm'

// LIKE with what the person typed taken literally: `%` and `_` (and the escape character itself)
// match only themselves, so `q=%` finds a percent sign rather than every row.
//
// Case: SQLite's LIKE ignores the case of ASCII letters, PostgreSQL's does not; lower() on both
// sides reads the same on both engines (SQLite's lower() folds ASCII only, as its LIKE does).

const ESCAPE = '\\'
export const escapeLike = (text: string) => text.replace(/[\\%_]/g, (c) => ESCAPE + c)

/** `expr` contains `text`, whatever the case of its ASCII letters. */
export const likeContains = (expr: SQLWrapper, text: string): SQL => sql`lower(${expr}) like lower(${`%${escapeLike(text)}%`}) escape ${ESCAPE}`

/** `expr` starts with `text`, whatever the case of its ASCII letters. */
export const likeStartsWith = (expr: SQLWrapper, text: string): SQL => sql`lower(${expr}) like lower(${`${escapeLike(text)}%`}) escape ${ESCAPE}`
