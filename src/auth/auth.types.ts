// The auth module's public types: what other modules may name without reading its tables.

export type Role = 'admin' | 'agent' | 'unit' | 'reviewer' | 'integration'
export const ROLES: readonly Role[] = ['admin', 'agent', 'unit', 'reviewer', 'integration']
