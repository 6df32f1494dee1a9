// What the request log says about a request: its method and ROUTE (/api/v1/tickets/:id), and the
// NAMES of its query parameters, never their values. An agent's desk sends what is typed to
// GET /search?q=, and a ledger search may hold a phone number: the URL itself never reaches the log.
import type { FastifyRequest } from 'fastify'
import { maskText } from '../privacy/privacy.text.ts'

export function requestLogView(req: FastifyRequest) {
  const at = req.url.indexOf('?')
  const path = at === -1 ? req.url : req.url.slice(0, at)
  const names = at === -1 ? [] : [...new Set(new URLSearchParams(req.url.slice(at + 1)).keys())]
  return {
    method: req.method,
    // An unknown address has no route; what was asked for is logged masked, as free text.
    route: req.routeOptions?.url ?? maskText(path),
    queryParams: names.map((n) => maskText(n)),
    host: req.host,
    remoteAddress: req.ip,
    remotePort: req.socket?.remotePort,
  }
}

export const requestLogSerializers = { req: requestLogView }
