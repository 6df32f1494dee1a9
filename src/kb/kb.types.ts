// The kb module's public types: what other modules may name without reading its tables.

/** A policy document's 效力: 现行有效 (in_force), 失效 (expired), 废止 (repealed). */
export type Validity = 'in_force' | 'expired' | 'repealed'
/** Media attached to an entry (A5): 图解 image, 动画 animation, 短视频 video. */
export type MediaKind = 'image' | 'animation' | 'video'
export interface Media { kind: MediaKind; title: string; url: string }
export type EntryStatus = 'draft' | 'in_review' | 'published' | 'archived'

/** One entry of a spreadsheet export, as the kb service's exportChunks yields it. */
export type { ExportRecord } from './sync.repository.ts'
