// Small helpers that read the same on SQLite and PostgreSQL.
import { sql, type SQL } from 'drizzle-orm'


/**
 * The first row of a query, or undefined: what drizzle's SQLite-only `.get()` gives. Takes a query
 * builder or what `db.all(sql…)` returns (typed as rows on SQLite, a promise on PostgreSQL).
 */
export async function first<T>(rows: PromiseLike<T[]> | T[]): Promise<T | undefined> {
  return (await rows)[0]
}

/** A figure's SQL: text with named parameters, and drizzle SQL (an engine's spelling of a date, say) in between. */
export type FigureText = string | readonly (string | SQL)[]

/**
 * The figures' SQL text, with its named parameters (@fromUtc, @unitId…) bound from `params`, as a
 * drizzle query that runs through `db` on either engine: each @name becomes a bound parameter.
 * The texts are fixed by the modules that own them; only the values come from outside. SQL pieces
 * in a list are kept as they are.
 */
export function namedSql(text: FigureText, params: object): SQL {
  const values = params as Record<string, unknown>
  const chunks: SQL[] = []
  for (const piece of typeof text === 'string' ? [text] : text) {
    if (typeof piece !== 'string') {
      chunks.push(piece)
      continue
    }
    piece.split(/@([A-Za-z_][A-Za-z0-9_]*)/).forEach((part, i) => {
      if (i % 2 === 0) {
        if (part) chunks.push(sql.raw(part))
        return
      }
      if (!(part in values)) throw new RangeError(`Missing named parameter "${part}"`)
      chunks.push(sql`${values[part]}`)
    })
  }
  return sql.join(chunks)
}
