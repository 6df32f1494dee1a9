// A compact inverted index with BM25 scoring over several fields, for the matcher's retrieval.
//
// Why not MiniSearch's own search here: profiling at 10k entries showed MiniSearch's `termResults`
// at ~40% of a match (it builds a result object per posting and merges maps per term), and its
// radix tree scans every child of a node on insert, which with thousands of distinct first CJK
// characters made `add` cost ~300 µs per entry. This index keeps postings in chains of blocks in
// shared Int32 pages (below), scores into a flat accumulator and keeps only the best `k`. MiniSearch still serves typeahead, where
// prefix search is what it is good at (matcher.ts).
//
// Scoring is MiniSearch's BM25+ (k1 1.2, b 0.7, δ 0.5), per field, times the field's boost, with
// the field length counted in distinct terms, and the sum multiplied by the number of query terms
// matched: the re-ranker's model was fitted on these scores.

import { ShortKeyTable, shortKey } from './features.ts'

const K1 = 1.2
const B = 0.7
const DELTA = 0.5
const MAX_TF = 0xfff

export interface PostingHit {
  id: number
  score: number
  /** Indexes into the query's terms of those the entry holds. */
  termMask: number
}


/** Grows a typed array to at least `min` elements, doubling. */
function grow<T extends Int32Array | Uint16Array | Float32Array | Float64Array | Uint8Array>(a: T, min: number): T {
  if (a.length >= min) return a
  const next = new (a.constructor as new (n: number) => T)(Math.max(min, a.length * 2, 16))
  next.set(a)
  return next
}

/** Int32 pages that hold every posting list and every document's forward record (see below). */
const PAGE_BITS = 20
const PAGE_INTS = 1 << PAGE_BITS
const PAGE_MASK = PAGE_INTS - 1
/** Addresses are page << PAGE_BITS | offset and must stay positive Int32s: at most this many pages (8 GB). */
const MAX_PAGES = 2 ** (31 - PAGE_BITS)
/** A posting list's blocks take 8 ints (3 postings) at first, and twice as many each time, up to 2,048 (1,023). */
const FIRST_BLOCK_INTS = 8
const MAX_BLOCK_INTS = 2048

/**
 * `plain`: classic BM25 (no δ, no coordination factor, field length in all terms) — what suits
 * character bigrams of long texts, where BM25+'s per-term bonus and the coordination factor favour
 * long answers that hold many common bigrams.
 */
