// The obvious baseline every matching figure is shown beside: a plain character-bigram BM25 over
// everything an entry holds (question, similar questions, keywords, answer), with no word
// segmentation, no synonyms and no re-ranking. Run in the same process as the matcher, on the same
// library and queries.

const PUNCT = /[\p{P}\p{S}\p{C}\s]+/gu

function bigrams(text: string): string[] {
  const s = text.normalize('NFKC').toLowerCase().replace(PUNCT, '')
  if (s.length <= 1) return s ? [s] : []
  const out: string[] = []
  for (let i = 0; i + 1 < s.length; i++) out.push(s.slice(i, i + 2))
  return out
}

export interface BaselineDoc { id: number; text: string }

export function createBaseline(docs: readonly BaselineDoc[], k1 = 1.2, b = 0.75) {
  const postings = new Map<string, { doc: number; tf: number }[]>()
  const lengths = new Float64Array(docs.length)
  docs.forEach((d, i) => {
    const grams = bigrams(d.text)
    lengths[i] = grams.length
    const tf = new Map<string, number>()
    for (const g of grams) tf.set(g, (tf.get(g) ?? 0) + 1)
    for (const [g, n] of tf) {
      let list = postings.get(g)
      if (!list) postings.set(g, (list = []))
      list.push({ doc: i, tf: n })
    }
  })
  const n = docs.length
  const avg = lengths.reduce((a, x) => a + x, 0) / Math.max(1, n)
  const scores = new Float64Array(n)
  return {
    /** Entry ids, best first. */
    search(query: string, limit = 10): number[] {
      scores.fill(0)
      const touched: number[] = []
      for (const g of new Set(bigrams(query))) {
        const list = postings.get(g)
        if (!list) continue
        const idf = Math.log(1 + (n - list.length + 0.5) / (list.length + 0.5))
        for (const p of list) {
          if (scores[p.doc] === 0) touched.push(p.doc)
          scores[p.doc] += idf * (p.tf * (k1 + 1)) / (p.tf + k1 * (1 - b + b * lengths[p.doc] / avg))
        }
      }
      touched.sort((x, y) => scores[y] - scores[x] || x - y)
      return touched.slice(0, limit).map((i) => docs[i].id)
    },
  }
}
