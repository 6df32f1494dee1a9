// The decision to answer at once, calibrated on the library that is actually loaded.
//
// The ranker's confidence is fitted on public data (model.json); what it means on one district's
// library is measured on that library: each entry's similar questions, held out one at a time, are
// questions whose right entry is known (answerable), and the same questions with their entry taken
// out are questions the library cannot answer. Platt scaling maps the model's confidence to the
// probability that the top candidate is right on this library, and each level's threshold is the
// lowest at which the answers given at once are expected to be wrong at most as often as allowed.
import type { Matcher, MatchDocument } from './matcher.ts'
import { selfExampleRounds } from './self-examples.ts'
import { compactText, normalizeText } from './normalize.ts'

export interface CalibrationExample { raw: number; right: boolean; source: 'library' | 'feedback' }

export interface Calibration {
  /** p = sigmoid(a · logit(raw) + b). */
  a: number
  b: number
  thresholds: { desk: number; automatic: number }
  maxWrong: { desk: number; automatic: number }
  /** What it was fitted on. */
  examples: { answerable: number; unanswerable: number; feedback: number }
  /** Predicted against observed per bin of the calibrated probability. */
  reliability: { from: number; to: number; n: number; predicted: number; observed: number }[]
  /** Expected share of wrong answers among those given at once, at each level's threshold, on the examples. */
  expected: { desk: { answered: number; wrong: number }; automatic: { answered: number; wrong: number } }
  /** 'library': fitted here; 'model': too few examples, the model's confidence is used as it is. */
  method: 'library' | 'model' | 'pinned'
  fittedAt: string
}

/** Below this many examples the library's own calibration is not trusted. */
export const MIN_EXAMPLES = 40

const logit = (p: number) => { const q = Math.min(1 - 1e-6, Math.max(1e-6, p)); return Math.log(q / (1 - q)) }
const sigmoid = (z: number) => 1 / (1 + Math.exp(-z))

export function calibrated(c: Pick<Calibration, 'a' | 'b'>, raw: number): number {
  return sigmoid(c.a * logit(raw) + c.b)
}

/**
 * The share of incoming questions the library cannot answer, assumed when weighting the examples:
 * leave-one-out makes as many unanswerable examples as answerable ones, while on a hotline most
 * questions are about what the library holds. Each unanswerable example weighs so that they make up
 * this share of the total.
 */
export const UNANSWERABLE_SHARE = 0.25

function weightsOf(examples: readonly CalibrationExample[]): number[] {
  const unanswerable = examples.filter((e) => e.source === 'library' && !e.right).length
  const others = examples.length - unanswerable
  const w = unanswerable && others ? (UNANSWERABLE_SHARE / (1 - UNANSWERABLE_SHARE)) * (others / unanswerable) : 1
  return examples.map((e) => (e.source === 'library' && !e.right ? Math.min(1, w) : 1))
}

/** Platt scaling by Newton's method on (logit(raw), right), weighted, with a weak prior towards the identity. */
function platt(examples: readonly CalibrationExample[], weights: readonly number[]): { a: number; b: number } {
  let a = 1, b = 0
  const xs = examples.map((e) => logit(e.raw))
  const ys = examples.map((e) => (e.right ? 1 : 0))
  const prior = 1e-2
  for (let it = 0; it < 50; it++) {
    let ga = prior * (a - 1), gb = prior * b, haa = prior, hab = 0, hbb = prior
    for (let i = 0; i < xs.length; i++) {
      const p = sigmoid(a * xs[i] + b)
      const d = weights[i] * (p - ys[i])
      const w = weights[i] * Math.max(1e-9, p * (1 - p))
      ga += d * xs[i]; gb += d
      haa += w * xs[i] * xs[i]; hab += w * xs[i]; hbb += w
    }
    const det = haa * hbb - hab * hab
    if (Math.abs(det) < 1e-12) break
    const da = (hbb * ga - hab * gb) / det
    const db = (haa * gb - hab * ga) / det
    a -= da; b -= db
    if (Math.abs(da) + Math.abs(db) < 1e-9) break
  }
  return { a, b }
}

