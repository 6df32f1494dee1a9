// The only module that reads process.env. Every problem is collected and reported at once.
import { isIP } from 'node:net'
import { CHANNELS, type Channel } from './consultations/consultations.types.ts'

export interface Config {
  readonly port: number
  readonly host: string
  readonly databasePath: string
  /** postgres://… selects PostgreSQL (the city-wide deployment); undefined: SQLite at databasePath. */
  readonly databaseUrl: string | undefined
  /** Connections in the PostgreSQL pool. */
  readonly databasePoolSize: number
  /** How often a process reads the index change log for other processes' changes (0: never; PostgreSQL's NOTIFY still wakes it). */
  readonly indexPollMs: number
  /** How often the leader looks whether the Beijing date changed, to lapse documents past their 失效日期 (0: never, neither at start-up). */
  readonly documentExpiryCheckMs: number
  readonly adminToken: string | undefined
  readonly seedDemo: boolean
  readonly logLevel: string
  /** Names of the review steps, in order (G2: 三审 by default). */
  readonly reviewSteps: readonly string[]
  /** Working days allowed to reply, per kind of consultation (C3). */
  readonly dueWorkingDays: { readonly question: number; readonly suggestion: number }
  /** Channels on which a confident match answers the consultation without an agent. */
  readonly autoAnswerChannels: readonly Channel[]
  /** Unit that receives tickets whose drafting unit cannot be inferred. */
  readonly dispatchUnitCode: string
  /** Confidence at or above which the top candidate is answered at once. */
  /** Pins both levels' threshold on the calibrated probability (compatibility); null: thresholds follow matchMaxWrong. */
  readonly matchThreshold: number | null
  /** How often an answer at once may be wrong: at the agent's desk, and with no person in between (mailbox, portal). */
  readonly matchMaxWrong: { readonly desk: number; readonly automatic: number }
  /** Months after which a published entry counts as not reviewed (D4). */
  readonly staleEntryMonths: number
  readonly webhook: {
    readonly maxAttempts: number
    readonly baseDelayMs: number
    readonly timeoutMs: number
    /**
     * How long a claimed event stays with the dispatcher that claimed it (WEBHOOK_LEASE_MS; default
     * twice the timeout plus 30 s). On PostgreSQL a new leader re-sends an event left in flight only
     * once its lease has run out: the old leader may still be posting it.
     */
    readonly leaseMs: number
    /** 0 disables the background dispatcher (tests drive it by hand). */
    readonly pollIntervalMs: number
    /**
     * Host names, addresses and CIDR blocks a webhook may reach although they are loopback,
     * private or link-local (WEBHOOK_ALLOWED_HOSTS); empty: only public addresses.
     */
    readonly allowedHosts: readonly string[]
  }
  /** Requests per minute for the integration role. */
  readonly integrationRateLimit: number
  /** The public 政策问答 pages: the district's name, the pages' title and the contact line under every page. */
  readonly portal: { readonly districtName: string; readonly title: string; readonly contact: string }
  /**
   * Limits per client address on the public pages: questions and suggestions per hour
   * (PORTAL_ASK_LIMIT), page views per minute (PORTAL_READ_LIMIT); searches, lookups and feedback
   * get shares of these (portal.routes.ts).
   */
  readonly portalLimits: { readonly askPerHour: number; readonly readsPerMinute: number }
  /**
   * Fastify's trustProxy (TRUST_PROXY): behind the district's reverse proxy the client address comes
   * from X-Forwarded-For, which the public pages' rate limits and duplicate check are keyed on.
   */
  readonly trustProxy: boolean | string
  /** After the reply (issue 21): rating, redoing (重办) and promises. */
  readonly followup: {
    /** Days after the first rating during which the asker may change it. */
    readonly ratingChangeDays: number
    /** Working days a redone ticket gets from its reopening. */
    readonly redoWorkingDays: number
    /** How many times an unsatisfied rating alone reopens a ticket; beyond that the office decides. */
    readonly redoAutoLimit: number
  }
  /** Link checks (A5): how often, how long one fetch may take, and how much of an answer is read. */
  readonly linkCheck: {
    /** Days between scheduled runs; 0 turns the schedule off (on demand only). */
    readonly intervalDays: number
    readonly timeoutMs: number
    readonly maxBytes: number
  }
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`配置有误（${problems.length} 项）：\n- ${problems.join('\n- ')}`)
    this.name = 'ConfigError'
  }
}

