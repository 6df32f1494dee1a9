// 满意度评价 (issue 21) on the follow-up page: once the reply has been delivered (replied or closed), the
// asker rates it with the number and code they already typed. An unsatisfied rating reopens the
// ticket (重办) by the tickets' own rule; the form says so before it is sent.
import type { PublicTicketStatus } from '../tickets/tickets.public.ts'
import { html, type Html } from './portal.html.ts'
import { RATING_LABELS } from '../tickets/tickets.labels.ts'

export type PublicRating = keyof typeof RATING_LABELS

export function ratingSlot(t: Pick<PublicTicketStatus, 'number' | 'status'>, code?: string, rated?: { rating: PublicRating; redone: boolean }): Html {
  if (rated) {
    return html`<section class="rating" aria-labelledby="rate-h" data-slot="rating"><h2 id="rate-h">您的评价</h2>
<p role="status">已记录您的评价：<strong>${RATING_LABELS[rated.rating]}</strong>。${rated.redone ? '我们已安排重新办理，将在期限内再次答复。' : rated.rating === 'unsatisfied' ? '您的意见已转交督办办公室。' : '感谢您的评价。'}</p></section>`
  }
  if (t.status !== 'replied' && t.status !== 'closed') {
    return html`<p class="hint" data-slot="rating">答复正式送达后，您可以在这里评价办理结果。</p>`
  }
  if (!code) return html``
  return html`<section class="rating" aria-labelledby="rate-h" data-slot="rating"><h2 id="rate-h">对答复是否满意？</h2>
<form method="post" action="/follow/rating" class="rate">
<input type="hidden" name="number" value="${t.number}"><input type="hidden" name="code" value="${code}">
<fieldset><legend>请选择</legend>
<label><input type="radio" name="rating" value="satisfied" required> 满意</label>
<label><input type="radio" name="rating" value="basically_satisfied"> 基本满意</label>
<label><input type="radio" name="rating" value="unsatisfied"> 不满意（将重新办理）</label>
</fieldset>
<div class="field"><label for="rate-comment">意见（可不填，请勿填写个人信息）</label>
<textarea id="rate-comment" name="comment" maxlength="500" rows="3"></textarea></div>
<button type="submit">提交评价</button>
</form></section>`
}
