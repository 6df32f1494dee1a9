// A small hash router: every screen, ticket, entry and document has an address (#/tickets/123),
// so the back button, bookmarks and shared links work. The route table is in routes.ts.
import { reactive } from 'vue'

export interface Location { path: string; query: Record<string, string> }

function parse(hash: string): Location {
  const raw = hash.replace(/^#/, '') || '/'
  const [path, search = ''] = raw.split('?')
  return { path: path.startsWith('/') ? path : `/${path}`, query: Object.fromEntries(new URLSearchParams(search)) }
}

/** Where the console is now; components read it reactively. */
export const location = reactive<Location>(parse(window.location.hash))
window.addEventListener('hashchange', () => Object.assign(location, parse(window.location.hash)))

export function href(path: string, query: Record<string, string | number | undefined | null> = {}): string {
  const sp = new URLSearchParams()
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== '') sp.set(k, String(v))
  const s = sp.toString()
  return `#${path}${s ? `?${s}` : ''}`
}

/** Goes to `path`; `replace` rewrites the current history entry (filters typed into a list). */
export function navigate(path: string, query: Record<string, string | number | undefined | null> = {}, replace = false) {
  const target = href(path, query)
  if (target === window.location.hash) return
  if (replace) {
    history.replaceState(history.state, '', target)
    Object.assign(location, parse(target))
  } else {
    window.location.hash = target
  }
}

/** `/tickets/:id` against `/tickets/12` → { id: '12' }; undefined when it does not match. */
export function matchPath(pattern: string, path: string): Record<string, string> | undefined {
  const p = pattern.split('/').filter(Boolean)
  const a = path.split('/').filter(Boolean)
  if (p.length !== a.length) return undefined
  const params: Record<string, string> = {}
  for (let i = 0; i < p.length; i++) {
    if (p[i].startsWith(':')) params[p[i].slice(1)] = decodeURIComponent(a[i])
    else if (p[i] !== a[i]) return undefined
  }
  return params
}
