// Finds promises that nobody waits for: a database write that is not awaited may run after its
// transaction has committed (or, on PostgreSQL, not inside it at all), and its failure is lost.
//
// Reported, with the TypeScript type checker over tsconfig.json:
// - a statement whose value is a promise and that neither awaits it, returns it nor marks it `void`;
// - a function that returns a promise, passed where a function returning void is expected
//   (`items.forEach(async (x) => …)`, an event handler): whoever calls it does not wait.
//
// `npm test` runs it before the tests (npm run check:promises). `void promise` says "on purpose".
import ts from 'typescript'
import { relative } from 'node:path'
import { fromRoot } from '../src/paths.ts'

const configPath = fromRoot('tsconfig.json')
const { config } = ts.readConfigFile(configPath, ts.sys.readFile)
const parsed = ts.parseJsonConfigFileContent(config, ts.sys, fromRoot('.'))
const program = ts.createProgram(parsed.fileNames, parsed.options)
const checker = program.getTypeChecker()

/** Thenable, but not something to wait for: a fastify reply resolves when its response has gone. */
const NOT_PROMISES = new Set(['FastifyReply'])

function isPromiseLike(type: ts.Type): boolean {
  if (type.isUnion()) return type.types.some(isPromiseLike)
  const name = (type.aliasSymbol ?? type.getSymbol())?.getName()
  if (name && NOT_PROMISES.has(name)) return false
  const then = type.getProperty('then')
  if (!then) return false
  const thenType = checker.getTypeOfSymbol(then)
  return thenType.getCallSignatures().length > 0
}

function returnsPromise(fn: ts.ArrowFunction | ts.FunctionExpression): boolean {
  const signature = checker.getSignatureFromDeclaration(fn)
  return signature !== undefined && isPromiseLike(checker.getReturnTypeOfSignature(signature))
}

/** True when the context expects a function whose result is void (so a promise it returns is dropped). */
function expectsVoidFunction(fn: ts.Expression): boolean {
  const contextual = checker.getContextualType(fn)
  if (!contextual) return false
  const signatures = contextual.getNonNullableType().getCallSignatures()
  return signatures.length > 0 && signatures.every((s) => {
    const result = checker.getReturnTypeOfSignature(s)
    return (result.flags & ts.TypeFlags.Void) !== 0
  })
}

const findings: string[] = []
for (const file of program.getSourceFiles()) {
  if (file.isDeclarationFile || file.fileName.includes('/node_modules/')) continue
  const visit = (node: ts.Node) => {
    if (ts.isExpressionStatement(node)) {
      const e = node.expression
      const marked = ts.isAwaitExpression(e) || ts.isVoidExpression(e)
      if (!marked && !(ts.isBinaryExpression(e) && e.operatorToken.kind === ts.SyntaxKind.EqualsToken) && isPromiseLike(checker.getTypeAtLocation(e))) {
        report(file, node, 'a promise nobody awaits (await it, return it, or mark it `void`)')
      }
    }
    if ((ts.isArrowFunction(node) || ts.isFunctionExpression(node)) && ts.isCallExpression(node.parent) && node.parent.arguments.includes(node as ts.Expression)) {
      if (returnsPromise(node) && expectsVoidFunction(node)) {
        report(file, node, 'an async function passed where the caller expects a function returning void: nobody waits for it')
      }
    }
    ts.forEachChild(node, visit)
  }
  visit(file)
}

function report(file: ts.SourceFile, node: ts.Node, what: string) {
  const { line, character } = file.getLineAndCharacterOfPosition(node.getStart(file))
  findings.push(`${relative(fromRoot('.'), file.fileName)}:${line + 1}:${character + 1} ${what}`)
}

if (findings.length > 0) {
  console.error(findings.join('\n'))
  console.error(`\n${findings.length} promise(s) nobody waits for.`)
  process.exit(1)
}
console.log('check:promises: every promise is awaited, returned or marked void.')
