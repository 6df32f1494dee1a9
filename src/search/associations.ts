// Word associations learned from data (bench/associations.ts writes data/associations.tsv): words
// that people use for each other (旅馆 / 酒店, 拨打 / 打电话, 媳妇 / 老婆), with a strength in (0, 1].
// The re-ranker reads them as the feature `assoc`: how well the query's words that a question does
// not hold are stood for by words it does hold. Hand-written related terms (synonyms.txt) are a
// separate thing, administered through the API; these are learned, shipped as a file, and refitted
// with the model.
import { readFileSync } from 'node:fs'
import { fromRoot } from '../paths.ts'

export const ASSOCIATIONS_FILE = fromRoot('src/search/data/associations.tsv')

/** Per word, the words associated with it and how strongly (each pair both ways, at its higher value). */
export type Associations = ReadonlyMap<string, ReadonlyMap<string, number>>

export function parseAssociations(text: string): Associations {
  const out = new Map<string, Map<string, number>>()
  const put = (a: string, b: string, p: number) => {
    let m = out.get(a)
    if (!m) out.set(a, (m = new Map()))
    if (p > (m.get(b) ?? 0)) m.set(b, p)
  }
  text.split('\n').forEach((line, i) => {
    if (!line.trim() || line.startsWith('#')) return
    const [a, b, weight] = line.split('\t')
    const p = Number(weight)
    if (!a || !b || a === b || !(p > 0 && p <= 1)) throw new Error(`词语关联文件第 ${i + 1} 行有误：${line}`)
    put(a, b, p)
    put(b, a, p)
  })
  return out
}

let shipped: Associations | undefined
/** The shipped table, read once. */
export function shippedAssociations(): Associations {
  return (shipped ??= parseAssociations(readFileSync(ASSOCIATIONS_FILE, 'utf8')))
}
