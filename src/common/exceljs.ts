// Loads exceljs on first use (it takes ~0.4 s, and only spreadsheet work needs it), with two fixes.
//
// exceljs's streaming XML reader (lib/utils/parse-sax.js) decodes every chunk of an unzipped part
// on its own, so a Chinese character whose UTF-8 bytes straddle two chunks turns into two U+FFFD:
// about one row in a hundred of a real library came back with "��" in its answer. The replacement
// below keeps the decoder's state between chunks. It goes into Node's module cache under the file's
// own path before exceljs is loaded, so every exceljs reader requires it instead of the original.
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import type ExcelJS from 'exceljs'

const requireModule = createRequire(import.meta.url)
const root = dirname(requireModule.resolve('exceljs/package.json'))
const fromExcel = createRequire(join(root, 'excel.js'))
export const PARSE_SAX_PATH = join(root, 'lib', 'utils', 'parse-sax.js')

type SaxEvent = { eventType: 'opentag' | 'text' | 'closetag'; value: unknown }

function fixedParseSax() {
  const { SaxesParser } = fromExcel('saxes') as { SaxesParser: new () => { on(e: string, f: (v: unknown) => void): void; write(s: string): void; close(): void } }
  const { PassThrough } = fromExcel('readable-stream') as { PassThrough: new () => NodeJS.ReadWriteStream }
  async function* parseSax(input: AsyncIterable<Buffer | string> & { pipe?: unknown }): AsyncGenerator<SaxEvent[]> {
    let iterable = input
    if (input.pipe && !(input as Partial<AsyncIterable<unknown>>)[Symbol.asyncIterator]) iterable = (input as unknown as NodeJS.ReadableStream).pipe(new PassThrough()) as never
    const parser = new SaxesParser()
    const decoder = new TextDecoder('utf-8')
    let error: unknown
    let events: SaxEvent[] = []
    parser.on('error', (err) => { error = err })
    parser.on('opentag', (value) => events.push({ eventType: 'opentag', value }))
    parser.on('text', (value) => events.push({ eventType: 'text', value }))
    parser.on('closetag', (value) => events.push({ eventType: 'closetag', value }))
    for await (const chunk of iterable) {
      parser.write(typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true }))
      if (error) throw error
      yield events
      events = []
    }
    const rest = decoder.decode()
    if (rest) {
      parser.write(rest)
      if (error) throw error
      yield events
    }
  }
  return Object.assign(parseSax, { keepsUtf8AcrossChunks: true })
}

const cache = requireModule.cache
if (!cache[PARSE_SAX_PATH]) {
  const Module = requireModule('node:module') as { new (id: string): NodeJS.Module }
  const mod = new Module(PARSE_SAX_PATH)
  Object.assign(mod, { filename: PARSE_SAX_PATH, loaded: true, exports: fixedParseSax() })
  cache[PARSE_SAX_PATH] = mod
}

// And a second: saxes has already turned &gt; into > when exceljs calls utils.xmlDecode on a cell's text,
// so text that really says "&gt;" (common in answers pasted from web pages) came back as ">". The
// callers look the function up on the shared utils object at each call, so replacing it there is enough.
const utils = fromExcel('./lib/utils/utils.js') as { xmlDecode(text: string): string }
utils.xmlDecode = (text: string) => text

/** Whether exceljs will use the fixed reader (false if something loaded exceljs before this module). */
export const utf8FixInstalled = () => (cache[PARSE_SAX_PATH]?.exports as { keepsUtf8AcrossChunks?: boolean } | undefined)?.keepsUtf8AcrossChunks === true

let excel: typeof ExcelJS | undefined
export const exceljs = () => (excel ??= requireModule('exceljs') as typeof ExcelJS)
