import type { FastifyInstance, FastifyRequest } from 'fastify'
import { InvalidEncodingError, UnsupportedCharsetError } from './errors.ts'
import { Ajv, type ValidateFunction } from 'ajv'
import { SerializerSelector } from '@fastify/fast-json-stringify-compiler'
import addFormats from 'ajv-formats'
import { isInstantText } from '../common/instants.ts'

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
    // Errors carry the schema they broke: its description says the expected format in Chinese
    // (plugins/errors.ts), where the pattern itself would say nothing to a person.
    verbose: true,
  })
  addFormats.default(ajv)
  // Every date-time a client sends is read by the one parser, range included (common/instants.ts).
  ajv.addFormat('date-time', { type: 'string', validate: isInstantText })
  return ajv
}

type Errors = NonNullable<ValidateFunction['errors']>

const DECIMAL = /^-?[0-9]+$/

/**
 * The integer properties of a path or query schema. AJV coerces their text with Number(), which
 * reads `0x10`, `+1`, `1e1` and ` 1` as numbers: these names are checked for decimal digits first.
 */
function integerProperties(schema: unknown): string[] {
  const props = (schema as { properties?: Record<string, { type?: unknown }> }).properties ?? {}
  return Object.entries(props).filter(([, p]) => p.type === 'integer').map(([name]) => name)
}

function nonDecimal(data: unknown, names: string[]): Errors {
  if (!data || typeof data !== 'object') return []
  return names.flatMap((name) => {
    const value = (data as Record<string, unknown>)[name]
    return typeof value === 'string' && !DECIMAL.test(value)
      ? [{ instancePath: `/${name}`, schemaPath: '#/decimal', keyword: 'decimal', params: {}, message: 'must be decimal digits' }]
      : []
  })
}

export function installValidators(app: FastifyInstance): void {
  const strict = makeAjv(false)
  const coercing = makeAjv(true)
  app.setValidatorCompiler(({ schema, httpPart }) => {
    const ajv = httpPart === 'body' ? strict : coercing
    const decimals = httpPart === 'params' || httpPart === 'querystring' ? integerProperties(schema) : []
    // Compiled on the route's first request rather than at start-up: compiling the validators of
    // every route took ~0.6 s of a cold start. Fastify reads `errors` off the function it was given.
    let compiled: ValidateFunction | undefined
    const validate = (data: unknown) => {
      const notDecimal = nonDecimal(data, decimals)
      if (notDecimal.length > 0) {
        validate.errors = notDecimal
        return false
      }
      compiled ??= ajv.compile(schema)
      const ok = compiled(data)
      validate.errors = compiled.errors
      return ok
    }
    validate.errors = null as ValidateFunction['errors']
    return validate
  })
}

/**
 * Response serializers (fast-json-stringify), also compiled on first use: building them for every
 * route at start-up took ~1 s of a cold start. Passed to Fastify as `schemaController`.
 */
export const lazySerializers = {
  compilersFactory: {
    buildSerializer(externalSchemas: unknown, options: unknown) {
      const build = SerializerSelector()(externalSchemas as never, options as never)
      return (route: Parameters<typeof build>[0]) => {
        let serialize: ((data: unknown) => string) | undefined
        return (data: unknown) => (serialize ??= build(route))(data)
      }
    },
  },
}

const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false })

/**
 * JSON bodies are UTF-8 (RFC 8259): one declared in another charset (GBK from an older system) is
 * refused with 415, and bytes that are not UTF-8 with 400, instead of being stored as mojibake. Plain
 * text is no body any route takes: it is refused as an unsupported media type, not "body 应为对象".
 */
export function installBodyParsers(app: FastifyInstance) {
  const parseJson = app.getDefaultJsonParser('error', 'error')
  app.removeContentTypeParser(['application/json', 'text/plain'])
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (req: FastifyRequest, body: Buffer, done) => {
    const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(req.headers['content-type'] ?? '')?.[1]?.toLowerCase()
    if (charset && charset !== 'utf-8' && charset !== 'utf8') return done(new UnsupportedCharsetError(charset), undefined)
    let text: string
    try { text = UTF8.decode(body) } catch { return done(new InvalidEncodingError(), undefined) }
    // Fastify's own parser (prototype poisoning refused), which answers through done.
    void parseJson(req, text, done)
  })
}
