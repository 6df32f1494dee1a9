import MiniSearch from 'minisearch'
import { describe, expect, it } from 'vitest'
import { createPostingIndex } from './postings.ts'
import { rng } from '../../bench/datasets.ts'

const FIELDS = ['question', 'similar', 'keywords', 'answer'] as const
const BOOSTS = [3, 2.5, 2, 1]

/** Random documents over a small vocabulary, with empty fields and repeated terms. */
function documents(n: number, seed: number) {
  const r = rng(seed)
  const vocab = Array.from({ length: 60 }, (_, i) => `词${i}`)
  const words = (max: number) => Array.from({ length: Math.floor(r() * max) }, () => vocab[Math.floor(r() * r() * vocab.length)])
  return Array.from({ length: n }, (_, i) => ({ id: i + 1, fields: [words(8), words(6), words(3), words(30)] }))
}

function miniSearchOf(docs: ReturnType<typeof documents>) {
  const ms = new MiniSearch<{ id: number; question: string; similar: string; keywords: string; answer: string }>({
    fields: [...FIELDS], tokenize: (t) => t.split(' '), processTerm: (t) => t,
  })
  for (const d of docs) ms.add({ id: d.id, question: d.fields[0].join(' '), similar: d.fields[1].join(' '), keywords: d.fields[2].join(' '), answer: d.fields[3].join(' ') })
  return ms
}

