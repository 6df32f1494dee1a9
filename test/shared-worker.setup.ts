// Run before every file of the `shared` project (vitest.config.ts), whose files run one after another
// in the same process. A file that leaves an enumerable property on a built-in prototype changes every
// `for … in` over arrays and objects in the files run after it, the libraries' included: drizzle-kit's
// API adds `Array.prototype.random`, and fast-json-stringify, which copies schema arrays with `for … in`,
// then turned it into an enum value and answered 500 to the first ticket shown with a rated round. Such
// a file fails here, under its own name, instead of a file that happens to run after it.
import { afterAll, expect } from 'vitest'

const PROTOTYPES = { Object: Object.prototype, Array: Array.prototype, String: String.prototype, Number: Number.prototype, Function: Function.prototype }

/** Every enumerable property of the built-in prototypes: none in a clean process. */
export function enumerableOnBuiltIns(): string[] {
  const found: string[] = []
  for (const [name, proto] of Object.entries(PROTOTYPES)) {
    for (const key in proto) found.push(`${name}.prototype.${key}`)
  }
  return found
}

afterAll(() => {
  expect(enumerableOnBuiltIns(), 'this file left enumerable properties on built-in prototypes: list it in ISOLATED (vitest.config.ts)').toEqual([])
})