type Env = Record<string, string | undefined>

/**
 * A WEBHOOK_ALLOWED_HOSTS entry: a host name (lower case, no trailing dot), or an IP address with
 * its prefix length (a CIDR block; a lone address is /32 or /128). Undefined when it is neither.
 */
export function parseAllowedHost(entry: string): { name: string } | { address: string; prefix: number } | undefined {
  const text = entry.trim().replace(/^\[|\]$/g, '').replace(/\.$/, '').toLowerCase()
  const [address = '', prefixText] = text.split('/')
  const version = isIP(address)
  if (version) {
    const max = version === 6 ? 128 : 32
    if (prefixText === undefined) return { address, prefix: max }
    return /^\d{1,3}$/.test(prefixText) && Number(prefixText) <= max ? { address, prefix: Number(prefixText) } : undefined
  }
  return /^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/.test(text) ? { name: text } : undefined
}

export const DEFAULTS = {
  PORT: '3000',
  HOST: '127.0.0.1',
  DATABASE_PATH: './data/qa.sqlite',
  DATABASE_URL: '',
  DATABASE_POOL_SIZE: '10',
  INDEX_POLL_MS: '1000',
  DOCUMENT_EXPIRY_CHECK_MS: '60000',
  SEED_DEMO: '1',
  LOG_LEVEL: 'info',
  REVIEW_STEPS: '初审,复审,终审',
  DUE_WORKING_DAYS: '5',
  DUE_WORKING_DAYS_SUGGESTION: '5',
  AUTO_ANSWER_CHANNELS: 'mailbox,portal',
  DISPATCH_UNIT_CODE: 'zwb',
  MATCH_THRESHOLD: '',
  MATCH_MAX_WRONG_DESK: '0.02',
  MATCH_MAX_WRONG_AUTO: '0.005',
  STALE_ENTRY_MONTHS: '12',
  WEBHOOK_MAX_ATTEMPTS: '15',
  WEBHOOK_BASE_DELAY_MS: '2000',
  WEBHOOK_TIMEOUT_MS: '5000',
  WEBHOOK_POLL_INTERVAL_MS: '1000',
  WEBHOOK_LEASE_MS: '',
  WEBHOOK_ALLOWED_HOSTS: '',
  INTEGRATION_RATE_LIMIT: '600',
  PORTAL_DISTRICT_NAME: '本区',
  PORTAL_TITLE: '',
  PORTAL_CONTACT: '政策咨询请拨打 12345 政务服务便民热线',
  TRUST_PROXY: '',
  PORTAL_ASK_LIMIT: '20',
  PORTAL_READ_LIMIT: '300',
  RATING_CHANGE_DAYS: '7',
  REDO_WORKING_DAYS: '5',
  REDO_AUTO_LIMIT: '2',
  LINK_CHECK_INTERVAL_DAYS: '30',
  LINK_CHECK_TIMEOUT_MS: '10000',
  LINK_CHECK_MAX_BYTES: '65536',
} as const

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']

