// Turns rows into what the API shows. Loads in batches: one query per kind of row, not per entry.
import type { Tx } from '../db/client.ts'
import type { Media } from './kb.types.ts'
import type { Content } from './entries.content.ts'
import { isInForce, primaryDocument } from './kb.in-force.ts'
import { createKbRepository } from './kb.repository.ts'
import type { EntryReading } from './kb.reading.ts'
import type { DocRef, EntryRow, Ref, VersionRow } from './kb.repository.ts'

const repo = createKbRepository()

export interface WorkingVersion { version: number; state: VersionRow['state']; reviewStep: number | null; reviewStepName: string | null }

export interface EntryView {
  id: number
  externalId: string | null
  status: EntryRow['status']
  inForce: boolean
  unit: Ref
  topic: Ref | null
  version: number
  versionState: VersionRow['state']
  question: string
  similarQuestions: string[]
  answer: string
  keywords: string[]
  media: Media[]
  policyDocuments: DocRef[]
  publishedVersion: number | null
  latestVersion: number
  workingVersion: WorkingVersion | null
  hitCount: number
  lastHitAt: string | null
  sourceTicketId: number | null
  publishedAt: string | null
  archivedAt: string | null
  createdAt: string
  updatedAt: string
}

/** What the search index needs of one served (published, not archived) entry. */
export interface ServedEntry {
  entryId: number
  externalId: string | null
  question: string
  similarQuestions: string[]
  answer: string
  keywords: string[]
  topic: Ref | null
  unit: Ref
  policy: { title: string; docNumber: string | null; validity: DocRef['validity'] } | null
  policyDocuments: DocRef[]
  inForce: boolean
  version: number
  hitCount: number
}

export const stepNameOf = (steps: readonly string[], step: number | null) => (step === null ? null : steps[step] ?? null)

export function workingOf(v: VersionRow, steps: readonly string[]): WorkingVersion {
  return { version: v.version, state: v.state, reviewStep: v.reviewStep, reviewStepName: stepNameOf(steps, v.reviewStep) }
}

export function contentOf(v: VersionRow, docIds: number[], topics: Map<number, Ref>): Content {
  return {
    question: v.question, similarQuestions: v.similarQuestions, answer: v.answer, keywords: v.keywords,
    topic: v.topicId ? topics.get(v.topicId)?.code ?? null : null, media: v.media, policyDocumentIds: docIds,
  }
}

/**
 * `readBy`: the reader (kb.reading.ts). One who sees an entry only as published gets no trace of the
 * version being written: no workingVersion, and the published version as the latest. Without it,
 * every entry is shown whole (to the actor who has just written it).
 */
export async function entryViews(tx: Tx, rows: readonly EntryRow[], steps: readonly string[], readBy?: EntryReading): Promise<EntryView[]> {
  if (rows.length === 0) return []
  const versions = await repo.versionsForViews(tx, rows.map((r) => r.id))
  const shown = rows.map((r) => {
    const v = versions.get(r.id) ?? {}
    return (r.publishedVersionId ? v.published : undefined) ?? v.latest!
  })
  const docs = await repo.docsOfVersions(tx, shown.map((v) => v.id))
  const unitMap = await repo.unitRefs(tx)
  const topicMap = await repo.topicRefs(tx)
  return rows.map((e, i) => {
    const v = shown[i]
    const latest = versions.get(e.id)?.latest
    const linked = docs.get(v.id) ?? []
    const whole = !readBy || !latest || readBy.whole({ unitId: e.unitId, status: e.status, latestState: latest.state })
    return {
      id: e.id, externalId: e.externalId, status: e.status,
      inForce: isInForce(linked.map((d) => d.validity)),
      unit: unitMap.get(e.unitId)!, topic: v.topicId ? topicMap.get(v.topicId) ?? null : null,
      version: v.version, versionState: v.state,
      question: v.question, similarQuestions: v.similarQuestions, answer: v.answer, keywords: v.keywords, media: v.media,
      policyDocuments: linked,
      publishedVersion: versions.get(e.id)?.published?.version ?? null,
      latestVersion: whole ? e.latestVersion : v.version,
      workingVersion: whole && latest && latest.id !== e.publishedVersionId ? workingOf(latest, steps) : null,
      hitCount: e.hitCount, lastHitAt: e.lastHitAt, sourceTicketId: e.sourceTicketId,
      publishedAt: e.publishedAt, archivedAt: e.archivedAt, createdAt: e.createdAt, updatedAt: e.updatedAt,
    }
  })
}

export async function servedEntries(tx: Tx, entryIds?: readonly number[]): Promise<ServedEntry[]> {
  const rows = await repo.servedRows(tx, entryIds)
  if (rows.length === 0) return []
  // For a full rebuild, one pass over every link beats thousands of IN lists.
  const docs = await repo.docsOfVersions(tx, entryIds === undefined ? undefined : rows.map((r) => r.version.id))
  const unitMap = await repo.unitRefs(tx)
  const topicMap = await repo.topicRefs(tx)
  return rows.map(({ entry, version }) => {
    const linked = docs.get(version.id) ?? []
    const primary = primaryDocument(linked)
    return {
      entryId: entry.id, externalId: entry.externalId,
      question: version.question, similarQuestions: version.similarQuestions, answer: version.answer, keywords: version.keywords,
      topic: version.topicId ? topicMap.get(version.topicId) ?? null : null,
      unit: unitMap.get(entry.unitId)!,
      policy: primary ? { title: primary.title, docNumber: primary.docNumber, validity: primary.validity } : null,
      policyDocuments: linked,
      inForce: isInForce(linked.map((d) => d.validity)),
      version: version.version, hitCount: entry.hitCount,
    }
  })
}
