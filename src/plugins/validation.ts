import type { FastifyInstance } from 'fastify'
import { Ajv } from 'ajv'
import addFormats from 'ajv-formats'

// Bodies are validated strictly: no type coercion ("5" is not 5) and no silent removal of unknown
// fields, so a client's mistake is reported instead of half-applied. Query strings and path
// parameters arrive as text, so they are coerced.
function makeAjv(coerce: boolean) {
  const ajv = new Ajv({
    coerceTypes: coerce ? 'array' : false,
    useDefaults: true,
    removeAdditional: false,
    allErrors: true,
    strict: false,
  })
  addFormats.default(ajv)
  return ajv
}

export function installValidators(app: FastifyInstance): void {
  const strict = makeAjv(false)
  const coercing = makeAjv(true)
  app.setValidatorCompiler(({ schema, httpPart }) => {
    const ajv = httpPart === 'body' ? strict : coercing
    return ajv.compile(schema)
  })
}
