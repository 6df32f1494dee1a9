// Turns a text and the matcher's highlighted terms into segments, so the template marks them with <mark>
// without v-html (the text is the library's and the caller's, never trusted as HTML).

export interface Segment { text: string; hit: boolean }

/** The terms to mark, from whatever shape the matcher gives: strings, {term}, or per-field lists of them. */
export function highlightTerms(highlights: unknown, field?: string): string[] {
  const out = new Set<string>()
  const take = (h: unknown) => {
    if (typeof h === 'string') { if (h.trim()) out.add(h.trim()) }
    else if (Array.isArray(h)) h.forEach(take)
    else if (h && typeof h === 'object') {
      const o = h as Record<string, unknown>
      if (isRange(o)) return
      if (typeof o.term === 'string') take(o.term)
      else if (typeof o.text === 'string') take(o.text)
      else if (Array.isArray(o.terms)) take(o.terms)
      else if (field && field in o) take(o[field])
      else if (!field) Object.values(o).forEach(take)
    }
  }
  take(highlights)
  return [...out]
}

export interface Range { start: number; end: number }

const isRange = (r: unknown): r is Range => !!r && typeof r === 'object' && typeof (r as Range).start === 'number' && typeof (r as Range).end === 'number'

/** The matcher's [start, end) positions for `field`, when it gives positions rather than terms. */
export function highlightRanges(highlights: unknown, field: string): Range[] | null {
  const list = highlights && typeof highlights === 'object' && !Array.isArray(highlights) ? (highlights as Record<string, unknown>)[field] : undefined
  return Array.isArray(list) && list.every(isRange) ? list : null
}

/** Splits `text` into marked and unmarked runs; longer terms win where terms overlap. */
export function segments(text: string, terms: readonly string[], ranges: readonly Range[] = []): Segment[] {
  if (!text) return []
  const marks = new Array<boolean>(text.length).fill(false)
  const lower = text.toLowerCase()
  for (const term of [...terms].sort((a, b) => b.length - a.length)) {
    const t = term.toLowerCase()
    if (!t) continue
    for (let i = lower.indexOf(t); i !== -1; i = lower.indexOf(t, i + t.length)) marks.fill(true, i, i + t.length)
  }
  for (const r of ranges) marks.fill(true, Math.max(0, r.start), Math.min(text.length, r.end))
  const out: Segment[] = []
  for (let i = 0; i < text.length; i++) {
    const last = out[out.length - 1]
    if (last && last.hit === marks[i]) last.text += text[i]
    else out.push({ text: text[i], hit: marks[i] })
  }
  return out
}
