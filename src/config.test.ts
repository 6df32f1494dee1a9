import { describe, expect, it } from 'vitest'
import { ConfigError, loadConfig, testConfig } from './config.ts'

const problems = (env: Record<string, string>) => {
  try {
    loadConfig({ DATABASE_PATH: ':memory:', ...env })
    return []
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e
    return e.problems
  }
}

describe('loadConfig', () => {
  it.each(['admin token with spaces 0123', 'admin-token-\u00e9-0123456789', '管理员令牌管理员令牌管理员令牌管理员令牌', 'admin-token-0123456789\u0007'])(
    'refuses an ADMIN_TOKEN the Authorization header cannot carry: %j', (token) => {
      expect(problems({ ADMIN_TOKEN: token })).toEqual([expect.stringContaining('ADMIN_TOKEN：只能由可见的 ASCII 字符组成')])
    })

  it('takes an ADMIN_TOKEN of visible ASCII, surrounding white space trimmed', () => {
    expect(loadConfig({ DATABASE_PATH: ':memory:', ADMIN_TOKEN: '  Abc.-_~+/=!0123456789  ' }).adminToken).toBe('Abc.-_~+/=!0123456789')
  })

  it('reads WEBHOOK_ALLOWED_HOSTS as names, addresses and CIDR blocks, and refuses anything else', () => {
    const config = loadConfig({ DATABASE_PATH: ':memory:', WEBHOOK_ALLOWED_HOSTS: 'hooks.intra.example, 10.0.0.8,10.20.0.0/16, [fd00::1], fd00::/8' })
    expect(config.webhook.allowedHosts).toEqual(['hooks.intra.example', '10.0.0.8', '10.20.0.0/16', '[fd00::1]', 'fd00::/8'])
    expect(loadConfig({ DATABASE_PATH: ':memory:' }).webhook.allowedHosts).toEqual([])
    for (const bad of ['10.0.0.0/33', 'http://10.0.0.8', '*.intra.example', 'host name', 'fd00::/129']) {
      expect(problems({ WEBHOOK_ALLOWED_HOSTS: bad }), bad).toEqual([expect.stringContaining('WEBHOOK_ALLOWED_HOSTS')])
    }
  })

  it('holds a webhook claim for twice the timeout plus 30 s unless WEBHOOK_LEASE_MS says otherwise, and never for less than the timeout', () => {
    expect(loadConfig({ DATABASE_PATH: ':memory:', WEBHOOK_TIMEOUT_MS: '4000' }).webhook.leaseMs).toBe(38_000)
    expect(loadConfig({ DATABASE_PATH: ':memory:', WEBHOOK_LEASE_MS: '3000', WEBHOOK_TIMEOUT_MS: '1000' }).webhook.leaseMs).toBe(3000)
    expect(problems({ WEBHOOK_LEASE_MS: '5000', WEBHOOK_TIMEOUT_MS: '5000' })).toEqual([expect.stringContaining('WEBHOOK_LEASE_MS=5000：应大于 WEBHOOK_TIMEOUT_MS')])
  })

  it('checks for lapsed documents every minute by default, never in tests, and refuses a negative interval', () => {
    expect(loadConfig({}).documentExpiryCheckMs).toBe(60_000)
    expect(loadConfig({ DOCUMENT_EXPIRY_CHECK_MS: '0' }).documentExpiryCheckMs).toBe(0)
    expect(testConfig().documentExpiryCheckMs).toBe(0)
    expect(problems({ DOCUMENT_EXPIRY_CHECK_MS: '-1' })).toEqual([expect.stringContaining('DOCUMENT_EXPIRY_CHECK_MS=-1')])
  })
})
