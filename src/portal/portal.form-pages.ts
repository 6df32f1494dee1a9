// The pages with forms: asking, suggesting on a document, following a question, feedback.
import type { PublicEntry } from '../kb/kb.public.ts'
import type { PublicTicketStatus } from '../tickets/tickets.public.ts'
import type { AskResult } from './portal.intake.ts'
import { QUESTION_LIMITS, REPLY_CHOICES, type AskForm } from './portal.forms.ts'
import { chineseDate, html, paragraphs, type Html } from './portal.html.ts'
import { chineseDateTime } from '../common/time.ts'
import { errorSummary, fieldState, type FieldError, type Page } from './portal.layout.ts'
import { ratingSlot, type PublicRating } from './portal.rating-slot.ts'

export interface FormState { values: AskForm & { number?: string; code?: string }; errors: FieldError[]; message?: string }
export const emptyForm = (values: FormState['values'] = {}): FormState => ({ values, errors: [] })

/** The fields shared by a question and a suggestion: text, optional contact, preferred reply, honeypot, nonce. */
function askFields(state: FormState, nonce: string, kind: 'question' | 'suggestion'): Html {
  const v = state.values
  const q = fieldState(state.errors, 'question')
  const name = fieldState(state.errors, 'name')
  const phone = fieldState(state.errors, 'phone')
  const reply = fieldState(state.errors, 'preferredReply')
  const chosen = v.preferredReply ?? 'mailbox'
  return html`<input type="hidden" name="nonce" value="${nonce}">
${v.person === '1' ? html`<input type="hidden" name="person" value="1">` : ''}
<div class="field">
<label for="question">${kind === 'suggestion' ? '您的意见建议' : '您的问题'}<span class="req">（必填）</span></label>
<p class="hint" id="question-hint">${QUESTION_LIMITS.min}–${QUESTION_LIMITS.max} 字。请不要写身份证号、银行卡号等个人信息。</p>
${q.message}
<textarea id="question" name="question" rows="6" maxlength="${QUESTION_LIMITS.max}" required aria-required="true"${q.attrs}${q.attrs.text ? '' : html` aria-describedby="question-hint"`}>${v.question ?? ''}</textarea>
</div>
<fieldset class="contact"><legend>联系方式（选填，仅用于答复您，不会公开）</legend>
<div class="field"><label for="name">姓名或称呼</label>${name.message}
<input id="name" name="name" type="text" maxlength="50" autocomplete="name" value="${v.name ?? ''}"${name.attrs}></div>
<div class="field"><label for="phone">联系电话</label>${phone.message}
<input id="phone" name="phone" type="tel" maxlength="20" autocomplete="tel" inputmode="tel" value="${v.phone ?? ''}"${phone.attrs}></div>
</fieldset>
<fieldset class="choices" id="preferredReply"${reply.attrs}><legend>希望的答复方式</legend>${reply.message}
${REPLY_CHOICES.map((c) => html`<label class="choice"><input type="radio" name="preferredReply" value="${c.value}"${c.value === chosen ? html` checked` : ''}> ${c.label}</label>`)}
</fieldset>
<div class="hp" aria-hidden="true"><label for="website">请勿填写此项</label><input id="website" name="website" type="text" tabindex="-1" autocomplete="off"></div>`
}

export function askPage(state: FormState, nonce: string): Page {
  return {
    title: '我要提问', nav: 'ask', noindex: state.errors.length > 0 || Boolean(state.message),
    body: html`<h1>我要提问</h1>
<p>问题会先在问答库中查找；找不到现成答复的，交给政策制定单位，在 <strong>5 个工作日</strong>内答复。提交后您会得到编号和查询码，凭它们查看答复。</p>
${errorSummary(state.errors, state.message)}
<form method="post" action="/ask" class="ask" novalidate>
${askFields(state, nonce, 'question')}
<button type="submit">提交问题</button>
</form>`,
  }
}

export function suggestionForm(documentId: number, state: FormState, nonce: string, open: boolean): Html {
  if (!open) return html`<section aria-labelledby="s-h"><h2 id="s-h">提出意见建议</h2><p>这份文件已失效或废止，不再征集意见建议。</p></section>`
  return html`<section aria-labelledby="s-h" id="suggest"><h2 id="s-h">对这份文件提出意见建议</h2>
<p>建议会交给文件的制定单位研判，一般在 5 个工作日内答复；作出采纳决定后，结果和理由在本页公开（不含个人信息）。</p>
${errorSummary(state.errors, state.message)}
<form method="post" action="/documents/${documentId}/suggestions" class="ask" novalidate>
${askFields(state, nonce, 'suggestion')}
<button type="submit">提交建议</button>
</form></section>`
}

/** The deadline is the end of its day (23:59:59 Beijing time): written as the console shows it, with its minute. */
const deadline = (dueAt: string, provisional: boolean) =>
  html`${chineseDateTime(dueAt)} 截止${provisional ? '（节假日安排尚未公布，暂按工作日估算）' : ''}`

