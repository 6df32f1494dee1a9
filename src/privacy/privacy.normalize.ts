// NFKC for matching, without changing what is shown: the text is normalised code point by code
// point and every normalised character remembers where it came from, so a match found in the
// normalised text (１３８１２３４５６７８ → 13812345678) is replaced in the original, whose
// full-width punctuation (，。：) and everything else stay as the person wrote them.

export interface NormalisedText {
  /** The text after NFKC. */
  norm: string
  /** Original index of the code point each character of `norm` came from. */
  start(i: number): number
  /** Original index just after that code point. */
  end(i: number): number
}

// Han ideographs of the basic block are their own NFKC form: no call needed for most of a Chinese text.
const unchanged = (cp: number) => cp < 0x80 || (cp >= 0x4e00 && cp <= 0x9fff)

// A pure memo of single code points' NFKC forms (full-width punctuation recurs on every line):
// calling normalize() for each of them would cost more than the whole scan.
const memo = new Map<string, string>()
function nfkc(raw: string): string {
  let out = memo.get(raw)
  if (out === undefined) {
    out = raw.normalize('NFKC')
    if (memo.size < 8192) memo.set(raw, out)
  }
  return out
}

export function normaliseForMatching(text: string): NormalisedText {
  let i = 0
  while (i < text.length && unchanged(text.charCodeAt(i))) i++
  if (i === text.length) return { norm: text, start: (k) => k, end: (k) => k + 1 }

  // Most code points map to one character: the arrays start at the text's length and grow if needed.
  let starts = new Int32Array(text.length + 8)
  let ends = new Int32Array(text.length + 8)
  let n = 0
  let norm = text.slice(0, i)
  for (let k = 0; k < i; k++) { starts[k] = k; ends[k] = k + 1 }
  n = i
  for (let k = i; k < text.length;) {
    const cp = text.codePointAt(k)!
    const width = cp > 0xffff ? 2 : 1
    const out = unchanged(cp) ? text[k] : nfkc(width === 2 ? text.slice(k, k + 2) : text[k])
    if (n + out.length > starts.length) {
      const grow = (a: Int32Array) => { const b = new Int32Array(a.length * 2 + out.length); b.set(a); return b }
      starts = grow(starts)
      ends = grow(ends)
    }
    for (let j = 0; j < out.length; j++) { starts[n] = k; ends[n] = k + width; n++ }
    norm += out
    k += width
  }
  return { norm, start: (k) => starts[k], end: (k) => ends[k] }
}
