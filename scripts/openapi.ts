// Writes the OpenAPI document generated from the route schemas to openapi/openapi.json.
import { writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { generateOpenApi } from '../test/openapi.ts'

const target = fileURLToPath(new URL('../openapi/openapi.json', import.meta.url))
writeFileSync(target, await generateOpenApi())
console.log(`written ${target}`)
