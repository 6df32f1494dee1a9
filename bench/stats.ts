export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN
  const i = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)
  return sorted[Math.max(0, i)]
}

/** Times `fn` over every item; returns sorted milliseconds. */
export function timeEach<T>(items: T[], fn: (item: T) => void): number[] {
  const out: number[] = []
  for (const item of items) {
    const t = process.hrtime.bigint()
    fn(item)
    out.push(Number(process.hrtime.bigint() - t) / 1e6)
  }
  return out.sort((a, b) => a - b)
}

/** The same for work that returns a promise: each item is timed until it settles, one after another. */
export async function timeEachAsync<T>(items: T[], fn: (item: T) => Promise<unknown>): Promise<number[]> {
  const out: number[] = []
  for (const item of items) {
    const t = process.hrtime.bigint()
    await fn(item)
    out.push(Number(process.hrtime.bigint() - t) / 1e6)
  }
  return out.sort((a, b) => a - b)
}

export const mb = (bytes: number) => Math.round(bytes / 1024 / 1024)
