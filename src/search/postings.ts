// A compact inverted index with BM25 scoring over several fields, for the matcher's retrieval.
//
// Why not MiniSearch's own search here: profiling at 10k entries showed MiniSearch's `termResults`
// at ~40% of a match (it builds a result object per posting and merges maps per term), and its
// radix tree scans every child of a node on insert, which with thousands of distinct first CJK
// characters made `add` cost ~300 µs per entry. This index keeps postings in typed arrays, scores
// into a flat accumulator and keeps only the best `k`. MiniSearch still serves typeahead, where
// prefix search is what it is good at (matcher.ts).
//
// Scoring is MiniSearch's BM25+ (k1 1.2, b 0.7, δ 0.5), per field, times the field's boost, with
// the field length counted in distinct terms, and the sum multiplied by the number of query terms
// matched: the re-ranker's model was fitted on these scores.

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

  // Terms: id per distinct string; per term a posting list of (slot, field << 12 | tf), in plain
  // arrays of small integers (V8 stores them unboxed; they grow without copying per term).
  const termIds = new Map<string, number>()
  const postSlots: number[][] = []
  const postMeta: number[][] = []
  const postDead: number[] = []
  /** Documents holding the term, per field (term * F + field). */
  let fieldDf = new Int32Array(0)
  /** Documents holding the term in any field. */
  let termDf = new Int32Array(0)

  // Documents: a slot per added document; slots of removed documents are dead and never reused.
  const slotOf = new Map<number, number>()
  let slotIds = new Int32Array(0)
  let alive = new Uint8Array(0)
  let fieldLen = new Float32Array(0) // slot * F + field: distinct terms in that field
  /** The (term, field) pairs of each live slot, to undo its counts on removal. */
  const forward: (Int32Array | undefined)[] = []
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

  function termId(term: string): number {
    let id = termIds.get(term)
    if (id === undefined) {
      id = postSlots.length
      termIds.set(term, id)
      postSlots.push([])
      postMeta.push([])
      postDead.push(0)
      fieldDf = grow(fieldDf, (id + 1) * F)
      termDf = grow(termDf, id + 1)
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
    slotIds[slot] = id
    alive[slot] = 1
    live++
    const pairs: number[] = []
    const inDoc = new Set<number>()
    for (let f = 0; f < F; f++) {
      const terms = fields[f] ?? []
      const tf = new Map<number, number>()
      for (const t of terms) {
        if (!t) continue
        const tid = termId(t)
        tf.set(tid, (tf.get(tid) ?? 0) + 1)
      }
      // An empty field counts as length 1, as in MiniSearch (its tokenizer yields one empty token).
      const length = Math.max(1, plain ? terms.length : tf.size)
      fieldLen[slot * F + f] = length
      totalLen[f] += length
      changes++
      for (const [tid, n] of tf) {
        postSlots[tid].push(slot)
        postMeta[tid].push((f << 12) | Math.min(n, MAX_TF))
        fieldDf[tid * F + f]++
        pairs.push(tid * F + f)
        if (!inDoc.has(tid)) { inDoc.add(tid); termDf[tid]++ }
      }
    }
    forward[slot] = Int32Array.from(pairs)
  }

  function remove(id: number): boolean {
    const slot = slotOf.get(id)
    if (slot === undefined) return false
    slotOf.delete(id)
    alive[slot] = 0
    live--
    const pairs = forward[slot]!
    forward[slot] = undefined
    const seen = new Set<number>()
    for (const p of pairs) {
      const tid = Math.floor(p / F)
      fieldDf[p]--
      if (!seen.has(tid)) { seen.add(tid); termDf[tid]--; postDead[tid]++ }
    }
    for (let f = 0; f < F; f++) totalLen[f] -= fieldLen[slot * F + f]
    changes++
    // A posting list that is mostly dead entries is compacted, so lookups stay proportional to live ones.
    for (const tid of seen) if (postDead[tid] > 8 && postDead[tid] * 2 > postSlots[tid].length) compact(tid)
    return true
  }

  function compact(tid: number) {
    const s = postSlots[tid]
    const m = postMeta[tid]
    let w = 0
    for (let r = 0; r < s.length; r++) {
      if (!alive[s[r]]) continue
      s[w] = s[r]
      m[w] = m[r]
      w++
    }
    s.length = w
    m.length = w
    postDead[tid] = 0
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
      const tid = termIds.get(terms[qi])
      if (tid === undefined || seen.has(tid)) continue
      seen.add(tid)
      const tw = termWeights ? termWeights[qi] : 1
      for (let f = 0; f < F; f++) {
        const n = fieldDf[tid * F + f]
        idf[f] = n > 0 ? tw * boosts[f] * Math.log(1 + (live - n + 0.5) / (n + 0.5)) : 0
      }
      const s = postSlots[tid]
      const m = postMeta[tid]
      const len = s.length
      // Only the first 32 terms have a bit in the mask (for highlighting); every term counts.
      const bit = qi < 32 ? 1 << qi : 0
      if (touched.length < nTouched + len) touched = grow(touched, nTouched + len)
      for (let i = 0; i < len; i++) {
        const slot = s[i]
        if (!alive[slot]) continue
        const meta = m[i]
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
      const tid = termIds.get(term)
      return tid === undefined ? 0 : fieldDf[tid * F + field]
    },
    /** Documents holding the term in any field. */
    df(term: string): number {
      const tid = termIds.get(term)
      return tid === undefined ? 0 : termDf[tid]
    },
    get size() { return live },
  }
}

export type PostingIndex = ReturnType<typeof createPostingIndex>
