import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { apiCall, browserAvailable, createToken, screenshot, signIn, startE2E, type E2E } from './browser.ts'

interface Entry { id: number; question: string; answer: string; similarQuestions: string[]; workingVersion: { version: number; state: string; reviewStep: number | null } | null }

// One server and one browser for the drafting unit and the reviewer: the library's two sides of a proposal.
describe.skipIf(!browserAvailable)('drafting unit and reviewer in Chromium', () => {
  let e: E2E
  let agent: string
  let unit: string
  beforeAll(async () => {
    e = await startE2E()
    agent = await createToken(e.server.url, { name: '12345 热线坐席 3 号', role: 'agent' })
    unit = await createToken(e.server.url, { name: '人社局政策解读专员', role: 'unit', unitCode: 'rsj' })
  }, 120_000)
  afterAll(async () => { await e?.close() })

  describe('the drafting unit', () => {
    /** A ticket for 区人力社保局, registered by an agent as the hotline would. */
    async function ticketFor(question: string) {
      const r = await apiCall(e.server.url, 'POST', '/consultations', {
        channel: 'hotline', question, openTicket: true, unitCode: 'rsj', asker: { name: '王建国', phone: '13812345678', preferredReply: 'phone' },
      }, agent)
      return r.ticket as { id: number; number: string }
    }

    async function openTicket(number: string) {
      await e.page.getByRole('menuitem', { name: '待办工单' }).click()
      await e.page.getByLabel('查找工单').fill(number)
      await e.page.getByLabel('查找工单').press('Enter')
      await e.page.getByRole('button', { name: `办理 ${number}` }).click()
      await e.page.getByRole('dialog', { name: `工单 ${number}` }).waitFor()
    }

    beforeAll(async () => {
      await ticketFor('失业保险金领完以后，还能再申请职业技能提升补贴吗')
      await signIn(e.page, e.server.url, unit)
    })

    it('lists its tickets by due date with the remaining working days', async () => {
      await ticketFor('社保断缴三个月，对以后退休领养老金有什么影响')
      await e.page.getByRole('menuitem', { name: '待办工单' }).click()
      await e.page.getByRole('button', { name: '查询' }).click()
      const rows = e.page.locator('.el-table__body tr')
      await expect.poll(() => rows.count()).toBeGreaterThanOrEqual(2)
      expect(await rows.first().innerText()).toMatch(/剩 \d+ 个工作日|今日到期|已超期/)
      const due = await rows.evaluateAll((trs) => trs.map((tr) => tr.querySelectorAll('td')[3]?.textContent ?? ''))
      expect([...due].sort()).toEqual(due)
      await screenshot(e.page, 'unit-inbox')
    })

    it('answers a ticket and records the reply to the asker', async () => {
      const t = await ticketFor('灵活就业人员的社保补贴，今年什么时候开始申请')
      await openTicket(t.number)
      const answer = e.page.getByLabel('答复内容')
      await answer.fill('2025 年度灵活就业社保补贴自 3 月 1 日起在“渝快办”申请，每季度审核一次，审核通过后次月发放。')
      await e.page.keyboard.press('Control+Enter')
      await expect.poll(async () => (await apiCall(e.server.url, 'GET', `/tickets/${t.id}`)).status).toBe('answered')
      await screenshot(e.page, 'unit-ticket')

      await e.page.getByRole('button', { name: '登记回复咨询人' }).click()
      await e.page.getByLabel('备注').fill('已电话告知申请时间和渠道')
      await e.page.getByRole('button', { name: '登记已回复' }).click()
      await expect.poll(async () => (await apiCall(e.server.url, 'GET', `/tickets/${t.id}`)).status).toBe('replied')
      const ticket = await apiCall(e.server.url, 'GET', `/tickets/${t.id}`)
      expect(ticket.reply.method).toBe('phone')
      await e.page.keyboard.press('Escape')
    })

    it('corrects the public summary of a suggestion already replied to', async () => {
      const r = await apiCall(e.server.url, 'POST', '/consultations', {
        channel: 'hotline', kind: 'suggestion', question: '建议把灵活就业社保补贴的申请时间延长到每月月底，我是王建国，电话13812345678', openTicket: true, unitCode: 'rsj',
      }, agent)
      const t = r.ticket as { id: number; number: string }
      await apiCall(e.server.url, 'POST', `/tickets/${t.id}/answer`, { answer: '已研究，下季度起延长。', decision: 'adopted', decisionReason: '便于群众申请', publicSummary: '建议延长申请时间，我是王建国' }, unit)
      await apiCall(e.server.url, 'POST', `/tickets/${t.id}/reply`, { method: 'phone' }, unit)
      // Replied: among the unit's done tickets, no longer its open ones.
      await e.page.getByRole('menuitem', { name: '待办工单' }).click()
      await e.page.getByText('已回复/已办结').click()
      await e.page.getByLabel('查找工单').fill(t.number)
      await e.page.getByLabel('查找工单').press('Enter')
      await e.page.getByRole('button', { name: `办理 ${t.number}` }).click()
      await e.page.getByRole('dialog', { name: `工单 ${t.number}` }).waitFor()
      await e.page.getByRole('button', { name: '修改公开摘要' }).click()
      const summary = e.page.getByLabel('公开摘要')
      await summary.fill('')
      await e.page.getByRole('button', { name: '保存公开摘要' }).click()
      await e.page.getByText('请填写在政策文件页面公开的建议内容').waitFor()
      await summary.fill('建议把灵活就业社保补贴的申请时间延长到每月月底')
      await e.page.getByRole('button', { name: '保存公开摘要' }).click()
      await expect.poll(async () => (await apiCall(e.server.url, 'GET', `/tickets/${t.id}`)).suggestion.publicSummary).toBe('建议把灵活就业社保补贴的申请时间延长到每月月底')
      await e.page.getByText('政策文件页面公开的建议内容：建议把灵活就业社保补贴的申请时间延长到每月月底').waitFor()
      expect((await apiCall(e.server.url, 'GET', `/tickets/${t.id}`)).status).toBe('replied')
      await e.page.keyboard.press('Escape')
      await e.page.getByText('待办', { exact: true }).click()
    })

    it('proposes the answer for the library, showing the de-identified draft before it goes to review', async () => {
      const t = await ticketFor('我叫王建国，电话13812345678，住在渝兴区龙湖街道12号，想问在新加坡工作过的年限能不能算进本地工龄')
      await apiCall(e.server.url, 'POST', `/tickets/${t.id}/answer`, { answer: '境外工作年限不能直接计入本区社保缴费年限，可凭境外工作证明办理工龄认定。王建国可拨打 13812345678 咨询进度。' }, unit)
      await openTicket(t.number)
      await e.page.getByRole('button', { name: '转入问答库' }).click()
      const dialog = e.page.getByRole('dialog', { name: '转入问答库' })
      const question = dialog.getByLabel('去标识化后的问题')
      await question.waitFor()
      const shown = await question.inputValue()
      expect(shown).not.toContain('13812345678')
      expect(shown).not.toContain('王建国')
      expect(shown).toContain('新加坡')
      // The unit turns the caller's words into a standard question before it goes to review.
      await question.fill('在境外工作的年限能否计入本区社保缴费年限或工龄？')
      const answer = dialog.getByLabel('去标识化后的答复')
      expect(await answer.inputValue()).not.toContain('13812345678')
      await answer.fill('境外工作年限不能直接计入本区社保缴费年限，可凭境外工作证明向区人力社保局申请工龄认定。')
      await screenshot(e.page, 'unit-promote')

      // With no close entry the draft is already written and only needs submitting; with one, it is offered first.
      const submit = dialog.getByRole('button', { name: /核对无误，提交审核|仍新建条目并提交审核/ })
      await submit.click()
      const done = dialog.getByText(/条目 #\d+ 并?已?提交审核|已新建条目 #\d+ 并提交审核/)
      await done.waitFor()
      const entryId = Number(/#(\d+)/.exec(await done.innerText())![1])
      const entry = await apiCall(e.server.url, 'GET', `/entries/${entryId}/versions`)
      const latest = entry.items.reduce((a: any, b: any) => (b.version > a.version ? b : a))
      expect(latest.state).toBe('in_review')
      expect(latest.answer).toContain('向区人力社保局申请工龄认定')
      expect(latest.question).toBe('在境外工作的年限能否计入本区社保缴费年限或工龄？')
      expect((await apiCall(e.server.url, 'GET', `/tickets/${t.id}`)).promotedEntryId).toBe(entryId)
      await dialog.getByRole('button', { name: '完成' }).click()
      await e.page.keyboard.press('Escape')

      await e.page.getByRole('menuitem', { name: '本单位条目' }).click()
      await e.page.locator('label.el-radio-button', { hasText: '审核中' }).click()
      const row = e.page.locator('.el-table__body tr', { hasText: '在境外工作的年限' })
      await row.waitFor()
      expect(await row.innerText()).toMatch(/审核中（待初审）/)
      await screenshot(e.page, 'unit-entries')
    })
  })

  describe('the reviewer', () => {
    let page = 1

    /** The unit revises one of its published entries and sends the new version to review. */
    async function revise(change: (entry: Entry) => Record<string, unknown>): Promise<Entry> {
      const { items: [entry] } = await apiCall<{ items: Entry[] }>(e.server.url, 'GET', `/entries?unit=rsj&status=published&pageSize=1&page=${page++}`)
      await apiCall(e.server.url, 'PATCH', `/entries/${entry.id}`, { ...change(entry), changeNote: '补充线上办理渠道' }, unit)
      await apiCall(e.server.url, 'POST', `/entries/${entry.id}/submit`, {}, unit)
      return entry
    }
    const item = (question: string) => e.page.locator('button.item', { hasText: question })

    beforeAll(async () => {
      const reviewer = await createToken(e.server.url, { name: '区政府办公室初审员', role: 'reviewer', reviewStep: 0 })
      await signIn(e.page, e.server.url, reviewer)
    })

    it('shows the change against the published version and approves it to the next step', async () => {
      const entry = await revise((x) => ({ answer: `${x.answer}也可在“渝快办”平台线上办理。`, similarQuestions: [...x.similarQuestions, '这个能在网上办吗'] }))
      await e.page.getByRole('button', { name: '刷新' }).click()
      await item(entry.question).click()
      await expect.poll(() => e.page.locator('.detail h2').innerText()).toBe(entry.question)
      expect(await e.page.locator('.detail ins').allInnerTexts()).toContain('也可在“渝快办”平台线上办理。')
      expect(await e.page.locator('.detail li.add').allInnerTexts()).toEqual([expect.stringContaining('这个能在网上办吗')])
      await screenshot(e.page, 'review')

      await e.page.getByRole('button', { name: '通过' }).click()
      await expect.poll(async () => (await apiCall<Entry>(e.server.url, 'GET', `/entries/${entry.id}`)).workingVersion?.reviewStep).toBe(1)
      await item(entry.question).waitFor({ state: 'detached' })
    })

    it('returns a version to the unit only with a comment', async () => {
      const entry = await revise((x) => ({ answer: x.answer.replace(/。/, '，具体以窗口答复为准。') }))
      await e.page.getByRole('button', { name: '刷新' }).click()
      await item(entry.question).click()
      await e.page.getByRole('button', { name: '退回单位' }).click()
      await e.page.getByText('退回须填写审核意见').waitFor()
      await e.page.getByLabel('审核意见').fill('“以窗口答复为准”过于笼统，请写明办理窗口和所需材料。')
      await e.page.getByRole('button', { name: '退回单位' }).click()
      await expect.poll(async () => (await apiCall<Entry>(e.server.url, 'GET', `/entries/${entry.id}`)).workingVersion?.state).toBe('returned')
      const { items } = await apiCall(e.server.url, 'GET', `/entries/${entry.id}/versions`)
      const trail = items.flatMap((v: { trail: { action: string; comment: string | null }[] }) => v.trail)
      expect(trail).toContainEqual(expect.objectContaining({ action: 'return', comment: '“以窗口答复为准”过于笼统，请写明办理窗口和所需材料。' }))
    })
  })
})
