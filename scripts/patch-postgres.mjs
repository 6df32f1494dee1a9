// Run at install (package.json postinstall). postgres.js 3.4.x defers small writes to a setImmediate;
// when the connection closes before it fires (PostgreSQL restarting, a failover), the deferred write
// dereferences a null socket and the TypeError, thrown from the timer, ends the whole process. The
// cancelled timer is also never reset, so a reconnected connection can stop flushing for good.
// Upstream: porsager/postgres#1154 and #1208 (fix proposed in #1209, not released in 3.4.10).
// This applies the same guard: the deferred write settles its queries with CONNECTION_CLOSED, and
// closing resets the write buffer. Idempotent; says so and changes nothing if the source differs.
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'

const MARK = 'policy-qa-kb patch'
let dir
try {
  dir = dirname(createRequire(import.meta.url).resolve('postgres'))
  const named = (d) => existsSync(join(d, 'package.json')) && JSON.parse(readFileSync(join(d, 'package.json'), 'utf8')).name === 'postgres'
  while (!named(dir)) {
    if (dirname(dir) === dir) process.exit(0)
    dir = dirname(dir)
  }
} catch {
  process.exit(0) // not installed (yet): nothing to patch
}
// The ES module build (what the service imports) and the CommonJS one.
for (const file of [join(dir, 'src', 'connection.js'), join(dir, 'cjs', 'src', 'connection.js')].filter(existsSync)) patch(file)

function patch(file) {
const source = readFileSync(file, 'utf8')
if (source.includes(MARK)) return

const edits = [
  ['  function nextWrite(fn) {\n    const x = socket.write(chunk, fn)',
    // The queries waiting on this connection are rejected here, not through error(), which returns early
    // while it reconnects to the next host of a multi-host URL and would leave them waiting for good.
    `  function nextWrite(fn) {\n    if (!socket) { // ${MARK} (porsager/postgres#1208): closed before this deferred write\n      chunk = nextWriteTimer = null\n      const err = Errors.connection('CONNECTION_CLOSED', options, socket)\n      stream && (stream.destroy(err), stream = null)\n      query && queryError(query, err)\n      query = null\n      while (sent.length) queryError(sent.shift(), err)\n      return false\n    }\n    const x = socket.write(chunk, fn)`],
  ['    clearImmediate(nextWriteTimer)\n    if (socket) {', `    clearImmediate(nextWriteTimer)\n    chunk = nextWriteTimer = null // ${MARK}\n    if (socket) {`],
  ['    incomings = null\n    clearImmediate(nextWriteTimer)\n', `    incomings = null\n    clearImmediate(nextWriteTimer)\n    chunk = nextWriteTimer = null // ${MARK}\n`],
]
if (edits.some(([from]) => source.split(from).length !== 2)) {
  console.warn(`postgres.js not patched: ${file} is not the source this patch was written for (check whether porsager/postgres#1208 is fixed upstream)`)
  return
}
writeFileSync(file, edits.reduce((s, [from, to]) => s.replace(from, to), source))
console.log(`postgres.js patched (${file}): a write after its connection closed no longer ends the process (porsager/postgres#1208)`)
}
