// One ticket, read in the four places the office reads it: the ticket list (/tickets), the ledger
// (/ledger), and the ledger exported as CSV and as xlsx. Each must show the same status label and the
// same masked question, and the label must be the one the console is served (/meta/labels). They
// once drifted apart (待交办 in one, 已登记 in the other); this keeps them together.
// Through the project's loader, so its reader fixes are in place whichever test file loads exceljs first.
import { exceljs } from '../src/common/exceljs.ts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createKit, type Kit } from '../src/tickets/tickets.testkit.ts'
import { parseCsv } from '../src/stats/csv.ts'
import { LEDGER_HEADER } from '../src/stats/ledger.rows.ts'
const ExcelJS = exceljs()

const QUESTION = '我叫李建国，电话13912345678，身份证50011219850312123X，失业保险金怎么领？'

async function xlsxRows(payload: Buffer): Promise<string[][]> {
  const wb = new ExcelJS.Workbook()
  await wb.xlsx.load(payload as unknown as ArrayBuffer)
  const rows: string[][] = []
  wb.getWorksheet('登记台账')!.eachRow((row) => {
    rows.push(Array.from({ length: LEDGER_HEADER.length }, (_, i) => String(row.getCell(i + 1).value ?? '')))
  })
  return rows
}

describe('one ticket reads the same in /tickets, /ledger and the exports', () => {
  let k: Kit
  let number: string
  let id: number
  const get = (url: string) => k.call({ method: 'GET', url })

  beforeAll(async () => {
    k = await createKit()
    // No unit named, nothing in the library: the ticket waits at the dispatcher (registered).
    const res = await k.submit({ channel: 'hotline', question: QUESTION, asker: { name: '李建国', phone: '13912345678' } })
    expect(res.status).toBe(201)
    ;({ number, id } = res.body.ticket)
  })
  afterAll(async () => { await k.close() })

  /** What each place shows of the ticket: its status label and its question. */
  async function shown() {
    const ticket = (await get('/api/v1/tickets?pageSize=100')).json().items.find((t: { id: number }) => t.id === id)
    const ledger = (await get('/api/v1/ledger')).json().items.find((r: { id: number }) => r.id === id)
    const csv = parseCsv((await get('/api/v1/ledger/export?format=csv')).rawPayload.toString('utf8'))
    const xlsx = await xlsxRows((await get('/api/v1/ledger/export?format=xlsx')).rawPayload)
    const column = (label: string) => LEDGER_HEADER.indexOf(label as (typeof LEDGER_HEADER)[number])
    const csvRow = csv.find((r) => r[1] === number)!
    const xlsxRow = xlsx.find((r) => r[1] === number)!
    return {
      status: [ticket.statusName, ledger.statusLabel, csvRow[column('状态')], xlsxRow[column('状态')]],
      question: [ticket.question, ledger.question, csvRow[column('咨询内容')], xlsxRow[column('咨询内容')]],
      asker: [ticket.askerName, ledger.asker.name, csvRow[column('咨询人')], xlsxRow[column('咨询人')]],
    }
  }

  it('while it waits to be handed over, and once it is handed over', async () => {
    const labels = (await get('/api/v1/meta/labels')).json().ticketStatus as { value: string; label: string }[]
    const label = (status: string) => labels.find((l) => l.value === status)!.label
    expect(label('registered')).toBe('待交办')

    const before = await shown()
    expect(new Set(before.status)).toEqual(new Set([label('registered')]))
    expect(new Set(before.question).size).toBe(1)
    expect(before.question[0]).not.toContain('13912345678')
    expect(before.question[0]).not.toContain('50011219850312123X')
    expect(before.question[0]).not.toContain('李建国')
    expect(new Set(before.asker)).toEqual(new Set(['李**']))

    expect((await k.act(id, 'assign', { unitCode: 'rsj' })).status).toBe(200)
    const after = await shown()
    expect(new Set(after.status)).toEqual(new Set([label('assigned')]))
    expect(after.question).toEqual(before.question)
  })
})
