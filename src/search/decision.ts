// The decision to answer at once: the calibration the service serves (fitted on the loaded library
// and on what agents settled, at each rebuild; calibration.ts does the fitting), and the two levels'
// decisions on a match's top candidate, with the reason in an agent's words.
import type { FastifyBaseLogger } from 'fastify'
import type { Config } from '../config.ts'
import type { Matcher, MatchDocument } from './matcher.ts'
import { feedbackExamples, fitCalibration, libraryExamplesAsync, type Calibration } from './calibration.ts'
import { nearMissGuards, type GuardBlock } from './guards.ts'
import type { SettledMatch } from './search.repository.ts'

export interface DecisionDeps {
  config: Pick<Config, 'matchThreshold' | 'matchMaxWrong'>
  log: Pick<FastifyBaseLogger, 'info'>
  /** What agents settled (match-logs.ts), and whether an entry was served when a question was asked. */
  settled: { settledMatches(): Promise<SettledMatch[]>; servedAt(entryId: number, askedAt: string): Promise<boolean> }
}

/** What the decision reads of the top candidate. */
export interface DecisionCandidate {
  entryId: number
  matchedQuestion: string
  matchedSentence: string | null
  answer: string
  inForce: boolean
  confidence: number
  highlights: { terms: string[] }
  /** The question (or the letter's sentence) is word for word one of the entry's questions, after normalisation. */
  verbatim: boolean
}

/** Shorter questions than this (怎么办理) say too little to be answered on their wording alone. */
export const VERBATIM_MIN_CHARS = 6

/**
 * A question asked in the very words of one entry's question, and of no other's, is answered at
 * once whatever the library's calibration says (unless MATCH_THRESHOLD pins it): the calibration is
 * fitted on held-out wordings, never on one the library holds, and a wording the library holds is
 * what an accepted proposal adds (so a question asked often becomes one answered at once). Guards
 * and the policy being in force still apply.
 */
export function answersVerbatim(top: Pick<DecisionCandidate, 'verbatim' | 'matchedQuestion'> | undefined, second: Pick<DecisionCandidate, 'verbatim'> | undefined): boolean {
  return top !== undefined && top.verbatim && !second?.verbatim && top.matchedQuestion.replace(/[\p{P}\p{S}\s]/gu, '').length >= VERBATIM_MIN_CHARS
}

export function createDecision({ config, log, settled }: DecisionDeps) {
  /**
   * Before a library has enough similar questions to calibrate on, the shipped model's confidence is
   * used as it is, at the thresholds measured on the public data (0.9 kept wrong answers under 2% on
   * LCQMC); the automatic level stays stricter.
   */
  function fallbackCalibration(): Calibration {
    const c = fitCalibration([], config.matchMaxWrong)
    return pinned({ ...c, thresholds: { desk: 0.9, automatic: 0.95 } })
  }
  /** MATCH_THRESHOLD, when set, pins both levels (on the calibrated probability). */
  function pinned(c: Calibration): Calibration {
    return config.matchThreshold === null ? c : { ...c, thresholds: { desk: config.matchThreshold, automatic: config.matchThreshold }, method: 'pinned' }
  }

  let calibration: Calibration = fallbackCalibration()

  /**
   * Fits the calibration on a new index before it serves. `restore` puts an entry back with the
   * tokens it was built from (the examples take entries out and put them back); the old index keeps
   * serving meanwhile: the examples give the event loop back every few questions.
   */
  async function calibrate(target: Matcher, docs: MatchDocument[], restore: (doc: MatchDocument) => void | Promise<void>): Promise<Calibration> {
    const started = performance.now()
    const examples = await libraryExamplesAsync(target, docs, { restore })
    // What agents did with real questions counts beside the library's own examples.
    // Served when it was asked: an entry drafted before but published after could not have been found.
    examples.push(...await feedbackExamples(target, await settled.settledMatches(), settled.servedAt))
    const c = fitCalibration(examples, config.matchMaxWrong)
    log.info({ examples: examples.length, feedback: c.examples.feedback, method: c.method, thresholds: c.thresholds, ms: Math.round(performance.now() - started) }, 'match calibration fitted on the library')
    return c.method === 'library' ? pinned(c) : fallbackCalibration()
  }

  /**
   * The two levels' decisions on the top candidate: calibrated probability against each level's
   * threshold, in force, and no near-miss guard in the way. The reason is said in an agent's words.
   */
  function decide(question: string, top: DecisionCandidate | undefined, cal: Calibration, keywordsOf: (entryId: number) => readonly string[], second?: DecisionCandidate) {
    const p = top?.confidence ?? 0
    // MATCH_THRESHOLD pins the decision wholly.
    const verbatim = cal.method !== 'pinned' && answersVerbatim(top, second)
    const blockedBy: GuardBlock[] = top && (p >= cal.thresholds.desk || verbatim) ? nearMissGuards(top.matchedSentence ?? question, { matchedQuestion: top.matchedQuestion, keywords: keywordsOf(top.entryId), answer: top.answer }) : []
    const ok = top !== undefined && top.inForce && blockedBy.length === 0
    const desk = ok && (p >= cal.thresholds.desk || verbatim)
    const automatic = ok && (p >= cal.thresholds.automatic || verbatim)
    const label: '很可能是' | '可能是' | '不确定' = p >= cal.thresholds.desk || verbatim ? '很可能是' : p >= 0.5 ? '可能是' : '不确定'
    let reason: string
    if (!top) reason = '问答库中没有相近的条目'
    else if (!top.inForce) reason = '最相近的条目所依据的政策已失效或废止，不能直接答复'
    else if (blockedBy.length) reason = `措辞相近，但${blockedBy.map((b) => b.message).join('；')}`
    else if (verbatim && p < cal.thresholds.desk) reason = `与问法“${top.matchedQuestion}”一字不差`
    else if (desk) {
      const terms = top.highlights.terms.slice(0, 3)
      reason = `与问法“${top.matchedQuestion}”措辞接近${terms.length ? `，关键词“${terms.join('”“')}”一致` : ''}`
    } else if (cal.thresholds.desk >= 1) {
      // The library's examples allowed no threshold within the wrong share set: say so, not "below 100%".
      reason = `把握不足：估计答对的可能性约 ${Math.round(p * 100)}%；本库的校准还达不到允许的错误率，只有与库中问法一字不差的问题才直接答复`
    } else reason = `把握不足：估计答对的可能性约 ${Math.round(p * 100)}%，低于直接答复所需的 ${Math.round(cal.thresholds.desk * 100)}%`
    return {
      desk, automatic,
      view: { probability: p, label, reason, blockedBy, thresholds: cal.thresholds, level: automatic ? 'automatic' as const : desk ? 'desk' as const : 'none' as const },
    }
  }

  return {
    calibrate,
    decide,
    /** The calibration in force (what the decision is calibrated on, for the office). */
    get current() { return calibration },
    /** Serves a calibration fitted by `calibrate`, with the index it was fitted on. */
    use(c: Calibration) { calibration = c },
  }
}

export type Decision = ReturnType<typeof createDecision>
