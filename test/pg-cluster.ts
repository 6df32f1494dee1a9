// A throwaway PostgreSQL cluster for the tests: initdb in a temp dir, a server on a free loopback
// port with its socket in that dir, and everything removed on stop. Nothing outside the machine.
// initdb refuses to run as root, so as root the server programs run as the `postgres` OS user.
import { execFileSync, spawnSync } from 'node:child_process'
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir, userInfo } from 'node:os'
import { basename, delimiter, join } from 'node:path'
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
  port: number
  /** Stops the server at once (`-m immediate`, as a crash) and starts it again on the same port. */
  restart(opts?: { downMs?: number }): Promise<void>
  /** Stops the server at once, as a crash, without removing its files (stop() still does). */
  kill(): void
  stop(): Promise<void>
}

/** A primary and a synchronous standby: a commit returns once the standby has it. */
export interface PgPair {
  primary: PgCluster
  standby: { port: number; promote(): void; stop(): Promise<void> }
  /** Both hosts, primary first, for a client that must follow the primary (`target_session_attrs=primary`, as docs/operations.md says). */
  url: string
}

const SERVER_PROGRAMS = ['initdb', 'pg_ctl', 'postgres', 'pg_basebackup']
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
  const data = join(dir, 'data')
  const pgRun = (program: string, args: string[]) => run(pg.binDir, pg.runAs, program, args)
  let server: { port: number; options: string } | undefined
  try {
    pgRun('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '--encoding=UTF8', '--no-locale', '--no-sync'])
    server = await startServer(pgRun, dir, data, { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off', max_connections: '100', ...settings })
    return await clusterHandle(pgRun, dir, data, server, database)
  } catch (err) {
    if (server) {
      try { pgRun('pg_ctl', ['stop', '-D', data, '-m', 'immediate', '-w']) } catch { /* reported below */ }
    }
    rmSync(dir, { recursive: true, force: true })
    throw err
  }
}

/** Starts `postgres` on `data`, on a free port (or `port`), its socket in `dir`. */
async function startServer(pgRun: (program: string, args: string[]) => void, dir: string, data: string, options: Record<string, string>, port?: number): Promise<{ port: number; options: string }> {
  const log = join(dir, `${basename(data)}.log`)
  // A free port can be taken between the probe and the server's bind: try a few.
  for (let attempt = 1; ; attempt++) {
    const p = port ?? await freePort()
    const o = [`-p ${p}`, `-k ${dir}`, "-c listen_addresses='127.0.0.1'", ...Object.entries(options).map(([k, v]) => `-c ${k}=${v}`)].join(' ')
    try {
      pgRun('pg_ctl', ['start', '-D', data, '-l', log, '-w', '-t', '60', '-o', o])
      return { port: p, options: o }
    } catch (err) {
      if (attempt >= 3 || port !== undefined) throw new Error(`${(err as Error).message}\n${existsSync(log) ? readFileSync(log, 'utf8') : ''}`)
    }
  }
}

async function clusterHandle(pgRun: (program: string, args: string[]) => void, dir: string, data: string, server: { port: number; options: string }, database: string): Promise<PgCluster> {
  const serverUrl = `postgres://postgres@127.0.0.1:${server.port}`
  const url = await createPgDatabase(serverUrl, database)
  let stopped = false
  const kill = () => pgRun('pg_ctl', ['stop', '-D', data, '-m', 'immediate', '-w'])
  return {
    url,
    serverUrl,
    port: server.port,
    async restart({ downMs = 0 } = {}) {
      kill()
      await new Promise((r) => setTimeout(r, downMs))
      pgRun('pg_ctl', ['start', '-D', data, '-l', join(dir, 'data.log'), '-w', '-t', '60', '-o', server.options])
    },
    kill,
    async stop() {
      if (stopped) return
      stopped = true
      try {
        try { kill() } catch { /* already stopped */ }
      } finally {
        rmSync(dir, { recursive: true, force: true })
      }
    },
  }
}

/**
 * A primary with one synchronous standby (streaming replication, `synchronous_commit = on`): what
 * the README describes for a city, for the failover test. The standby is a pg_basebackup of the
 * primary, started in recovery; `promote()` makes it the primary.
 */
export async function startPgPair({ database = 'test' }: { database?: string } = {}): Promise<PgPair> {
  const primary = await startPgCluster({
    database,
    // The standby is named synchronous once it streams (below): before, every commit would wait for it.
    settings: { synchronous_commit: 'on', wal_level: 'replica', max_wal_senders: '5', fsync: 'off' },
  })
  const pg = pgAvailability()
  if (!pg.available) throw new Error(pg.reason)
  const pgRun = (program: string, args: string[]) => run(pg.binDir, pg.runAs, program, args)
  const dir = mkdtempSync(join(tmpdir(), 'qa-pg-standby-'))
  if (pg.runAs) chownSync(dir, pg.runAs.uid, pg.runAs.gid)
  const data = join(dir, 'data')
  try {
    pgRun('pg_basebackup', ['-h', '127.0.0.1', '-p', String(primary.port), '-U', 'postgres', '-D', data, '-X', 'stream', '-c', 'fast', '-R', '-d', `host=127.0.0.1 port=${primary.port} user=postgres application_name=standby1`])
    const server = await startServer(pgRun, dir, data, { fsync: 'off', hot_standby: 'on', max_connections: '100' })
    const admin = postgres(`${primary.serverUrl}/postgres`, { max: 1, onnotice: () => {} })
    try {
      await admin.unsafe("alter system set synchronous_standby_names = 'standby1'")
      await admin`select pg_reload_conf()`
      for (let i = 0; ; i++) {
        const [row] = await admin<{ state: string }[]>`select sync_state as state from pg_stat_replication where application_name = 'standby1'`
        if (row?.state === 'sync') break
        if (i > 300) throw new Error('the standby did not become synchronous')
        await new Promise((r) => setTimeout(r, 50))
      }
    } finally {
      await admin.end()
    }
    let stopped = false
    return {
      primary,
      standby: {
        port: server.port,
        promote: () => pgRun('pg_ctl', ['promote', '-D', data, '-w']),
        async stop() {
          if (stopped) return
          stopped = true
          try {
            try { pgRun('pg_ctl', ['stop', '-D', data, '-m', 'immediate', '-w']) } catch { /* already stopped */ }
          } finally {
            rmSync(dir, { recursive: true, force: true })
          }
        },
      },
      url: `postgres://postgres@127.0.0.1:${primary.port},127.0.0.1:${server.port}/${database}?target_session_attrs=primary`,
    }
  } catch (err) {
    try { pgRun('pg_ctl', ['stop', '-D', data, '-m', 'immediate', '-w']) } catch { /* not started */ }
    await primary.stop()
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