describe('posting index', () => {
  it('scores as MiniSearch does, so the fitted re-ranker reads the same BM25', () => {
    const docs = documents(400, 7)
    const index = createPostingIndex(4)
    for (const d of docs) index.add(d.id, d.fields)
    const ms = miniSearchOf(docs)
    for (const query of [['词1', '词2'], ['词0'], ['词5', '词17', '词40'], ['词59', '没有的词']]) {
      const expected = ms.search({ queries: query, combineWith: 'OR' } as never, { boost: Object.fromEntries(FIELDS.map((f, i) => [f, BOOSTS[i]])) })
      const got = index.search(query, BOOSTS, 10)
      expect(got.length).toBe(Math.min(10, expected.length))
      const theirs = new Map(expected.map((e) => [e.id as number, e.score]))
      got.forEach((hit, i) => {
        // Same ranking (up to ties) and the same score for the same document.
        expect(hit.score).toBeCloseTo(expected[i].score, 9)
        expect(hit.score).toBeCloseTo(theirs.get(hit.id)!, 9)
      })
    }
  })

  it('returns the best k, best first, with the query terms each document holds', () => {
    const index = createPostingIndex(2)
    index.add(1, [['社保', '缴费'], []])
    index.add(2, [['社保'], ['缴费', '基数']])
    index.add(3, [['公积金'], []])
    const hits = index.search(['社保', '缴费', '基数'], [2, 1], 2)
    expect(hits.map((h) => h.id)).toEqual([2, 1])
    expect(hits[0].termMask).toBe(0b111)
    expect(hits[1].termMask).toBe(0b011)
    expect(index.search(['公积金'], [2, 1], 5).map((h) => h.id)).toEqual([3])
  })

  it('forgets removed and replaced documents, and their counts', () => {
    const index = createPostingIndex(1)
    for (let id = 1; id <= 50; id++) index.add(id, [['共同', id % 2 ? '单' : '双']])
    expect(index.df('共同')).toBe(50)
    for (let id = 1; id <= 40; id++) index.remove(id)
    expect(index.size).toBe(10)
    expect(index.df('共同')).toBe(10)
    expect(index.search(['共同'], [1], 100).map((h) => h.id).sort((a, b) => a - b)).toEqual([41, 42, 43, 44, 45, 46, 47, 48, 49, 50])
    index.add(45, [['新词']])
    expect(index.df('共同')).toBe(9)
    expect(index.search(['新词'], [1], 5).map((h) => h.id)).toEqual([45])
    expect(index.search(['共同'], [1], 100).some((h) => h.id === 45)).toBe(false)
    expect(index.remove(1)).toBe(false)
  })

  it('scores after documents come and go as an index built with the same documents would', () => {
    const docs = documents(300, 11)
    const grown = createPostingIndex(4)
    for (const d of docs.slice(0, 200)) grown.add(d.id, d.fields)
    const query = ['词1', '词2', '词17']
    grown.search(query, BOOSTS, 10)
    for (const d of docs.slice(200)) grown.add(d.id, d.fields)
    for (const d of docs.slice(0, 50)) grown.remove(d.id)
    const fresh = createPostingIndex(4)
    for (const d of docs.slice(50)) fresh.add(d.id, d.fields)
    const got = grown.search(query, BOOSTS, 20)
    expect(got.map((h) => h.id)).toEqual(fresh.search(query, BOOSTS, 20).map((h) => h.id))
    got.forEach((h, i) => expect(h.score).toBeCloseTo(fresh.search(query, BOOSTS, 20)[i].score, 12))
  })

  it('applies the filter before choosing the best k', () => {
    const index = createPostingIndex(1)
    for (let id = 1; id <= 20; id++) index.add(id, [Array(id).fill('词')])
    const odd = index.search(['词'], [1], 3, (id) => id % 2 === 1)
    expect(odd).toHaveLength(3)
    expect(odd.every((h) => h.id % 2 === 1)).toBe(true)
  })

  it('keeps long posting lists (many blocks) right through removals, compaction and re-adds', () => {
    // 3,000 documents: the common words' lists run over many blocks; removing most of them compacts
    // those lists, and documents added afterwards go on at the end of the rewritten chains.
    const docs = documents(3000, 23)
    const grown = createPostingIndex(4)
    for (const d of docs) grown.add(d.id, d.fields)
    const r = rng(5)
    const removed = new Set(docs.filter(() => r() < 0.7).map((d) => d.id))
    for (const id of removed) grown.remove(id)
    const extra = documents(400, 29).map((d) => ({ ...d, id: d.id + 10000 }))
    for (const d of extra) grown.add(d.id, d.fields)
    const kept = [...docs.filter((d) => !removed.has(d.id)), ...extra]
    const fresh = createPostingIndex(4)
    for (const d of kept) fresh.add(d.id, d.fields)
    expect(grown.size).toBe(kept.length)
    for (const query of [['词0'], ['词1', '词2', '词3'], ['词40', '词59']]) {
      expect(grown.df(query[0])).toBe(fresh.df(query[0]))
      const got = grown.search(query, BOOSTS, kept.length)
      const want = fresh.search(query, BOOSTS, kept.length)
      expect(got.map((h) => h.id).sort((a, b) => a - b)).toEqual(want.map((h) => h.id).sort((a, b) => a - b))
      const score = new Map(want.map((h) => [h.id, h.score]))
      for (const h of got) expect(h.score).toBeCloseTo(score.get(h.id)!, 9)
    }
  })

  it('takes a document larger than a storage page', () => {
    const index = createPostingIndex(1)
    const words = Array.from({ length: 1_100_000 }, (_, i) => `w${i}`)
    index.add(1, [words])
    index.add(2, [['w5', '别的']])
    expect(index.search(['w5'], [1], 5).map((h) => h.id).sort()).toEqual([1, 2])
    index.remove(1)
    expect(index.df('w5')).toBe(1)
    expect(index.search(['w5'], [1], 5).map((h) => h.id)).toEqual([2])
  })

  it('keeps one- and two-character terms apart from each other and from longer ones, however many there are', () => {
    const index = createPostingIndex(1)
    index.add(1, [['a', 'ab', '\u0000a', 'abc']])
    index.add(2, [['\u0000a']])
    expect(['a', 'ab', '\u0000a', 'abc', 'b'].map((t) => index.df(t))).toEqual([1, 1, 2, 1, 0])
    expect(index.search(['a'], [1], 5).map((h) => h.id)).toEqual([1])
    // Thousands of distinct bigrams: the table that holds them grows many times over.
    const grams = Array.from({ length: 5000 }, (_, i) => String.fromCharCode(0x4e00 + (i % 100), 0x4e00 + Math.floor(i / 100)))
    grams.forEach((g, i) => index.add(100 + i, [[g, '共同']]))
    expect(grams.every((g, i) => index.search([g], [1], 2).map((h) => h.id).join() === String(100 + i))).toBe(true)
    expect(index.df('共同')).toBe(5000)
  })

  it('uses the storage of removed documents again: an entry edited thousands of times takes no lasting space', () => {
    const index = createPostingIndex(2)
    const docs = documents(100, 31)
    for (const d of docs) index.add(d.id, [d.fields[0], d.fields[3]])
    const edited = Array.from({ length: 50 }, (_, i) => `独有${i}`)
    index.add(1000, [edited, [...edited, '词1', '词2']])
    const before = index.storedInts
    for (let round = 0; round < 5000; round++) index.add(1000, [edited, [...edited, '词1', '词2']])
    // Without reuse each edit left ~150 ints (its postings and its record for removal): 750,000 in all.
    expect(index.storedInts - before).toBeLessThan(20_000)
    expect(index.df('独有7')).toBe(1)
    expect(index.search(['独有7'], [1, 1], 5).map((h) => h.id)).toEqual([1000])
    expect(index.df('词1')).toBe(docs.filter((d) => d.fields[0].includes('词1') || d.fields[3].includes('词1')).length + 1)
  })
})
