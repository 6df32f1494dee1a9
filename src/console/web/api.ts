// A small client for the service's JSON API. People sign in with an account: the session is an
// HttpOnly cookie the page cannot read, and writes carry the CSRF token the sign-in returned. A pasted
// access token (scripts, emergencies) is still accepted and kept for the tab only.
const TOKEN_KEY = 'pqa.token'

export class ApiError extends Error {
  constructor(readonly status: number, readonly code: string, message: string, readonly details?: { field: string; message: string }[]) {
    super(message)
  }
}

export const session = {
  get token(): string | null { return sessionStorage.getItem(TOKEN_KEY) },
  set token(v: string | null) { v ? sessionStorage.setItem(TOKEN_KEY, v) : sessionStorage.removeItem(TOKEN_KEY) },
  /** From POST/GET /session; held in memory only and fetched again after a reload. */
  csrfToken: null as string | null,
  /** Called when the service answers 401: the session ended or the token was revoked. */
  onUnauthorized: null as (() => void) | null,
}

function authHeaders(method: string): Record<string, string> {
  if (session.token) return { authorization: `Bearer ${session.token}` }
  return session.csrfToken && method !== 'GET' && method !== 'HEAD' ? { 'x-csrf-token': session.csrfToken } : {}
}

export interface ApiOptions { headers?: Record<string, string>; signal?: AbortSignal }

export async function api<T = unknown>(method: string, path: string, body?: unknown, opts: ApiOptions = {}): Promise<T> {
  const res = await fetch(`/api/v1${path}`, {
    method,
    headers: {
      ...authHeaders(method),
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...opts.headers,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: opts.signal,
  })
  const text = await res.text()
  const data = text ? JSON.parse(text) : undefined
  if (!res.ok) {
    if (res.status === 401 && path !== '/session') session.onUnauthorized?.()
    throw new ApiError(res.status, data?.code ?? 'HTTP_ERROR', data?.message ?? `请求失败（${res.status}）`, data?.details)
  }
  return data as T
}

/** A query string from the set values of `params` (arrays repeat the key). */
export function qs(params: Record<string, string | number | boolean | readonly (string | number)[] | null | undefined>): string {
  const sp = new URLSearchParams()
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === null || v === '') continue
    if (Array.isArray(v)) v.forEach((x) => sp.append(k, String(x)))
    else sp.append(k, String(v))
  }
  const s = sp.toString()
  return s ? `?${s}` : ''
}

/** A fresh Idempotency-Key, so that a double press records one consultation, not two. */
export function idempotencyKey(): string {
  return crypto.randomUUID()
}

/** The message to show for a failed call: the API's Chinese message, with the fields it names. */
export function errorText(e: unknown): string {
  if (e instanceof ApiError) return e.details?.length ? `${e.message}：${e.details.map((d) => d.message).join('；')}` : e.message
  if (e instanceof DOMException && e.name === 'AbortError') return ''
  return '网络异常，请稍后重试'
}

/** Downloads a file from the API with the credential (an <a href> cannot send the Authorization header). */
export async function download(path: string, fallbackName: string): Promise<string> {
  const res = await fetch(`/api/v1${path}`, { headers: authHeaders('GET') })
  if (!res.ok) {
    const data = await res.json().catch(() => undefined)
    throw new ApiError(res.status, data?.code ?? 'HTTP_ERROR', data?.message ?? `下载失败（${res.status}）`)
  }
  const filename = filenameOf(res.headers.get('content-disposition')) ?? fallbackName
  const url = URL.createObjectURL(await res.blob())
  const a = document.createElement('a')
  a.href = url
  a.download = filename
  document.body.append(a)
  a.click()
  a.remove()
  setTimeout(() => URL.revokeObjectURL(url), 1000)
  return filename
}

/** The file name a server gave, preferring the RFC 5987 (UTF-8) form that carries Chinese names. */
export function filenameOf(disposition: string | null): string | null {
  if (!disposition) return null
  const star = /filename\*=UTF-8''([^;]+)/i.exec(disposition)
  if (star) { try { return decodeURIComponent(star[1]) } catch { /* fall through */ } }
  return /filename="([^"]+)"/i.exec(disposition)?.[1] ?? null
}

export interface Account {
  id: number
  username: string
  displayName: string
  role: Me['role']
  unit: { code: string; name: string } | null
  reviewStepName: string | null
  locked: boolean
  disabled: boolean
  failedAttempts: number
  passwordChangedAt: string | null
  createdAt: string
}

export interface SessionInfo { account: Account; csrfToken: string; expiresAt: string }

export interface Me {
  id: number
  name: string
  role: 'admin' | 'agent' | 'unit' | 'reviewer' | 'integration'
  unit: { code: string; name: string } | null
  reviewStep: number | null
  reviewStepName: string | null
}