export function askResultPage(r: AskResult, entry?: PublicEntry): Page {
  if (r.outcome === 'answered' && entry) {
    return {
      title: '已为您找到答复', nav: 'ask', noindex: true,
      body: html`<h1>已为您找到答复</h1>
<p>您的问题与问答库中的这条答复一致，已自动答复。</p>
<section class="answer-top" aria-labelledby="answer-h"><h2 id="answer-h"><a href="/qa/${entry.id}">${entry.question}</a></h2>
<div class="answer">${paragraphs(entry.answer)}</div><p class="meta">答复单位：${entry.unit.name}</p></section>
<section aria-labelledby="more-h"><h2 id="more-h">没有解答您的问题？</h2>
<p>请再说明一下您的情况，我们交给政策制定单位人工答复。</p>
<p><a class="button" href="/ask?person=1&amp;q=${encodeURIComponent(r.question)}">请工作人员答复</a></p></section>`,
    }
  }
  const t = r as Extract<AskResult, { outcome: 'ticketed' }>
  const noun = t.kind === 'suggestion' ? '建议' : '问题'
  return {
    title: `${noun}已受理`, nav: 'ask', noindex: true,
    body: html`<h1>您的${noun}已受理</h1>
<div class="receipt" role="status">
<dl>
<dt>编号</dt><dd class="number">${t.number}</dd>
<dt>查询码</dt><dd class="code-value">${t.code}</dd>
<dt>答复期限</dt><dd>${deadline(t.dueAt, t.dueAtProvisional)}（5 个工作日内）</dd>
${t.unitName ? html`<dt>承办单位</dt><dd>${t.unitName}</dd>` : ''}
</dl>
<p><strong>请记下编号和查询码，或截图保存。</strong>凭这两项可在“查询办理进度”查看答复。为保护您的隐私，查询码只在本页显示，不会通过其他方式告知，工作人员也无法查到。</p>
</div>
<p><a class="button" href="/follow?number=${encodeURIComponent(t.number)}">查询办理进度</a> <a href="/">返回首页</a></p>`,
  }
}

export function followPage(state: FormState): Page {
  const n = fieldState(state.errors, 'number')
  const c = fieldState(state.errors, 'code')
  return {
    title: '查询办理进度', nav: 'follow', noindex: Boolean(state.message || state.errors.length),
    body: html`<h1>查询办理进度</h1>
<p>请输入编号和查询码：在本网站提交的，见提交成功时页面上显示的；通过 12345 热线、公开信箱等其他渠道咨询的，为受理时告知您的。</p>
${errorSummary(state.errors, state.message)}
<form method="post" action="/follow" class="follow" novalidate>
<div class="field"><label for="number">编号</label><p class="hint" id="number-hint">如 ZX20251009-0001</p>${n.message}
<input id="number" name="number" type="text" maxlength="30" autocomplete="off" autocapitalize="characters" value="${state.values.number ?? ''}" required${n.attrs}${n.attrs.text ? '' : html` aria-describedby="number-hint"`}></div>
<div class="field"><label for="code">查询码</label><p class="hint" id="code-hint">8 位字母和数字，如 K7QM-3WXA（较早受理的为 6 位数字）</p>${c.message}
<input id="code" name="code" type="text" maxlength="20" autocomplete="off" autocapitalize="characters" required${c.attrs}${c.attrs.text ? '' : html` aria-describedby="code-hint"`}></div>
<button type="submit">查询</button>
</form>`,
  }
}

export function followResultPage(t: PublicTicketStatus, code?: string, rated?: { rating: PublicRating; redone: boolean }): Page {
  const noun = t.kind === 'suggestion' ? '建议' : '问题'
  return {
    title: `办理进度 ${t.number}`, nav: 'follow', noindex: true,
    body: html`<h1>办理进度</h1>
<dl class="facts status">
<dt>编号</dt><dd>${t.number}</dd>
<dt>状态</dt><dd><strong class="status-${t.status}">${t.statusName}</strong>${t.overdue && !t.answer ? html` <span class="tag late">已超过答复期限，正在督办</span>` : ''}</dd>
<dt>受理日期</dt><dd>${chineseDate(t.receivedAt)}</dd>
<dt>答复期限</dt><dd>${deadline(t.dueAt, t.dueAtProvisional)}</dd>
${t.unitName ? html`<dt>承办单位</dt><dd>${t.unitName}</dd>` : ''}
</dl>
<section aria-labelledby="q-h"><h2 id="q-h">您的${noun}</h2><div class="quote">${paragraphs(t.question)}</div></section>
${t.answer ? html`<section aria-labelledby="ans-h"><h2 id="ans-h">答复内容</h2>
${t.decisionName ? html`<p>处理结果：<strong class="decision d-${t.decision}">${t.decisionName}</strong>${t.decisionReason ? html`。理由：${t.decisionReason}` : ''}</p>` : ''}
<div class="answer">${paragraphs(t.answer)}</div><p class="meta">${t.unitName} · ${chineseDate(t.answeredAt)}答复</p></section>
${rated ? '' : ratingSlot(t, code)}` : html`<p>承办单位答复后，答复内容会显示在这里。</p>`}
${rated ? ratingSlot(t, code, rated) : ''}`,
  }
}

export function feedbackPage(verdict: 'helpful' | 'not_helpful', query: string, recorded: boolean): Page {
  if (verdict === 'helpful') {
    return { title: '感谢您的反馈', noindex: true, body: html`<h1>感谢您的反馈</h1><p role="status">${recorded ? '您的评价已记录，它会帮助我们把答复做得更准。' : '这次搜索已经评价过了，谢谢。'}</p><p><a href="/">返回首页</a></p>` }
  }
  return {
    title: '抱歉没能解答您的问题', noindex: true,
    body: html`<h1>抱歉没能解答您的问题</h1><p role="status">${recorded ? '您的评价已记录。' : '这次搜索已经评价过了。'}您可以向我们提问，由政策制定单位在 5 个工作日内答复。</p>
<p><a class="button" href="/ask?person=1&amp;q=${encodeURIComponent(query)}">向我们提问</a></p>`,
  }
}
