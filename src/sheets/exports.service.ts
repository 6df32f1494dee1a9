// The import templates and the exports of the library and of policy documents, in the template's
// format so that export → edit in Excel → import round-trips.
import type { Viewer } from '../auth/visibility.ts'
import type { KbService } from '../kb/kb.service.ts'
import type { EntryStatus, ExportRecord } from '../kb/kb.types.ts'
import { documentCells, entryCells, SHEET_NAMES, STATUS_LABELS, type SheetKind } from './sheets.columns.ts'
import type { SheetFormat } from './sheets.reader.ts'
import { CONTENT_TYPES, EXAMPLE_MARK, sheetStream, templateBuffer } from './sheets.writer.ts'
import { shanghaiDate, systemClock, type Clock } from '../common/time.ts'

export interface EntryExportQuery { topic?: string; unit?: string; status?: EntryStatus; inForce?: boolean; version?: 'latest' | 'published' }

/** The state a row is exported with: what re-importing it would ask for. */
function statusOf(r: ExportRecord): keyof typeof STATUS_LABELS {
  if (r.entryStatus === 'archived') return 'archived'
  if (r.versionState === 'published' || r.versionState === 'superseded') return 'published'
  return r.versionState === 'in_review' ? 'in_review' : 'draft'
}


// The example row of the entries template is a start-up subsidy question: its 领域 and 承办单位 are
// the library's topic for employment and start-ups and that topic's unit, found by code or name
// (a district names its lists as it likes). Without one that fits they stay blank, never the lists'
// first values, which would teach a wrong pairing to whoever copies the row.
const EXAMPLE_TOPIC = (t: { code: string; name: string }) => t.code === 'employment' || /创业|就业/.test(t.name)
const EXAMPLE_UNIT = (u: { name: string }) => /人力|人社/.test(u.name)

export function createExportsService({ kb, now = systemClock }: { kb: KbService; now?: Clock }) {
  return {
    async template(kind: SheetKind) {
      const { units, topics } = await kb.sync.importLookups()
      const active = units.filter((u) => u.active)
      const topic = topics.find(EXAMPLE_TOPIC)
      const unit = active.find((u) => topic && u.code === topic.defaultUnitCode) ?? (topic ? active.find(EXAMPLE_UNIT) : undefined)
      // The policy documents' example is a 人力社保局 notice: its unit, if the library has one.
      const documentUnit = active.find(EXAMPLE_UNIT)
      const example = kind === 'entries'
        ? [EXAMPLE_MARK, '一次性创业补贴怎么申请？', '创业补贴在哪里申请\n开办小微企业有什么补贴', '首次创办小微企业并正常经营 1 年以上的，可向区就业服务中心申请一次性创业补贴。',
          '创业补贴、小微企业', topic?.name ?? '', unit?.name ?? '', '', '图解：一图读懂创业补贴 https://www.example.gov.cn/tj/1.png', '草稿']
        : [EXAMPLE_MARK, '关于进一步做好稳就业工作的通知', '区人力社保局', '2022-03-01', '2022-03-01', '', '现行有效', 'https://www.example.gov.cn/zcwj/8.html', documentUnit?.name ?? '']
      const lists = [
        ...(kind === 'entries' ? [{ title: '领域', rows: topics.map((t) => [t.name, t.code] as [string, string]) }] : []),
        { title: '承办单位', rows: active.map((u) => [u.name, u.code] as [string, string]) },
      ]
      return { stream: await templateBuffer(kind, example, lists), contentType: CONTENT_TYPES.xlsx, filename: `${SHEET_NAMES[kind]}导入模板.xlsx` }
    },

    /**
     * An unknown unit or topic is refused here, before anything is sent; the rows are read as the file
     * streams. `viewer` gets what it may read of the library (the kb's rule, as in GET /entries).
     */
    async entries(format: SheetFormat, q: EntryExportQuery, viewer: Viewer) {
      const chunks = await kb.sync.exportChunks({ ...q, version: q.version ?? 'latest' }, viewer)
      async function* cells() {
        for await (const chunk of chunks) {
          yield chunk.map((r) => entryCells({ ...r, status: statusOf(r) }))
        }
      }
      return { stream: sheetStream(format, 'entries', cells()), contentType: CONTENT_TYPES[format], filename: `问答库_${shanghaiDate(now())}.${format}` }
    },

    documents(format: SheetFormat) {
      const chunks = kb.sync.documentChunks()
      async function* cells() {
        for await (const chunk of chunks) yield chunk.map((d) => documentCells(d))
      }
      return { stream: sheetStream(format, 'documents', cells()), contentType: CONTENT_TYPES[format], filename: `政策文件_${shanghaiDate(now())}.${format}` }
    },
  }
}

export type ExportsService = ReturnType<typeof createExportsService>
