import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

// The project's root, from this file's place: src/paths.ts when run from source, dist/server.mjs
// when run as the bundle that `npm start` builds. Both sit one folder below the root, so files the
// service reads at run time (migrations, data files, the console) are found the same way from either.
export const ROOT = fileURLToPath(new URL('../', import.meta.url))

export const fromRoot = (...parts: string[]) => join(ROOT, ...parts)
