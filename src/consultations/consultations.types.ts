// The consultations module's public types: what other modules (and config) may name without reading its tables.

/** Where a consultation came in: 12345 热线, a department's phone, the website's 公开信箱, a 窗口, the 政务公开专区. */
export type Channel = 'hotline' | 'phone' | 'mailbox' | 'window' | 'portal'
export const CHANNELS: readonly Channel[] = ['hotline', 'phone', 'mailbox', 'window', 'portal']
export type ConsultationKind = 'question' | 'suggestion'
export type Outcome = 'answered' | 'ticketed'
/**
 * The channels a machine client (a token of role `integration`) may register consultations on: those
 * that reach the service with no desk in between. 12345 热线, a department's phone and a 窗口 are
 * registered by the person who took the call (an agent), so the per-channel figures stay true.
 */
export const INTEGRATION_CHANNELS: readonly Channel[] = ['mailbox', 'portal']
