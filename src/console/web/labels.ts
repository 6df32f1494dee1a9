// The words for the API's codes (ticket status, channel, reply method …), as the service defines them
// once and serves them at GET /meta/labels: the console keeps no copy, so a ticket reads the same here
// as in /ledger and the exported file. Loaded once after sign-in (lookups.ts loadLabels).
import { reactive } from 'vue'

export interface Label { value: string; label: string }
export interface LabelSets { ticketStatus: Label[]; channel: Label[]; kind: Label[]; replyMethod: Label[]; rating: Label[] }

export const labels = reactive<LabelSets>({ ticketStatus: [], channel: [], kind: [], replyMethod: [], rating: [] })

export function setLabels(sets: LabelSets) {
  Object.assign(labels, sets)
}

/** The label of a code; an unknown code shows as itself, a missing one as —. */
export const labelOf = (set: keyof LabelSets) => (value: string | null | undefined): string =>
  (value ? labels[set].find((x) => x.value === value)?.label ?? value : '—')
