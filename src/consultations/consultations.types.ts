// The consultations module's public types: what other modules (and config) may name without reading its tables.

/** Where a consultation came in: 12345 热线, a department's phone, the website's 公开信箱, a 窗口, the 政务公开专区. */
export type Channel = 'hotline' | 'phone' | 'mailbox' | 'window' | 'portal'
export const CHANNELS: readonly Channel[] = ['hotline', 'phone', 'mailbox', 'window', 'portal']
export type ConsultationKind = 'question' | 'suggestion'
export type Outcome = 'answered' | 'ticketed'
