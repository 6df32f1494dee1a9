// Where a webhook may point. A webhook URL is typed by an administrator but fetched by the server,
// so it must not reach the server's own network: loopback, private, link-local, reserved and
// unspecified addresses are refused when the URL is registered (as written) and again when an event
// is delivered (every address the name resolves to, then the connection goes to a checked address,
// so a name that resolves differently the second time cannot slip through). A deployment whose
// receiver really is on the internal network lists it in WEBHOOK_ALLOWED_HOSTS.
import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns'
import { BlockList, isIP } from 'node:net'
import { parseAllowedHost } from '../config.ts'

const V4_RESERVED: [string, number][] = [
  ['0.0.0.0', 8], // "this network", unspecified
  ['10.0.0.0', 8], ['172.16.0.0', 12], ['192.168.0.0', 16], // private
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local (cloud metadata at 169.254.169.254)
  ['192.0.0.0', 24], ['192.0.2.0', 24], ['198.18.0.0', 15], ['198.51.100.0', 24], ['203.0.113.0', 24], // protocol, test, benchmark
  ['224.0.0.0', 4], ['240.0.0.0', 4], // multicast, reserved and broadcast
]
const V6_RESERVED: [string, number][] = [
  ['::', 96], // unspecified, loopback and the old IPv4-compatible form
  ['64:ff9b::', 96], ['64:ff9b:1::', 48], // NAT64, which reaches any IPv4 address
  ['100::', 64], ['2001::', 32], ['2001:db8::', 32], ['2002::', 16], // discard, Teredo, documentation, 6to4
  ['fc00::', 7], ['fe80::', 10], ['fec0::', 10], ['ff00::', 8], // unique local, link-local, site-local, multicast
]

// An IPv4-mapped IPv6 address (::ffff:127.0.0.1) is checked against the IPv4 blocks by BlockList
// itself; a ::ffff:0:0/96 rule would match every IPv4 address too.
const RESERVED = new BlockList()
for (const [net, prefix] of V4_RESERVED) RESERVED.addSubnet(net, prefix, 'ipv4')
for (const [net, prefix] of V6_RESERVED) RESERVED.addSubnet(net, prefix, 'ipv6')

const family = (address: string) => (isIP(address) === 6 ? 'ipv6' : 'ipv4')
const normaliseHost = (host: string) => host.replace(/^\[|\]$/g, '').replace(/\.$/, '').toLowerCase()

export type AddressRefusal =
  | { reason: 'invalid' | 'scheme' | 'credentials' }
  | { reason: 'address'; address: string }

/** What a person is told about a refused URL (never the URL itself, which may hold credentials). */
export function describeRefusal(r: AddressRefusal): string {
  switch (r.reason) {
    case 'invalid': return '事件推送地址不是合法的 URL'
    case 'scheme': return '事件推送地址只能使用 http 或 https'
    case 'credentials': return '事件推送地址不能包含用户名或密码'
    case 'address': return `事件推送地址指向回环、内网、链路本地、保留或未指定地址（${r.address}），不能推送；`
      + '接收方确在内网的，由部署方在 WEBHOOK_ALLOWED_HOSTS 中放行'
  }
}

export class WebhookAddressRefusedError extends Error {
  readonly code = 'WEBHOOK_ADDRESS_REFUSED'
  constructor(readonly refusal: AddressRefusal) {
    super(describeRefusal(refusal))
    this.name = 'WebhookAddressRefusedError'
  }
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void
type Resolve = (host: string, cb: (err: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void) => void

const resolveAll: Resolve = (host, cb) => dnsLookup(host, { all: true, verbatim: true }, cb)

export function createAddressPolicy(allowedHosts: readonly string[], resolve: Resolve = resolveAll) {
  const names = new Set<string>()
  const allowed = new BlockList()
  for (const entry of allowedHosts) {
    const parsed = parseAllowedHost(entry)
    if (!parsed) throw new Error(`WEBHOOK_ALLOWED_HOSTS: ${entry} is neither a host name, an address nor a CIDR block`)
    if ('name' in parsed) names.add(parsed.name)
    else allowed.addSubnet(parsed.address, parsed.prefix, family(parsed.address))
  }
  const refusedAddress = (address: string) => !allowed.check(address, family(address)) && RESERVED.check(address, family(address))

  return {
    /**
     * The URL as written: scheme, credentials, and the host when it is an address (0x7f000001 and
     * 2130706433 are 127.0.0.1 once parsed) or localhost. A name is checked when it is resolved.
     */
    checkUrl(text: string): AddressRefusal | undefined {
      let url: URL
      try { url = new URL(text) } catch { return { reason: 'invalid' } }
      if (url.protocol !== 'http:' && url.protocol !== 'https:') return { reason: 'scheme' }
      if (url.username || url.password) return { reason: 'credentials' }
      const host = normaliseHost(url.hostname)
      if (names.has(host)) return undefined
      if (isIP(host)) return refusedAddress(host) ? { reason: 'address', address: host } : undefined
      if (host === 'localhost' || host.endsWith('.localhost')) return { reason: 'address', address: host }
      return undefined
    },

    /**
     * A `lookup` for node:http: resolves every address of the name, refuses the connection if any
     * is reserved, and hands over only checked addresses, so the socket connects to what was checked.
     */
    lookup(hostname: string, options: LookupOptions, callback: LookupCallback): void {
      const host = normaliseHost(hostname)
      resolve(hostname, (err, addresses) => {
        if (err) return callback(err, [])
        const usable = addresses.filter((a) => !options.family || a.family === options.family)
        if (usable.length === 0) return callback(Object.assign(new Error(`no address for ${hostname}`), { code: 'ENOTFOUND' }), [])
        const refused = names.has(host) ? undefined : usable.find((a) => refusedAddress(a.address))
        if (refused) return callback(new WebhookAddressRefusedError({ reason: 'address', address: refused.address }), [])
        if (options.all) return callback(null, usable)
        callback(null, usable[0]!.address, usable[0]!.family)
      })
    },
  }
}

export type AddressPolicy = ReturnType<typeof createAddressPolicy>

/** The URL without user name and password, for the delivery log (URLs from before they were refused). */
export function withoutCredentials(text: string): string {
  try {
    const url = new URL(text)
    if (!url.username && !url.password) return text
    url.username = ''
    url.password = ''
    return url.toString()
  } catch {
    return text
  }
}
