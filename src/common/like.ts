import { sql, type SQL, type SQLWrapper } from 'drizzle-orm'

// LIKE with what the person typed taken literally: `%` and `_` (and the escape character itself)
// match only themselves, so `q=%` finds a percent sign rather than every row.

const ESCAPE = '\\'
export const escapeLike = (text: string) => text.replace(/[\\%_]/g, (c) => ESCAPE + c)

/** `expr` contains `text`. */
export const likeContains = (expr: SQLWrapper, text: string): SQL => sql`${expr} like ${`%${escapeLike(text)}%`} escape ${ESCAPE}`

/** `expr` starts with `text`. */
export const likeStartsWith = (expr: SQLWrapper, text: string): SQL => sql`${expr} like ${`${escapeLike(text)}%`} escape ${ESCAPE}`
