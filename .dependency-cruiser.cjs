// The module boundaries, checked by `npm test` before the tests run. The edges themselves are in
// src/boundaries.json (short, for people); this file turns them into dependency-cruiser rules.
const { modules, kernel } = require('./src/boundaries.json')

// Tests and their kits may set up data through any module's public files; the private-file rules
// below still hold for them.
const TESTS = '\\.test\\.ts$|\\.testkit\\.ts$'
const kernelFolders = kernel.filter((k) => !k.endsWith('.ts'))
const kernelFiles = kernel.filter((k) => k.endsWith('.ts')).map((f) => f.replace(/\./g, '\\.'))

/** Module M may import itself, its allowed modules and the kernel; nothing else in src/. */
const edgeRules = Object.entries(modules).map(([name, allowed]) => ({
  name: `edges-${name}`,
  severity: 'error',
  comment: `src/${name} may import only ${[...allowed, ...kernel].join(', ')} (src/boundaries.json)`,
  from: { path: `^src/${name}/`, pathNot: TESTS },
  to: {
    path: '^src/',
    pathNot: [
      `^src/(${[name, ...allowed, ...kernelFolders].join('|')})/`,
      `^src/(${kernelFiles.join('|')})$`,
      // src/db/schema.ts collects every module's tables for drizzle.
      ...(name === 'db' ? ['\\.table\\.ts$'] : []),
    ],
  },
}))

module.exports = {
  forbidden: [
    {
      name: 'table-private',
      severity: 'error',
      comment: "A module's tables are its own: read its data through its service, queries, types or events (src/boundaries.json). A table may name another's for a foreign key.",
      from: { path: '^src/([^/]+)/', pathNot: ['^src/db/schema\\.ts$', '\\.table\\.ts$'] },
      to: { path: '^src/[^/]+/[^/]+\\.table\\.ts$', pathNot: '^src/$1/' },
    },
    {
      name: 'table-private-root',
      severity: 'error',
      comment: 'The composition root wires services; it reads no table.',
      from: { path: '^src/[^/]+\\.ts$' },
      to: { path: '\\.table\\.ts$' },
    },
    {
      name: 'repository-private',
      severity: 'error',
      comment: "A module's repository is its own: other modules call its service or queries (src/boundaries.json).",
      from: { path: '^src/([^/]+)/' },
      to: { path: '^src/[^/]+/[^/]+\\.repository\\.ts$', pathNot: '^src/$1/' },
    },
    {
      name: 'repository-private-root',
      severity: 'error',
      comment: 'The composition root wires services; it reads no repository.',
      from: { path: '^src/[^/]+\\.ts$' },
      to: { path: '\\.repository\\.ts$' },
    },
    {
      name: 'table-private-test',
      severity: 'error',
      comment: 'The tests in test/ belong to no module: they make and read data through the services.',
      from: { path: '^test/' },
      to: { path: '^src/.+\\.(table|repository)\\.ts$' },
    },
    {
      name: 'schema-for-the-client-only',
      severity: 'error',
      comment: 'src/db/schema.ts holds every table: importing it would bypass the private-table rule. The two engines (client.ts, postgres.ts), its PostgreSQL build (schema.pg.ts) and their tests (schema.*.test.ts) read it too.',
      from: { pathNot: '^src/db/(client|postgres|schema\\.[^/]+)\\.ts$' },
      to: { path: '^src/db/schema\\.ts$' },
    },
    ...edgeRules,
  ],
  options: {
    // Type-only imports are edges too: a row type is read from the owner's public file.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^src/console/web/' },
  },
}
