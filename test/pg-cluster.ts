// A throwaway PostgreSQL cluster for the tests: initdb in a temp dir, a server on a free loopback
// port with its socket in that dir, and everything removed on stop. Nothing outside the machine.
// initdb refuses to run as root, so as root the server programs run as the `postgres` OS user.
import { execFileSync, spawnSync } from 'node:child_process'
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir, userInfo } from 'node:os'
import { delimiter, join } from 'node:path'
import postgres from 'postgres'
import { freePort } from './server-process.ts'

export type PgAvailability =
  | { available: true; binDir: string; runAs?: { uid: number; gid: number } }
  | { available: false; reason: string }

export interface PgCluster {
  /** The database made for the caller. */
  url: string
  /** The server, without a database: for createPgDatabase. */
  serverUrl: string
  stop(): Promise<void>
}

const SERVER_PROGRAMS = ['initdb', 'pg_ctl', 'postgres']
const hasServerPrograms = (dir: string) => SERVER_PROGRAMS.every((p) => existsSync(join(dir, p)))

/** Where initdb, pg_ctl and postgres are: PATH, then `pg_config --bindir`, then Debian's /usr/lib/postgresql/<major>/bin. */
export function findPgBinDir(): string | undefined {
  const onPath = (process.env.PATH ?? '').split(delimiter).filter(Boolean)
  const fromPgConfig = (() => {
    try {
      return [execFileSync('pg_config', ['--bindir'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim()]
    } catch {
      return []
    }
  })()
  const debian = (() => {
    try {
      return readdirSync('/usr/lib/postgresql')
        .filter((v) => /^\d+$/.test(v))
        .sort((a, b) => Number(b) - Number(a))
        .map((v) => `/usr/lib/postgresql/${v}/bin`)
    } catch {
      return []
    }
  })()
  return [...onPath, ...fromPgConfig, ...debian].find(hasServerPrograms)
}

/** Whether a throwaway cluster can be started here, and if not, why (for the skip message). */
export function pgAvailability(): PgAvailability {
  const binDir = findPgBinDir()
  if (!binDir) return { available: false, reason: 'PostgreSQL server programs (initdb, pg_ctl, postgres) not found on PATH, by pg_config or in /usr/lib/postgresql/*/bin' }
  if (process.getuid?.() !== 0) return { available: true, binDir }
  const id = (flag: string) => spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' })
  const uid = id('-u'), gid = id('-g')
  if (uid.status !== 0 || gid.status !== 0) return { available: false, reason: `running as root (${userInfo().username}) and there is no postgres OS user for initdb` }
  return { available: true, binDir, runAs: { uid: Number(uid.stdout), gid: Number(gid.stdout) } }
}

function run(binDir: string, runAs: { uid: number; gid: number } | undefined, program: string, args: string[]): void {
  const [cmd, argv] = runAs
    ? ['setpriv', [`--reuid=${runAs.uid}`, `--regid=${runAs.gid}`, '--init-groups', join(binDir, program), ...args]]
    : [join(binDir, program), args]
  // Programs inherit no PG* variables from the caller: the cluster is described by its arguments only.
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('PG')))
  const r = spawnSync(cmd, argv, { encoding: 'utf8', env, stdio: ['ignore', 'pipe', 'pipe'] })
  if (r.status !== 0) throw new Error(`${program} failed (${r.error?.message ?? `exit ${r.status}`}): ${r.stderr || r.stdout}`)
}

/**
 * Starts a cluster and makes one database in it. Settings trade durability for speed (fsync off):
 * the data is thrown away. Pass `settings` to change them, e.g. for a failover test.
 */
export async function startPgCluster({ database = 'test', settings = {} }: { database?: string; settings?: Record<string, string> } = {}): Promise<PgCluster> {
  const pg = pgAvailability()
  if (!pg.available) throw new Error(`PostgreSQL is not available: ${pg.reason}`)
  const dir = mkdtempSync(join(tmpdir(), 'qa-pg-'))
  if (pg.runAs) chownSync(dir, pg.runAs.uid, pg.runAs.gid)
  const data = join(dir, 'data'), log = join(dir, 'server.log')
  const pgRun = (program: string, args: string[]) => run(pg.binDir, pg.runAs, program, args)
  let started = false
  try {
    pgRun('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '--encoding=UTF8', '--no-locale', '--no-sync'])
    const options = { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off', max_connections: '100', ...settings }
    let port = 0
    // A free port can be taken between the probe and the server's bind: try a few.
    for (let attempt = 1; !started; attempt++) {
      port = await freePort()
      const o = [`-p ${port}`, `-k ${dir}`, "-c listen_addresses='127.0.0.1'", ...Object.entries(options).map(([k, v]) => `-c ${k}=${v}`)]
      try {
        pgRun('pg_ctl', ['start', '-D', data, '-l', log, '-w', '-t', '60', '-o', o.join(' ')])
        started = true
      } catch (err) {
        if (attempt >= 3) throw new Error(`${(err as Error).message}\n${existsSync(log) ? readFileSync(log, 'utf8') : ''}`)
      }
    }
    const serverUrl = `postgres://postgres@127.0.0.1:${port}`
    const url = await createPgDatabase(serverUrl, database)
    let stopped = false
    return {
      url,
      serverUrl,
      async stop() {
        if (stopped) return
        stopped = true
        try {
          pgRun('pg_ctl', ['stop', '-D', data, '-m', 'immediate', '-w'])
        } finally {
          rmSync(dir, { recursive: true, force: true })
        }
      },
    }
  } catch (err) {
    if (started) {
      try { pgRun('pg_ctl', ['stop', '-D', data, '-m', 'immediate', '-w']) } catch { /* reported below */ }
    }
    rmSync(dir, { recursive: true, force: true })
    throw err
  }
}

/** Makes an empty database on the server and returns its URL. */
export async function createPgDatabase(serverUrl: string, name: string): Promise<string> {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`not a plain database name: ${name}`)
  const admin = postgres(`${serverUrl}/postgres`, { max: 1, onnotice: () => {} })
  try {
    await admin.unsafe(`CREATE DATABASE ${name}`)
  } finally {
    await admin.end()
  }
  return `${serverUrl}/${name}`
}

// `npx tsx test/pg-cluster.ts`: a throwaway cluster by hand, until Ctrl-C.
if (process.argv[1] && import.meta.url === new URL(process.argv[1], 'file://').href) {
  const cluster = await startPgCluster({ database: 'qa' })
  console.log(`DATABASE_URL=${cluster.url}\n(Ctrl-C stops the server and removes its files)`)
  // A signal handler alone does not keep Node running.
  const alive = setInterval(() => {}, 1 << 30)
  const stop = () => void cluster.stop().finally(() => clearInterval(alive))
  process.once('SIGINT', stop).once('SIGTERM', stop)
}
