// scripts/patch-postgres.mjs (run at install): the guard against porsager/postgres#1208 is in the
// installed driver, and the script applies it once, to the source it was written for only.
import { execFileSync } from 'node:child_process'
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'

const SCRIPT = new URL('../scripts/patch-postgres.mjs', import.meta.url).pathname
// The three places the patch changes, as postgres.js 3.4.10 has them.
const ORIGINAL = [
  'function write(x, fn) {}',
  '  function nextWrite(fn) {\n    const x = socket.write(chunk, fn)\n    return x\n  }',
  '  function terminate() {\n    clearImmediate(nextWriteTimer)\n    if (socket) {\n    }\n  }',
  '  async function closed(hadError) {\n    incomings = null\n    clearImmediate(nextWriteTimer)\n  }',
].join('\n')

describe('the postgres.js patch', () => {
  let dir: string | undefined
  afterEach(() => { if (dir) rmSync(dir, { recursive: true, force: true }) })

  /** A project with the script and a stand-in postgres package whose connection.js is `source`. */
  function project(source: string) {
    dir = mkdtempSync(join(tmpdir(), 'qa-patch-'))
    const pkg = join(dir, 'node_modules', 'postgres')
    mkdirSync(join(pkg, 'src'), { recursive: true })
    writeFileSync(join(pkg, 'package.json'), JSON.stringify({ name: 'postgres', main: 'src/index.js' }))
    writeFileSync(join(pkg, 'src', 'index.js'), '')
    writeFileSync(join(pkg, 'src', 'connection.js'), source)
    mkdirSync(join(dir, 'scripts'))
    copyFileSync(SCRIPT, join(dir, 'scripts', 'patch-postgres.mjs'))
    const run = () => execFileSync(process.execPath, [join(dir!, 'scripts', 'patch-postgres.mjs')], { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
    return { run, read: () => readFileSync(join(pkg, 'src', 'connection.js'), 'utf8') }
  }

  it('is in the installed driver', () => {
    const installed = new URL('../node_modules/postgres/', import.meta.url).pathname
    for (const file of ['src/connection.js', 'cjs/src/connection.js']) {
      const source = readFileSync(join(installed, file), 'utf8')
      expect(source, file).toContain('if (!socket) { // policy-qa-kb patch')
    }
  })

  it('guards the deferred write and resets the buffer on close, once', () => {
    const p = project(ORIGINAL)
    expect(p.run()).toContain('postgres.js patched')
    const patched = p.read()
    expect(patched).toContain("if (!socket) { // policy-qa-kb patch (porsager/postgres#1208)")
    expect(patched).toContain("while (sent.length) queryError(sent.shift(), err)")
    expect(patched.match(/chunk = nextWriteTimer = null \/\/ policy-qa-kb patch/g)).toHaveLength(2)
    expect(p.run()).toBe('')
    expect(p.read()).toBe(patched)
  })

  it('leaves a driver it was not written for as it is', () => {
    const fixed = ORIGINAL.replace('const x = socket.write(chunk, fn)', 'if (!socket) return false\n    const x = socket.write(chunk, fn)')
    const p = project(fixed)
    p.run()
    expect(p.read()).toBe(fixed)
  })
})