/**
 * The lowest threshold at which the weighted share of wrong answers among the examples at or above it
 * stays within `maxWrong`. 1 when none does.
 */
function thresholdFor(scored: readonly { p: number; right: boolean; w: number }[], maxWrong: number): { threshold: number; answered: number; wrong: number } {
  const sorted = [...scored].sort((x, y) => y.p - x.p)
  const total = sorted.reduce((s, x) => s + x.w, 0)
  let wrong = 0, n = 0
  let best = { threshold: 1, answered: 0, wrong: 0 }
  for (let i = 0; i < sorted.length; i++) {
    const s = sorted[i]
    n += s.w
    if (!s.right) wrong += s.w
    // Only where the next example has a lower probability can a threshold fall between them.
    if (i + 1 < sorted.length && sorted[i + 1].p === s.p) continue
    if (wrong / n <= maxWrong) best = { threshold: s.p, answered: n / total, wrong: wrong / n }
  }
  return best
}

export function fitCalibration(examples: readonly CalibrationExample[], maxWrong: { desk: number; automatic: number }, now = new Date()): Calibration {
  const counts = {
    answerable: examples.filter((e) => e.source === 'library' && e.right).length,
    unanswerable: examples.filter((e) => e.source === 'library' && !e.right).length,
    feedback: examples.filter((e) => e.source === 'feedback').length,
  }
  const enough = examples.length >= MIN_EXAMPLES && examples.some((e) => e.right) && examples.some((e) => !e.right)
  const weights = weightsOf(examples)
  const { a, b } = enough ? platt(examples, weights) : { a: 1, b: 0 }
  const scored = examples.map((e, i) => ({ p: calibrated({ a, b }, e.raw), right: e.right, w: weights[i] }))
  const desk = enough ? thresholdFor(scored, maxWrong.desk) : { threshold: 1 - maxWrong.desk, answered: 0, wrong: 0 }
  const automatic = enough ? thresholdFor(scored, maxWrong.automatic) : { threshold: 1 - maxWrong.automatic, answered: 0, wrong: 0 }
  const reliability: Calibration['reliability'] = []
  for (let k = 0; k < 10; k++) {
    const inBin = scored.filter((s) => s.p >= k / 10 && (s.p < (k + 1) / 10 || (k === 9 && s.p <= 1)))
    // Weighted as the fit was: the examples stand for a mix with UNANSWERABLE_SHARE unanswerable questions.
    if (inBin.length) reliability.push({ from: k / 10, to: (k + 1) / 10, n: inBin.length, predicted: weightedMean(inBin, (s) => s.p), observed: weightedMean(inBin, (s) => (s.right ? 1 : 0)) })
  }
  return {
    a, b, maxWrong,
    // The automatic level is never looser than the desk's.
    thresholds: { desk: desk.threshold, automatic: Math.max(automatic.threshold, desk.threshold) },
    examples: counts, reliability,
    expected: { desk: { answered: desk.answered, wrong: desk.wrong }, automatic: { answered: automatic.answered, wrong: automatic.wrong } },
    method: enough ? 'library' : 'model',
    fittedAt: now.toISOString(),
  }
}

const weightedMean = <T extends { w: number }>(xs: readonly T[], f: (x: T) => number) => {
  const total = xs.reduce((s, x) => s + x.w, 0)
  return total > 0 ? xs.reduce((s, x) => s + x.w * f(x), 0) / total : 0
}

/**
 * Labelled examples from the loaded library, made on the serving matcher itself: for each held-out
 * similar question, its entry is put back without it (answerable), then taken out (unanswerable),
 * then restored. At most `maxQueries` questions, spread over the library.
 */
export function libraryExamples(matcher: Matcher, docs: readonly MatchDocument[], opts: LibraryExampleOptions & { restore?: (doc: MatchDocument) => void } = {}): CalibrationExample[] {
  const out: CalibrationExample[] = []
  for (const _ of libraryExampleSteps(matcher, docs, opts, out)) { /* run to the end */ }
  return out
}

