// A small client for the service's JSON API: the token from sign-in, and errors as Chinese messages.
const TOKEN_KEY = 'pqa.token'

export class ApiError extends Error {
  constructor(readonly status: number, readonly code: string, message: string, readonly details?: { field: string; message: string }[]) {
    super(message)
  }
}

export const session = {
  get token(): string | null { return sessionStorage.getItem(TOKEN_KEY) },
  set token(v: string | null) { v ? sessionStorage.setItem(TOKEN_KEY, v) : sessionStorage.removeItem(TOKEN_KEY) },
}

export async function api<T = unknown>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
  const res = await fetch(`/api/v1${path}`, {
    method,
    headers: {
      ...(session.token ? { authorization: `Bearer ${session.token}` } : {}),
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...headers,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  const text = await res.text()
  const data = text ? JSON.parse(text) : undefined
  if (!res.ok) throw new ApiError(res.status, data?.code ?? 'HTTP_ERROR', data?.message ?? `请求失败（${res.status}）`, data?.details)
  return data as T
}

/** Downloads a file from the API with the token (an <a href> cannot send the Authorization header). */
export async function download(path: string, filename: string): Promise<void> {
  const res = await fetch(`/api/v1${path}`, { headers: { authorization: `Bearer ${session.token}` } })
  if (!res.ok) {
    const data = await res.json().catch(() => undefined)
    throw new ApiError(res.status, data?.code ?? 'HTTP_ERROR', data?.message ?? `下载失败（${res.status}）`)
  }
  const url = URL.createObjectURL(await res.blob())
  const a = document.createElement('a')
  a.href = url
  a.download = filename
  a.click()
  URL.revokeObjectURL(url)
}

export interface Me {
  id: number
  name: string
  role: 'admin' | 'agent' | 'unit' | 'reviewer' | 'integration'
  unit: { code: string; name: string } | null
  reviewStep: number | null
  reviewStepName: string | null
}
