import { describe, expect, it } from 'vitest'
import type { LookupAddress } from 'node:dns'
import { createAddressPolicy } from './integrations.address.ts'

const fakeDns = (table: Record<string, string[]>) => (host: string, cb: (err: NodeJS.ErrnoException | null, a: LookupAddress[]) => void) =>
  queueMicrotask(() => cb(null, (table[host] ?? []).map((address) => ({ address, family: address.includes(':') ? 6 : 4 }))))

const lookup = (policy: ReturnType<typeof createAddressPolicy>, host: string, all = true) =>
  new Promise<{ err: (Error & { code?: string }) | null; addresses: unknown }>((resolve) =>
    policy.lookup(host, { all }, (err, addresses) => resolve({ err, addresses })))

describe('webhook address policy', () => {
  const policy = createAddressPolicy([])

  it.each([
    'http://127.0.0.1:3000/api/v1/tokens', 'http://169.254.169.254/latest/meta-data/', 'http://[::1]/', 'http://0x7f000001/',
    'http://2130706433/', 'http://0177.0.0.1/', 'http://127.1/', 'http://[::ffff:127.0.0.1]/', 'http://[::ffff:a9fe:a9fe]/',
    'http://localhost:3000/api/v1/tokens', 'http://LOCALHOST./', 'http://api.localhost/', 'http://0.0.0.0/', 'http://[::]/',
    'http://10.0.0.8:8080/qa', 'http://172.16.5.4/', 'http://192.168.1.1/', 'http://100.64.0.1/', 'http://[fd00::1]/', 'http://[fe80::1]/',
    'http://[64:ff9b::7f00:1]/', 'http://224.0.0.1/', 'http://255.255.255.255/',
  ])('refuses %s as written', (url) => {
    expect(policy.checkUrl(url)).toMatchObject({ reason: 'address' })
  })

  it('refuses credentials in the URL, and schemes other than http and https', () => {
    expect(policy.checkUrl('https://user:secret@hooks.example.org/qa')).toEqual({ reason: 'credentials' })
    expect(policy.checkUrl('https://user@hooks.example.org/qa')).toEqual({ reason: 'credentials' })
    expect(policy.checkUrl('ftp://hooks.example.org/qa')).toEqual({ reason: 'scheme' })
    expect(policy.checkUrl('not a url')).toEqual({ reason: 'invalid' })
  })

  it('takes public addresses and names', () => {
    for (const url of ['https://www.example.gov.cn/hooks/qa', 'http://93.184.216.34/', 'http://[2606:4700::1111]/', 'http://8.8.8.8:8080/']) {
      expect(policy.checkUrl(url), url).toBeUndefined()
    }
  })

  it('lets an allowlisted name, address or CIDR block through', () => {
    const allowing = createAddressPolicy(['hooks.intra.example', '127.0.0.1', '10.20.0.0/16', 'fd00::/8'])
    for (const url of ['http://hooks.intra.example:8080/qa', 'http://127.0.0.1:9000/hook', 'http://10.20.3.4/', 'http://[fd00::5]/']) {
      expect(allowing.checkUrl(url), url).toBeUndefined()
    }
    expect(allowing.checkUrl('http://127.0.0.2/')).toMatchObject({ reason: 'address' })
    expect(allowing.checkUrl('http://10.21.0.1/')).toMatchObject({ reason: 'address' })
    expect(allowing.checkUrl('http://user:pw@hooks.intra.example/')).toEqual({ reason: 'credentials' })
  })

  it('refuses a name when any address it resolves to is reserved (rebinding)', async () => {
    const dns = createAddressPolicy([], fakeDns({ 'evil.example': ['93.184.216.34', '127.0.0.1'], 'v6.example': ['::ffff:169.254.169.254'] }))
    for (const host of ['evil.example', 'v6.example']) {
      const { err } = await lookup(dns, host)
      expect(err).toMatchObject({ code: 'WEBHOOK_ADDRESS_REFUSED' })
    }
  })

  it('hands over only the addresses it checked', async () => {
    const dns = createAddressPolicy([], fakeDns({ 'hooks.example.org': ['93.184.216.34', '2606:2800:220:1::1'] }))
    expect(await lookup(dns, 'hooks.example.org')).toEqual({ err: null, addresses: [{ address: '93.184.216.34', family: 4 }, { address: '2606:2800:220:1::1', family: 6 }] })
    const single = await new Promise((resolve) => dns.lookup('hooks.example.org', { family: 6 }, (err, address, family) => resolve([err, address, family])))
    expect(single).toEqual([null, '2606:2800:220:1::1', 6])
  })

  it('resolves an allowlisted name to internal addresses, and an allowlisted block', async () => {
    const dns = createAddressPolicy(['hooks.intra.example', '10.20.0.0/16'], fakeDns({ 'hooks.intra.example': ['10.0.0.8'], 'other.example': ['10.20.1.1'] }))
    expect((await lookup(dns, 'hooks.intra.example')).err).toBeNull()
    expect((await lookup(dns, 'other.example')).err).toBeNull()
  })
})
