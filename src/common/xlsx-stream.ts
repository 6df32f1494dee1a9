// Backpressure for exceljs's streaming WorkbookWriter, shared by every streamed .xlsx export
// (the ledger, the library, policy documents).
import type { PassThrough } from 'node:stream'
import type ExcelJS from 'exceljs'

interface WritableStateLike { length: number; needDrain: boolean }
interface PipeLike { _writableState?: WritableStateLike; on(e: string, f: () => void): unknown; off(e: string, f: () => void): unknown }

/**
 * The streams the worksheet's XML is written into: the zip archiver's input. exceljs's own sheet
 * stream ignores backpressure (it never waits for write() to say "enough"), so without this the
 * uncompressed XML piles up there whenever compression is slower than the rows come out of SQLite:
 * 100,000 rows left ~170 MB waiting. These are exceljs internals; ledger.export.test.ts checks they are there.
 */
export function archiverInputs(sheet: ExcelJS.Worksheet): PipeLike[] {
  const stream = (sheet as unknown as { stream?: { pipes?: PipeLike[] } }).stream
  return stream?.pipes?.filter((p) => p._writableState) ?? []
}

function waitFor(emitters: PipeLike[], events: string[]): Promise<void> {
  return new Promise((resolve) => {
    const done = () => { for (const e of emitters) for (const ev of events) e.off(ev, done); resolve() }
    for (const e of emitters) for (const ev of events) e.on(ev, done)
  })
}

/** Waits until the archiver has taken the XML written so far and the reader has taken the zip. */
export async function drained(sheet: ExcelJS.Worksheet, out: PassThrough): Promise<void> {
  for (const input of archiverInputs(sheet)) {
    if (out.destroyed) return
    if (input._writableState!.length > 0 && input._writableState!.needDrain) await waitFor([input, out as unknown as PipeLike], ['drain', 'close', 'error'])
  }
  if (out.writableNeedDrain && !out.destroyed) await waitFor([out as unknown as PipeLike], ['drain', 'close', 'error'])
  await new Promise((resolve) => setImmediate(resolve))
}