/**
 * The same, giving the event loop back every `every` questions: a rebuild calibrates the new index
 * while the old one serves, and a 10,000-entry library's examples take seconds. `restore` may be
 * async (the search service reads the token cache): each entry is back before the next question.
 */
export async function libraryExamplesAsync(matcher: Matcher, docs: readonly MatchDocument[], opts: LibraryExampleOptions & { every?: number } = {}): Promise<CalibrationExample[]> {
  const out: CalibrationExample[] = []
  let n = 0
  for (const restored of libraryExampleSteps(matcher, docs, opts, out)) {
    await restored
    if (++n % (opts.every ?? 25) === 0) await new Promise((r) => setImmediate(r))
  }
  return out
}

interface LibraryExampleOptions { maxQueries?: number; restore?: (doc: MatchDocument) => void | Promise<void> }

/** Yields after each question what putting its entry back returned (a promise when `restore` is async). */
function* libraryExampleSteps(matcher: Matcher, docs: readonly MatchDocument[], opts: LibraryExampleOptions, out: CalibrationExample[]): Generator<void | Promise<void>> {
  const maxQueries = opts.maxQueries ?? 600
  // The caller may put an entry back with the tokens it was built from (the search service's cache).
  const restore = opts.restore ?? ((d: MatchDocument) => matcher.add(d))
  const byId = new Map(docs.map((d) => [d.id, d]))
  for (const round of selfExampleRounds(docs, 2, maxQueries)) {
    const modified = new Map(round.docs.map((d) => [d.id, d]))
    for (const q of round.queries) {
      const original = byId.get(q.gold)!
      if (!matcher.has(q.gold)) continue
      const held = modified.get(q.gold)!
      matcher.add(held)
      const top = matcher.match(q.text, { limit: 2 }).candidates[0]
      out.push({ raw: top?.confidence ?? 0, right: top?.id === q.gold, source: 'library' })
      matcher.remove(q.gold)
      const other = matcher.match(q.text, { limit: 2 }).candidates[0]
      out.push({ raw: other?.confidence ?? 0, right: false, source: 'library' })
      yield restore(original)
    }
  }
}

/**
 * Labelled examples from what agents did: each settled question is matched again on the loaded
 * library, and its top candidate is right when it is the entry the agent answered with. A question
 * where none fitted is an unanswerable example, unless its top candidate is an entry written since
 * (the library has learnt the answer, so that match says nothing about the calibration).
 */
export async function feedbackExamples(
  matcher: Matcher,
  settled: readonly { question: string; usedEntryId: number | null; noneFitted: boolean; askedAt: string; topicCode?: string | null }[],
  /** Whether the entry was already in the library when the question was asked. */
  existedAt: (entryId: number, askedAt: string) => boolean | Promise<boolean>,
  every = 25,
): Promise<CalibrationExample[]> {
  const out: CalibrationExample[] = []
  for (const [i, s] of settled.entries()) {
    if (i % every === every - 1) await new Promise((r) => setImmediate(r))
    if (s.usedEntryId !== null && !matcher.has(s.usedEntryId)) continue
    const top = matcher.match(s.question, { limit: 2, ...(s.topicCode ? { topic: s.topicCode } : {}) }).candidates[0]
    // A wording the library has taken in since (an accepted proposal) finds itself: no evidence either way.
    if (top && compactText(normalizeText(top.matchedQuestion)) === compactText(normalizeText(s.question))) continue
    if (s.usedEntryId !== null) {
      out.push({ raw: top?.confidence ?? 0, right: top?.id === s.usedEntryId, source: 'feedback' })
    } else if (s.noneFitted && (!top || await existedAt(top.id, s.askedAt))) {
      out.push({ raw: top?.confidence ?? 0, right: false, source: 'feedback' })
    }
  }
  return out
}
