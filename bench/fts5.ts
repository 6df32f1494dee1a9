// The peer a SQLite user would reach for: FTS5 with the trigram tokenizer, ranked by bm25.
// #17: SQLite-only, on purpose: a separate in-memory SQLite database (not the service's), the FTS5
// peer the matcher is compared with.
import Database from 'better-sqlite3'
import type { LibraryEntry } from './data.ts'

export function createFts5Peer(entries: LibraryEntry[]) {
  const db = new Database(':memory:')
  db.exec(`CREATE VIRTUAL TABLE lib USING fts5(external_id UNINDEXED, question, tokenize = 'trigram')`)
  const insert = db.prepare('INSERT INTO lib (external_id, question) VALUES (?, ?)')
  db.transaction(() => { for (const e of entries) insert.run(e.externalId, e.question) })()
  const search = db.prepare('SELECT external_id AS id FROM lib WHERE lib MATCH ? ORDER BY bm25(lib) LIMIT ?')

  return {
    /** Any trigram of the query may match: an OR of quoted trigrams, ranked by bm25. */
    query(text: string, limit = 10): string[] {
      const chars = [...text.replace(/[\s"'？?！!，,。.、：:；;（）()]/g, '')]
      const grams = new Set<string>()
      for (let i = 0; i + 3 <= chars.length; i++) grams.add(chars.slice(i, i + 3).join(''))
      if (grams.size === 0) return []
      const match = [...grams].map((g) => `"${g.replaceAll('"', '""')}"`).join(' OR ')
      return (search.all(match, limit) as { id: string }[]).map((r) => r.id)
    },
    close() { db.close() },
  }
}
