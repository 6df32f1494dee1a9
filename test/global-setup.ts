// Builds dist/server.mjs once, before any test file runs: the tests that start the real server in a
// child process (npm start, the Chromium end-to-end tests) run the bundle that `npm start` runs, and
// building it here keeps parallel test files from racing to write the same file.
import { buildServer } from '../bench/server.ts'

export default function setup() {
  buildServer()
}