export function loadConfig(env: Env = process.env, overrides: Partial<Config> = {}): Config {
  const problems: string[] = []
  const get = (name: keyof typeof DEFAULTS) => env[name]?.trim() || DEFAULTS[name]

  const int = (name: keyof typeof DEFAULTS, min: number, max: number): number => {
    const raw = get(name)
    const n = Number(raw)
    if (!Number.isInteger(n) || n < min || n > max) {
      problems.push(`${name}=${raw}：应为 ${min} 到 ${max} 之间的整数`)
      return Number(DEFAULTS[name])
    }
    return n
  }

  const port = int('PORT', 0, 65535)
  const logLevel = get('LOG_LEVEL')
  if (!LOG_LEVELS.includes(logLevel)) problems.push(`LOG_LEVEL=${logLevel}：应为 ${LOG_LEVELS.join('、')} 之一`)

  const seedRaw = get('SEED_DEMO')
  if (!['0', '1', 'true', 'false'].includes(seedRaw)) problems.push(`SEED_DEMO=${seedRaw}：应为 0 或 1`)

  const adminToken = env.ADMIN_TOKEN?.trim() || undefined
  if (adminToken !== undefined && adminToken.length < 16) problems.push('ADMIN_TOKEN：至少 16 个字符')
  // It travels as `Authorization: Bearer <token>`: one run of visible ASCII, or it can never authenticate.
  if (adminToken !== undefined && !/^[\x21-\x7E]+$/.test(adminToken)) problems.push('ADMIN_TOKEN：只能由可见的 ASCII 字符组成，不能含空格、控制字符或中文（Authorization 请求头无法携带）')

  const reviewSteps = get('REVIEW_STEPS').split(',').map((s) => s.trim()).filter(Boolean)
  if (reviewSteps.length === 0 || reviewSteps.length > 9) problems.push('REVIEW_STEPS：应为 1 到 9 个以逗号分隔的审核环节名称')

  const autoAnswerChannels = get('AUTO_ANSWER_CHANNELS').split(',').map((s) => s.trim()).filter(Boolean)
  if (env.AUTO_ANSWER_CHANNELS?.trim() === 'none') autoAnswerChannels.length = 0
  for (const c of autoAnswerChannels) {
    if (!CHANNELS.includes(c as Channel)) problems.push(`AUTO_ANSWER_CHANNELS：未知渠道 ${c}（可选 ${CHANNELS.join('、')}，或 none）`)
  }

  const dispatchUnitCode = get('DISPATCH_UNIT_CODE')
  if (!/^[a-z0-9_-]{1,32}$/.test(dispatchUnitCode)) problems.push(`DISPATCH_UNIT_CODE=${dispatchUnitCode}：应为小写字母、数字、下划线或连字符`)

  const thresholdRaw = get('MATCH_THRESHOLD').trim()
  const matchThreshold = thresholdRaw === '' ? null : Number(thresholdRaw)
  if (matchThreshold !== null && !(matchThreshold > 0 && matchThreshold <= 1)) problems.push(`MATCH_THRESHOLD=${thresholdRaw}：应为 0 到 1 之间的数（不含 0），或留空由校准决定`)
  const share = (name: 'MATCH_MAX_WRONG_DESK' | 'MATCH_MAX_WRONG_AUTO') => {
    const raw = get(name)
    const n = Number(raw)
    if (!(n > 0 && n < 0.5)) problems.push(`${name}=${raw}：应为 0 到 0.5 之间的比例（如 0.02 表示至多 2% 答错）`)
    return n
  }
  const matchMaxWrong = { desk: share('MATCH_MAX_WRONG_DESK'), automatic: share('MATCH_MAX_WRONG_AUTO') }
  if (matchMaxWrong.automatic > matchMaxWrong.desk) problems.push('MATCH_MAX_WRONG_AUTO 不能大于 MATCH_MAX_WRONG_DESK：无人把关的自动答复应更严格')

  const webhookTimeoutMs = int('WEBHOOK_TIMEOUT_MS', 100, 120_000)
  const webhookLeaseMs = get('WEBHOOK_LEASE_MS') === '' ? webhookTimeoutMs * 2 + 30_000 : int('WEBHOOK_LEASE_MS', 1000, 3_600_000)
  if (webhookLeaseMs <= webhookTimeoutMs) problems.push(`WEBHOOK_LEASE_MS=${webhookLeaseMs}：应大于 WEBHOOK_TIMEOUT_MS（${webhookTimeoutMs}），否则投递未结束时事件就可能被重发`)

  const allowedHosts = get('WEBHOOK_ALLOWED_HOSTS').split(',').map((s) => s.trim()).filter(Boolean)
  for (const entry of allowedHosts) {
    if (!parseAllowedHost(entry)) problems.push(`WEBHOOK_ALLOWED_HOSTS：${entry} 应为主机名、IP 地址或 CIDR 网段（如 hooks.intra.example、10.0.0.8、10.20.0.0/16）`)
  }

  const portalText = (name: 'PORTAL_DISTRICT_NAME' | 'PORTAL_TITLE' | 'PORTAL_CONTACT', max: number) => {
    const value = get(name)
    if ([...value].length > max || /[\u0000-\u001F\u007F<>]/.test(value)) problems.push(`${name}：至多 ${max} 个字符，不能含控制字符或尖括号`)
    return value
  }
  const districtName = portalText('PORTAL_DISTRICT_NAME', 40)
  const portalTitle = portalText('PORTAL_TITLE', 60) || `${districtName}政策问答`
  const portalContact = portalText('PORTAL_CONTACT', 200)
  const trustProxyRaw = get('TRUST_PROXY')
  const trustProxy: boolean | string = trustProxyRaw === '' || trustProxyRaw === 'false' || trustProxyRaw === '0' ? false
    : trustProxyRaw === 'true' || trustProxyRaw === '1' ? true : trustProxyRaw
  if (typeof trustProxy === 'string' && !trustProxy.split(',').every((e) => parseAllowedHost(e) && 'address' in parseAllowedHost(e)!)) {
    problems.push(`TRUST_PROXY=${trustProxyRaw}：应为 true、false，或以逗号分隔的代理地址 / CIDR 网段（如 10.0.0.8,10.20.0.0/16）`)
  }

  const databaseUrl = get('DATABASE_URL') || undefined
  if (databaseUrl && !/^postgres(ql)?:\/\/./.test(databaseUrl)) {
    problems.push('DATABASE_URL：应为 PostgreSQL 连接串，如 postgres://用户:密码@主机:5432/库名；不设则使用 DATABASE_PATH 的 SQLite 文件')
  }

  const config: Config = {
    port,
    host: get('HOST'),
    databasePath: get('DATABASE_PATH'),
    databaseUrl,
    databasePoolSize: int('DATABASE_POOL_SIZE', 2, 200), // the start-up lock holds one connection while the rest migrate
    indexPollMs: int('INDEX_POLL_MS', 0, 3_600_000),
    documentExpiryCheckMs: int('DOCUMENT_EXPIRY_CHECK_MS', 0, 3_600_000),
    adminToken,
    seedDemo: seedRaw === '1' || seedRaw === 'true',
    logLevel,
    reviewSteps,
    dueWorkingDays: {
      question: int('DUE_WORKING_DAYS', 1, 60),
      suggestion: int('DUE_WORKING_DAYS_SUGGESTION', 1, 60),
    },
    autoAnswerChannels: autoAnswerChannels as Channel[],
    dispatchUnitCode,
    matchThreshold,
    matchMaxWrong,
    staleEntryMonths: int('STALE_ENTRY_MONTHS', 1, 120),
    webhook: {
      maxAttempts: int('WEBHOOK_MAX_ATTEMPTS', 1, 50),
      baseDelayMs: int('WEBHOOK_BASE_DELAY_MS', 1, 3_600_000),
      timeoutMs: webhookTimeoutMs,
      leaseMs: webhookLeaseMs,
      pollIntervalMs: int('WEBHOOK_POLL_INTERVAL_MS', 0, 3_600_000),
      allowedHosts,
    },
    integrationRateLimit: int('INTEGRATION_RATE_LIMIT', 1, 1_000_000),
    portal: { districtName, title: portalTitle, contact: portalContact },
    portalLimits: { askPerHour: int('PORTAL_ASK_LIMIT', 1, 1_000_000), readsPerMinute: int('PORTAL_READ_LIMIT', 10, 1_000_000) },
    trustProxy,
    followup: {
      ratingChangeDays: int('RATING_CHANGE_DAYS', 0, 365),
      redoWorkingDays: int('REDO_WORKING_DAYS', 1, 60),
      redoAutoLimit: int('REDO_AUTO_LIMIT', 0, 10),
    },
    linkCheck: {
      intervalDays: int('LINK_CHECK_INTERVAL_DAYS', 0, 366),
      timeoutMs: int('LINK_CHECK_TIMEOUT_MS', 100, 120_000),
      maxBytes: int('LINK_CHECK_MAX_BYTES', 1024, 10_485_760),
    },
    ...overrides,
  }
  if (problems.length > 0) throw new ConfigError(problems)
  return Object.freeze(config)
}

/** A configuration for tests: in-memory database, no demo data, quiet logs. */
export function testConfig(overrides: Partial<Config> = {}): Config {
  // The public pages' limits per address would throttle test suites that send everything from 127.0.0.1.
  // No automatic expiry: it reads the system clock, which tests fake (stats.testkit.ts); tests that
  // exercise it call expireLapsed or the expiry's check themselves.
  return loadConfig({
    DATABASE_PATH: ':memory:', SEED_DEMO: '0', LOG_LEVEL: 'silent', WEBHOOK_POLL_INTERVAL_MS: '0', DOCUMENT_EXPIRY_CHECK_MS: '0',
    PORTAL_ASK_LIMIT: '1000000', PORTAL_READ_LIMIT: '1000000', LINK_CHECK_INTERVAL_DAYS: '0',
  }, overrides)
}
