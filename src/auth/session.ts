// The sign-in session's cookie and its CSRF token. The secret lives only in an HttpOnly cookie, out
// of reach of page scripts; writes sent with the cookie must also carry X-CSRF-Token, which a page on
// another site cannot read or forge (SameSite=Strict is the first line, this the second).
import { createHash } from 'node:crypto'

export const SESSION_COOKIE = 'pqa_session'
export const CSRF_HEADER = 'x-csrf-token'

export function readSessionCookie(header: string | undefined): string | undefined {
  if (!header) return undefined
  for (const part of header.split(';')) {
    const eq = part.indexOf('=')
    if (eq > 0 && part.slice(0, eq).trim() === SESSION_COOKIE) return part.slice(eq + 1).trim() || undefined
  }
  return undefined
}

/** Bound to the session: a stolen CSRF token is useless without the cookie, and the reverse. */
export const csrfTokenFor = (secret: string) => createHash('sha256').update(`csrf:${secret}`).digest('base64url')

/** Secure only over HTTPS: the service is often reached over plain HTTP inside the government network. */
export function sessionCookie(secret: string, maxAgeSeconds: number, secure: boolean): string {
  return `${SESSION_COOKIE}=${secret}; Path=/api/; HttpOnly; SameSite=Strict; Max-Age=${maxAgeSeconds}${secure ? '; Secure' : ''}`
}

export const clearedSessionCookie = (secure: boolean) => sessionCookie('', 0, secure)