export function createPostingIndex(fieldCount: number, opts: { plain?: boolean } = {}) {
  if (fieldCount < 1 || fieldCount > 15) throw new Error('between 1 and 15 fields')
  const F = fieldCount
  const plain = opts.plain ?? false
  const delta = plain ? 0 : DELTA

  // Storage. A library of 100,000 entries holds about 20 million postings over a few hundred thousand
  // terms. Kept as a pair of JS arrays per term, they were a million small objects with up to 17
  // times their length in spare capacity: a 1.5 GB process that spent most of its build in garbage
  // collection. Here every posting list is a chain of blocks in shared Int32 pages of 4 MB, each
  // block twice the size of the one before: [next block or -1, capacity, then (slot, field << 12 | tf)
  // per posting]. A block's address is page << PAGE_BITS | offset. Every record (a block, a document's
  // forward record) takes a power of two of ints, and a record given back goes on the free list of
  // its size and is used again: an entry edited over and over, and the calibration's leave-one-out
  // (which takes each held-out entry out and puts it back), cost no lasting storage.
  const pages: Int32Array[] = []
  let used = PAGE_INTS // no page yet: the first allocation opens one
  /** Free records per size (log2 of their ints). */
  const free: number[][] = Array.from({ length: PAGE_BITS + 1 }, () => [])
  const sizeClass = (ints: number) => Math.max(2, 32 - Math.clz32(Math.max(1, ints) - 1))
  function openPage(ints: number): number {
    if (pages.length >= MAX_PAGES) throw new Error('检索索引的存储已满（8 GB）')
    pages.push(new Int32Array(ints))
    return pages.length - 1
  }
  function allocate(ints: number): number {
    // A record larger than a page (a document of a million words) gets a page of its own.
    if (ints > PAGE_INTS) { const p = openPage(ints); used = PAGE_INTS; return p << PAGE_BITS }
    const k = sizeClass(ints)
    const reused = free[k].pop()
    if (reused !== undefined) return reused
    const size = 1 << k
    if (used + size > PAGE_INTS) { openPage(PAGE_INTS); used = 0 }
    const at = ((pages.length - 1) << PAGE_BITS) | used
    used += size
    return at
  }
  /** Gives a record of `ints` ints back (a page of its own is let go). */
  function release(at: number, ints: number) {
    if (ints > PAGE_INTS) { pages[at >>> PAGE_BITS] = new Int32Array(0); return }
    free[sizeClass(ints)].push(at)
  }
  function newBlock(ints: number): number {
    const b = allocate(ints)
    const page = pages[b >>> PAGE_BITS], o = b & PAGE_MASK
    page[o] = -1
    page[o + 1] = (ints - 2) / 2
    return b
  }
  const blockInts = (capacity: number) => 2 + 2 * capacity

  // Terms: an id per distinct string; per term its first and last block, how many postings the last
  // one holds, and how many of its postings belong to removed documents.
  const termIds = new Map<string, number>()
  let terms = 0
  let head = new Int32Array(0)
  let tail = new Int32Array(0)
  let tailUsed = new Int32Array(0)
  let dead = new Int32Array(0)
  /** Documents holding the term, per field (term * F + field). */
  let fieldDf = new Int32Array(0)
  /** Documents holding the term in any field. */
  let termDf = new Int32Array(0)

  function append(tid: number, slot: number, meta: number) {
    let b = tail[tid]
    if (b === -1) {
      b = newBlock(FIRST_BLOCK_INTS)
      head[tid] = b
      tail[tid] = b
      tailUsed[tid] = 0
    } else {
      const page = pages[b >>> PAGE_BITS], o = b & PAGE_MASK
      if (tailUsed[tid] === page[o + 1]) {
        const next = newBlock(Math.min(MAX_BLOCK_INTS, 2 * blockInts(page[o + 1])))
        page[o] = next
        tail[tid] = b = next
        tailUsed[tid] = 0
      }
    }
    const page = pages[b >>> PAGE_BITS], at = (b & PAGE_MASK) + 2 + 2 * tailUsed[tid]++
    page[at] = slot
    page[at + 1] = meta
  }

  // Documents: a slot per added document; slots of removed documents are dead and never reused.
  const slotOf = new Map<number, number>()
  let slotIds = new Int32Array(0)
  let alive = new Uint8Array(0)
  let fieldLen = new Float32Array(0) // slot * F + field: distinct terms in that field
  /**
   * Each live slot's (term * F + field) pairs, to undo its counts on removal: a record in the pages
   * at forwardAt[slot], forwardLen[slot] long. A removed document's record is left where it is.
   */
  let forwardAt = new Int32Array(0)
  let forwardLen = new Int32Array(0)
  let slots = 0
  /**
   * BM25's length normalisation per (slot, field), K1 · (1 − B + B · length / average length): it
   * changes only when a document is added or removed, so it is computed once per change rather than
   * once per posting (a division per posting was a good part of a letter's retrieval).
   */
  let norms = new Float64Array(0)
  let normsFor = -1
  let changes = 0
  let live = 0
  const totalLen = new Float64Array(F)

  // Per-query scratch, sized to the slots.
  let scores = new Float64Array(0)
  let masks = new Uint32Array(0)
  // How many distinct query terms each document holds (BM25+'s coordination factor), and the last
  // term counted, since a term has a posting per field it is in.
  let counts = new Uint16Array(0)
  let lastTerm = new Uint16Array(0)
  let touched = new Int32Array(0)

  // Terms of one or two UTF-16 units (every character bigram, most words) are found by their
  // character codes (features.ts ShortKeyTable), longer ones in the Map.
  const shortIds = new ShortKeyTable()
  /** A term's id, if it has one. */
  function lookup(term: string): number | undefined {
    if (term.length === 0 || term.length > 2) return termIds.get(term)
    const id = shortIds.get(shortKey(term))
    return id >= 0 ? id : undefined
  }

  // Scratch for add, per term: the (slot, field) and the slot that last counted it (each + 1, so 0 is
  // never one), and its frequency in the field being added. Arrays rather than a Map and a Set per
  // document: they were a fifth of building a 100,000-entry library.
  let fieldMark = new Int32Array(0)
  let docMark = new Int32Array(0)
  let tfOf = new Int32Array(0)

  function termId(term: string): number {
    let id = lookup(term)
    if (id === undefined) {
      id = terms++
      if (term.length === 0 || term.length > 2) termIds.set(term, id)
      else shortIds.set(shortKey(term), id)
      head = grow(head, terms)
      tail = grow(tail, terms)
      tailUsed = grow(tailUsed, terms)
      dead = grow(dead, terms)
      fieldMark = grow(fieldMark, terms)
      docMark = grow(docMark, terms)
      tfOf = grow(tfOf, terms)
      head[id] = -1
      tail[id] = -1
      fieldDf = grow(fieldDf, terms * F)
      termDf = grow(termDf, terms)
    }
    return id
  }

  /** Adds a document: for each field, its terms in order (repeats count as term frequency). */
  function add(id: number, fields: readonly (readonly string[])[]) {
    if (slotOf.has(id)) remove(id)
    const slot = slots++
    slotOf.set(id, slot)
    slotIds = grow(slotIds, slots)
    alive = grow(alive, slots)
    fieldLen = grow(fieldLen, slots * F)
    forwardAt = grow(forwardAt, slots)
    forwardLen = grow(forwardLen, slots)
    slotIds[slot] = id
    alive[slot] = 1
    live++
    const pairs: number[] = []
    const distinct: number[] = []
    for (let f = 0; f < F; f++) {
      const fieldTerms = fields[f] ?? []
      const mark = slot * F + f + 1
      distinct.length = 0
      for (const t of fieldTerms) {
        if (!t) continue
        const tid = termId(t)
        if (fieldMark[tid] !== mark) { fieldMark[tid] = mark; tfOf[tid] = 1; distinct.push(tid) } else tfOf[tid]++
      }
      // An empty field counts as length 1, as in MiniSearch (its tokenizer yields one empty token).
      const length = Math.max(1, plain ? fieldTerms.length : distinct.length)
      fieldLen[slot * F + f] = length
      totalLen[f] += length
      changes++
      // In the order the terms first occur, as the index has always kept them.
      for (const tid of distinct) {
        append(tid, slot, (f << 12) | Math.min(tfOf[tid], MAX_TF))
        fieldDf[tid * F + f]++
        pairs.push(tid * F + f)
        if (docMark[tid] !== slot + 1) { docMark[tid] = slot + 1; termDf[tid]++ }
      }
    }
    const at = pairs.length ? allocate(pairs.length) : 0
    if (pairs.length) pages[at >>> PAGE_BITS].set(pairs, at & PAGE_MASK)
    forwardAt[slot] = at
    forwardLen[slot] = pairs.length
  }

  function remove(id: number): boolean {
    const slot = slotOf.get(id)
    if (slot === undefined) return false
    slotOf.delete(id)
    alive[slot] = 0
    live--
    const page = pages[forwardAt[slot] >>> PAGE_BITS]
    const from = forwardAt[slot] & PAGE_MASK
    const seen = new Set<number>()
    for (let k = 0; k < forwardLen[slot]; k++) {
      const p = page[from + k]
      const tid = Math.floor(p / F)
      fieldDf[p]--
      if (!seen.has(tid)) { seen.add(tid); termDf[tid]--; dead[tid]++ }
    }
    if (forwardLen[slot] > 0) release(forwardAt[slot], forwardLen[slot])
    forwardLen[slot] = 0
    for (let f = 0; f < F; f++) totalLen[f] -= fieldLen[slot * F + f]
    changes++
    // A posting list that is mostly dead entries is compacted, so lookups stay proportional to live ones.
    for (const tid of seen) if (dead[tid] > 8 && dead[tid] * 2 > termDf[tid] + dead[tid]) compact(tid)
    return true
  }

  /** Rewrites a term's live postings from the start of its chain, and gives the blocks left over back. */
  function compact(tid: number) {
    const kept: number[] = []
    const blocks: number[] = []
    for (let b = head[tid]; b !== -1;) {
      blocks.push(b)
      const page = pages[b >>> PAGE_BITS], o = b & PAGE_MASK
      const n = b === tail[tid] ? tailUsed[tid] : page[o + 1]
      for (let i = 0; i < n; i++) if (alive[page[o + 2 + 2 * i]]) kept.push(page[o + 2 + 2 * i], page[o + 3 + 2 * i])
      b = page[o]
    }
    let next = 0
    tail[tid] = -1
    for (let k = 0; k < kept.length;) {
      const b = blocks[next++]
      const page = pages[b >>> PAGE_BITS], o = b & PAGE_MASK
      const n = Math.min(page[o + 1], (kept.length - k) / 2)
      for (let i = 0; i < n; i++, k += 2) { page[o + 2 + 2 * i] = kept[k]; page[o + 3 + 2 * i] = kept[k + 1] }
      tail[tid] = b
      tailUsed[tid] = n
    }
    for (let i = next; i < blocks.length; i++) {
      const b = blocks[i]
      release(b, blockInts(pages[b >>> PAGE_BITS][(b & PAGE_MASK) + 1]))
    }
    if (tail[tid] === -1) head[tid] = -1
    else pages[tail[tid] >>> PAGE_BITS][tail[tid] & PAGE_MASK] = -1
    dead[tid] = 0
  }

  /**
   * BM25 over `terms` (OR), each field weighted by `boosts[field]`; the best `k` documents, best
   * first. `filter` may reject documents by id. `termWeights[i]` (default 1) scales term i's
   * weight, for words a query only stands close to (related terms).
   */
  function search(terms: readonly string[], boosts: readonly number[], k: number, filter?: (id: number) => boolean, termWeights?: readonly number[]): PostingHit[] {
    if (live === 0 || k <= 0) return []
    if (scores.length < slots) {
      scores = new Float64Array(Math.max(slots, scores.length * 2))
      masks = new Uint32Array(scores.length)
      counts = new Uint16Array(scores.length)
      lastTerm = new Uint16Array(scores.length)
    }
    let nTouched = 0
    const avg = new Float64Array(F)
    for (let f = 0; f < F; f++) avg[f] = totalLen[f] / live || 1
    if (normsFor !== changes) {
      if (norms.length < slots * F) norms = new Float64Array(Math.max(slots * F, norms.length * 2))
      for (let i = 0; i < slots * F; i++) norms[i] = K1 * (1 - B + (B * fieldLen[i]) / avg[i % F])
      normsFor = changes
    }
    const idf = new Float64Array(F)
    const seen = new Set<number>()
    for (let qi = 0; qi < terms.length; qi++) {
      const tid = lookup(terms[qi])
      if (tid === undefined || seen.has(tid)) continue
      seen.add(tid)
      const tw = termWeights ? termWeights[qi] : 1
      for (let f = 0; f < F; f++) {
        const n = fieldDf[tid * F + f]
        idf[f] = n > 0 ? tw * boosts[f] * Math.log(1 + (live - n + 0.5) / (n + 0.5)) : 0
      }
      // Only the first 32 terms have a bit in the mask (for highlighting); every term counts.
      const bit = qi < 32 ? 1 << qi : 0
      for (let b = head[tid]; b !== -1;) {
        const page = pages[b >>> PAGE_BITS], o = b & PAGE_MASK
        const len = b === tail[tid] ? tailUsed[tid] : page[o + 1]
        if (touched.length < nTouched + len) touched = grow(touched, nTouched + len)
        for (let i = 0, at = o + 2; i < len; i++, at += 2) {
          const slot = page[at]
          if (!alive[slot]) continue
          const meta = page[at + 1]
          const f = meta >> 12
          const w = idf[f]
          if (w === 0) continue
          const tf = meta & MAX_TF
          const norm = norms[slot * F + f]
          if (counts[slot] === 0) touched[nTouched++] = slot
          scores[slot] += w * (delta + (tf * (K1 + 1)) / (tf + norm))
          masks[slot] |= bit
          if (lastTerm[slot] !== qi + 1) { lastTerm[slot] = qi + 1; counts[slot]++ }
        }
        b = page[o]
      }
    }
    // The best k by a bounded min-heap over the touched slots, then the scratch is cleared.
    const heapSlots = new Int32Array(k)
    const heapScores = new Float64Array(k)
    let size = 0
    for (let i = 0; i < nTouched; i++) {
      const slot = touched[i]
      // As MiniSearch does, a document's sum is multiplied by how many of the query's terms it holds.
      const sc = plain ? scores[slot] : scores[slot] * counts[slot]
      if (size === k && sc <= heapScores[0]) continue
      if (filter && !filter(slotIds[slot])) continue
      if (size < k) {
        let j = size++
        while (j > 0) {
          const p = (j - 1) >> 1
          if (heapScores[p] <= sc) break
          heapScores[j] = heapScores[p]; heapSlots[j] = heapSlots[p]; j = p
        }
        heapScores[j] = sc; heapSlots[j] = slot
      } else {
        let j = 0
        for (;;) {
          const l = 2 * j + 1
          if (l >= size) break
          const c = l + 1 < size && heapScores[l + 1] < heapScores[l] ? l + 1 : l
          if (heapScores[c] >= sc) break
          heapScores[j] = heapScores[c]; heapSlots[j] = heapSlots[c]; j = c
        }
        heapScores[j] = sc; heapSlots[j] = slot
      }
    }
    const out: PostingHit[] = []
    for (let i = 0; i < size; i++) out.push({ id: slotIds[heapSlots[i]], score: heapScores[i], termMask: masks[heapSlots[i]] })
    for (let i = 0; i < nTouched; i++) { const t = touched[i]; scores[t] = 0; masks[t] = 0; counts[t] = 0; lastTerm[t] = 0 }
    // Ties keep the order of insertion (lower id first), so results are stable across runs.
    out.sort((a, b) => b.score - a.score || a.id - b.id)
    return out
  }

  return {
    add,
    remove,
    search,
    has: (id: number) => slotOf.has(id),
    /** Documents holding the term in this field. */
    fieldDf(term: string, field: number): number {
      const tid = lookup(term)
      return tid === undefined ? 0 : fieldDf[tid * F + field]
    },
    /** Documents holding the term in any field. */
    df(term: string): number {
      const tid = lookup(term)
      return tid === undefined ? 0 : termDf[tid]
    },
    get size() { return live },
    /** Ints taken from the pages so far (records given back and used again count once). */
    get storedInts() { return pages.length === 0 ? 0 : (pages.length - 1) * PAGE_INTS + used },
  }
}

export type PostingIndex = ReturnType<typeof createPostingIndex>
