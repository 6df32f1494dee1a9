import { foldChars } from './normalize.ts'

export interface Range { start: number; end: number }

/**
 * Where `terms` occur in `text` as written, as [start, end) offsets into `text` (UTF-16 units).
 * The text is folded character by character (width, case, traditional forms) so offsets line up.
 * Longer terms win over shorter ones that overlap them; touching ranges are merged.
 */
export function highlightRanges(text: string, terms: readonly string[], maxRanges = 50, maxChars = 2000): Range[] {
  if (!text || terms.length === 0) return []
  // Long answers are marked in their first maxChars characters only: that is what a screen shows first.
  const folded = foldChars(text.length > maxChars ? text.slice(0, maxChars) : text)
  const taken = new Uint8Array(folded.length)
  const found: Range[] = []
  for (const term of [...terms].sort((a, b) => b.length - a.length)) {
    if (!term) continue
    let from = 0
    for (;;) {
      const at = folded.indexOf(term, from)
      if (at < 0) break
      from = at + term.length
      let free = true
      for (let i = at; i < at + term.length; i++) if (taken[i]) { free = false; break }
      if (!free) continue
      taken.fill(1, at, at + term.length)
      found.push({ start: at, end: at + term.length })
    }
  }
  found.sort((a, b) => a.start - b.start)
  const merged: Range[] = []
  for (const r of found) {
    const last = merged[merged.length - 1]
    if (last && r.start <= last.end) last.end = Math.max(last.end, r.end)
    else merged.push({ ...r })
    if (merged.length >= maxRanges) break
  }
  return merged
}
