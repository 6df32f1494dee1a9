// A readable diff of two texts for reviewers: by sentence, then by character inside a changed sentence.

export interface DiffPart { text: string; op: 'same' | 'del' | 'add' }

/** Longest-common-subsequence diff of two token lists. */
function lcsDiff(a: readonly string[], b: readonly string[]): DiffPart[] {
  const n = a.length
  const m = b.length
  const dp: Uint32Array[] = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1))
  for (let i = n - 1; i >= 0; i--) for (let j = m - 1; j >= 0; j--) dp[i][j] = a[i] === b[j] ? dp[i + 1][j + 1] + 1 : Math.max(dp[i + 1][j], dp[i][j + 1])
  const out: DiffPart[] = []
  const push = (text: string, op: DiffPart['op']) => {
    const last = out[out.length - 1]
    if (last && last.op === op) last.text += text
    else out.push({ text, op })
  }
  let i = 0
  let j = 0
  while (i < n && j < m) {
    if (a[i] === b[j]) { push(a[i], 'same'); i++; j++ }
    else if (dp[i + 1][j] >= dp[i][j + 1]) push(a[i++], 'del')
    else push(b[j++], 'add')
  }
  while (i < n) push(a[i++], 'del')
  while (j < m) push(b[j++], 'add')
  return out
}

const sentences = (s: string) => s.split(/(?<=[。；！？!?;\n])/).filter(Boolean)

/** Small character-level diffs stay readable; beyond this a changed run is shown as removed and added whole. */
const CHAR_DIFF_LIMIT = 600

export function diffText(before: string, after: string): DiffPart[] {
  const coarse = lcsDiff(sentences(before ?? ''), sentences(after ?? ''))
  const out: DiffPart[] = []
  for (let k = 0; k < coarse.length; k++) {
    const part = coarse[k]
    const next = coarse[k + 1]
    if (part.op === 'del' && next?.op === 'add' && part.text.length + next.text.length <= CHAR_DIFF_LIMIT) {
      out.push(...lcsDiff([...part.text], [...next.text]))
      k++
    } else out.push(part)
  }
  return out
}

/** A diff of two lists (similar questions, keywords): which items went and which came. */
export function diffList(before: readonly string[], after: readonly string[]): { text: string; op: DiffPart['op'] }[] {
  const was = new Set(before)
  const now = new Set(after)
  return [
    ...after.map((text) => ({ text, op: was.has(text) ? 'same' as const : 'add' as const })),
    ...before.filter((t) => !now.has(t)).map((text) => ({ text, op: 'del' as const })),
  ]
}
