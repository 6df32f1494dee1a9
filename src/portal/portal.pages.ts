// The reading pages: home, search, topics, entries, documents, published replies.
import type { EntryBrief, PublicDocument, PublicEntry } from '../kb/kb.public.ts'
import type { PortalService } from './portal.service.ts'
import { chineseDate, chineseMonth, html, MEDIA_NAMES, paragraphs, safeUrl, VALIDITY_NAMES, type Html } from './portal.html.ts'
import { searchForm, type Page } from './portal.layout.ts'
import { excerpt } from './portal.service.ts'

const askLink = (q?: string) => (q ? `/ask?q=${encodeURIComponent(q)}` : '/ask')
const expiredTag = html`<span class="tag expired">政策已失效</span>`

function entryList(items: EntryBrief[], opts: { excerpts?: boolean } = {}) {
  return html`<ol class="entries">${items.map((e) => html`<li>
<a href="/qa/${e.id}">${e.question}</a>${e.inForce ? '' : expiredTag}
${opts.excerpts ? html`<p class="excerpt">${excerpt(e.answer)}</p>` : ''}
<p class="meta">${e.topic?.name ?? ''}${e.topic ? ' · ' : ''}${e.unit.name}</p>
</li>`)}</ol>`
}

export function homePage(data: Awaited<ReturnType<PortalService['home']>>, districtName: string): Page {
  return {
    title: '首页', nav: 'home',
    description: `${districtName}政策问答：搜索政策问题的答复，按领域浏览常见问题，在线提问并查询答复`,
    body: html`<h1 class="visually-hidden">政策问答</h1>
<section class="hero" aria-label="搜索">${searchForm('', { heading: true })}</section>
<div class="columns">
<section aria-labelledby="hot-h"><h2 id="hot-h">大家常问</h2>${entryList(data.mostAsked)}</section>
<section aria-labelledby="topics-h"><h2 id="topics-h">按领域浏览</h2>
<ul class="topics">${data.topics.map((t) => html`<li><a href="/topics/${t.code}">${t.name}<span class="count">${t.entries} 条</span></a></li>`)}</ul>
</section>
</div>
<section class="actions" aria-label="办事入口">
<a class="action" href="/ask"><strong>我要提问</strong><span>没有找到答案，由政策制定单位在 5 个工作日内答复</span></a>
<a class="action" href="/follow"><strong>查询办理进度</strong><span>凭编号和查询码查看答复</span></a>
<a class="action" href="/replies"><strong>答复公开</strong><span>每月公开的代表性留言和答复</span></a>
</section>`,
  }
}

export function searchPage(r: Awaited<ReturnType<PortalService['search']>>): Page {
  const { answer } = r
  return {
    title: r.query ? `“${r.query}”的搜索结果` : '搜索', noindex: true,
    body: html`<h1>${r.query ? '搜索结果' : '搜索政策问答'}</h1>
${searchForm(r.query)}
${answer ? html`<section class="answer-top" aria-labelledby="answer-h">
<h2 id="answer-h">为您找到的答复</h2>
<h3><a href="/qa/${answer.entryId}">${answer.question}</a></h3>
<div class="answer">${paragraphs(answer.answer)}</div>
<p class="meta">答复单位：${answer.unit.name}${answer.topic ? html` · 领域：${answer.topic.name}` : ''}${answer.policy ? html` · 依据：${answer.policy.title}${answer.policy.docNumber ? `（${answer.policy.docNumber}）` : ''}` : ''}</p>
<form class="feedback" method="post" action="/feedback">
<fieldset><legend>这是否解答了您的问题？</legend>
<input type="hidden" name="matchId" value="${r.matchId}"><input type="hidden" name="entryId" value="${answer.entryId}">
<button type="submit" name="verdict" value="helpful">是，已解答</button>
<button type="submit" name="verdict" value="not_helpful" class="secondary">否，没有解答</button>
</fieldset></form>
</section>` : ''}
${r.query && r.results.length === 0 ? html`<section class="empty" aria-live="polite"><h2>没有找到相关的问答</h2>
<p>换个说法再试试，或者直接向我们提问，由政策制定单位答复。</p><p><a class="button" href="${askLink(r.query)}">向我们提问</a></p></section>` : ''}
${r.query && !answer && r.results.length ? html`<p class="ask-more">没有找到确定的答复。看看下面可能相关的问答，或者<a href="${askLink(r.query)}">向我们提问</a>。</p>` : ''}
${r.results.length ? html`<section aria-labelledby="results-h"><h2 id="results-h">${answer ? '其他相关问答' : '可能相关的问答'}（${r.results.length} 条）</h2>
<ol class="entries results">${r.results.map((e) => html`<li>
<a href="/qa/${e.entryId}">${e.question}</a>${e.inForce ? '' : expiredTag}
<p class="excerpt">${e.excerpt}</p>
<p class="meta">${e.topic?.name ?? ''}${e.topic ? ' · ' : ''}${e.unit.name}</p>
</li>`)}</ol></section>` : ''}
${r.query && r.results.length ? html`<p class="ask-more">没有找到需要的答案？<a href="${askLink(r.query)}">向我们提问</a></p>` : ''}`,
  }
}

export function topicsPage(topics: { code: string; name: string; entries: number; top: EntryBrief[] }[]): Page {
  return {
    title: '按领域浏览', nav: 'topics',
    body: html`<h1>按领域浏览</h1>
<p>每个领域列出被问得最多的问题。</p>
${topics.map((t) => html`<section class="topic" aria-labelledby="t-${t.code}">
<h2 id="t-${t.code}"><a href="/topics/${t.code}">${t.name}</a> <span class="count">${t.entries} 条</span></h2>
${entryList(t.top)}
<p><a href="/topics/${t.code}">查看${t.name}的全部问答</a></p>
</section>`)}`,
  }
}

export function topicPage(d: Awaited<ReturnType<PortalService['topic']>>): Page {
  const pages = Math.max(1, Math.ceil(d.total / d.pageSize))
  return {
    title: `${d.topic.name} - 常见问题`, nav: 'topics',
    body: html`<nav class="crumbs" aria-label="位置"><a href="/">首页</a> › <a href="/topics">按领域浏览</a> › <span aria-current="page">${d.topic.name}</span></nav>
<h1>${d.topic.name}</h1>
<p>共 ${d.total} 条，按被问次数排列。</p>
${entryList(d.items, { excerpts: true })}
${pages > 1 ? html`<nav class="pager" aria-label="分页">${d.page > 1 ? html`<a href="/topics/${d.topic.code}?page=${d.page - 1}" rel="prev">上一页</a>` : ''}
<span>第 ${d.page} / ${pages} 页</span>${d.page < pages ? html`<a href="/topics/${d.topic.code}?page=${d.page + 1}" rel="next">下一页</a>` : ''}</nav>` : ''}`,
  }
}

function documentItem(d: PublicDocument): Html {
  const url = safeUrl(d.url)
  return html`<li class="doc">
<a href="/documents/${d.id}">${d.title}</a>
<span class="validity v-${d.validity}">${VALIDITY_NAMES[d.validity]}</span>
<p class="meta">${d.docNumber ? html`<span>文号：${d.docNumber}</span>` : ''}<span>发文单位：${d.issuer}</span>${url ? html`<a href="${url}" rel="noopener external">政策原文</a>` : ''}</p>
${d.interpretations.length ? html`<ul class="media">${d.interpretations.map((i) => {
    const link = safeUrl(i.url)
    return html`<li><span class="kind">${MEDIA_NAMES[i.kind]}</span>${link ? html`<a href="${link}" rel="noopener external">${i.title}</a>` : i.title}</li>`
  })}</ul>` : ''}
</li>`
}

/**
 * An entry's page. One resting only on lapsed documents is still shown at its address, under a
 * 政策已失效 notice and kept out of search engines: a shared link should explain, not break.
 */
export function entryPage(d: { entry: PublicEntry; related: EntryBrief[] }): Page {
  const e = d.entry
  return {
    title: e.question, noindex: !e.inForce,
    description: excerpt(e.answer, 120),
    body: html`<nav class="crumbs" aria-label="位置"><a href="/">首页</a> ›${e.topic ? html` <a href="/topics/${e.topic.code}">${e.topic.name}</a> ›` : ''} <span aria-current="page">问答</span></nav>
<article class="entry">
<h1>${e.question}</h1>
${e.inForce ? '' : html`<div class="notice expired" role="note"><p><strong>政策已失效</strong></p>
<p>这条答复所依据的政策文件均已失效或废止，下面的内容只供了解原政策，不能作为办事依据。</p>
<p><a href="${askLink(e.question)}">就现行政策向我们提问</a></p></div>`}
<section aria-labelledby="a-h"><h2 id="a-h">答复</h2><div class="answer">${paragraphs(e.answer)}</div></section>
<dl class="facts">
<dt>答复单位</dt><dd>${e.unit.name}</dd>
${e.topic ? html`<dt>政策领域</dt><dd><a href="/topics/${e.topic.code}">${e.topic.name}</a></dd>` : ''}
<dt>最近审核</dt><dd>${e.reviewedAt ? html`<time datetime="${e.reviewedAt.slice(0, 10)}">${chineseDate(e.reviewedAt)}</time>` : '—'}</dd>
</dl>
${e.documents.length ? html`<section aria-labelledby="docs-h"><h2 id="docs-h">政策依据</h2><ul class="docs">${e.documents.map(documentItem)}</ul></section>` : ''}
${e.media.length ? html`<section aria-labelledby="media-h"><h2 id="media-h">图解与视频</h2><ul class="media">${e.media.map((m) => {
    const link = safeUrl(m.url)
    return html`<li><span class="kind">${MEDIA_NAMES[m.kind]}</span>${link ? html`<a href="${link}" rel="noopener external">${m.title}</a>` : m.title}</li>`
  })}</ul></section>` : ''}
</article>
${d.related.length ? html`<section aria-labelledby="rel-h"><h2 id="rel-h">相关问答</h2>${entryList(d.related)}</section>` : ''}
<p class="ask-more">没有解决您的问题？<a href="${askLink(e.question)}">向我们提问</a></p>`,
  }
}

export function documentPage(d: Awaited<ReturnType<PortalService['document']>>, form: Html): Page {
  const doc = d.document
  const url = safeUrl(doc.url)
  return {
    title: doc.title, noindex: doc.validity !== 'in_force',
    body: html`<nav class="crumbs" aria-label="位置"><a href="/">首页</a> › <span aria-current="page">政策文件</span></nav>
<h1>${doc.title}</h1>
<dl class="facts">
${doc.docNumber ? html`<dt>文号</dt><dd>${doc.docNumber}</dd>` : ''}
<dt>发文单位</dt><dd>${doc.issuer}</dd>
${doc.publishedOn ? html`<dt>发布日期</dt><dd>${chineseDate(doc.publishedOn)}</dd>` : ''}
${doc.effectiveOn ? html`<dt>施行日期</dt><dd>${chineseDate(doc.effectiveOn)}</dd>` : ''}
${doc.expiresOn ? html`<dt>有效期至</dt><dd>${chineseDate(doc.expiresOn)}</dd>` : ''}
<dt>效力</dt><dd><span class="validity v-${doc.validity}">${VALIDITY_NAMES[doc.validity]}</span></dd>
${url ? html`<dt>原文</dt><dd><a href="${url}" rel="noopener external">查看政策原文</a></dd>` : ''}
</dl>
${doc.interpretations.length ? html`<section aria-labelledby="i-h"><h2 id="i-h">政策解读</h2><ul class="media">${doc.interpretations.map((i) => {
    const link = safeUrl(i.url)
    return html`<li><span class="kind">${MEDIA_NAMES[i.kind]}</span>${link ? html`<a href="${link}" rel="noopener external">${i.title}</a>` : i.title}</li>`
  })}</ul></section>` : ''}
${doc.entries.length ? html`<section aria-labelledby="e-h"><h2 id="e-h">相关问答</h2>${entryList(doc.entries)}</section>` : ''}
<section aria-labelledby="o-h"><h2 id="o-h">意见建议采纳情况</h2>
${d.outcomes.length ? html`<ol class="outcomes">${d.outcomes.map((o) => html`<li>
<p class="summary">${o.summary}</p>
<dl class="facts"><dt>处理结果</dt><dd><strong class="decision d-${o.decision}">${o.decisionName}</strong></dd>
${o.reason ? html`<dt>理由</dt><dd>${o.reason}</dd>` : ''}
<dt>受理日期</dt><dd>${chineseDate(o.receivedAt)}</dd><dt>答复日期</dt><dd>${chineseDate(o.decidedAt)}</dd><dt>答复单位</dt><dd>${o.unitName}</dd></dl>
</li>`)}</ol>` : html`<p>目前还没有已作出采纳决定的建议。</p>`}
</section>
${form}`,
  }
}

export function repliesIndexPage(months: { month: string; items: number }[]): Page {
  return {
    title: '答复公开', nav: 'replies',
    body: html`<h1>答复公开</h1>
<p>每月公开有代表性的群众留言及答复：留言摘要、受理日期、答复日期、答复部门和答复内容。个人信息已去除。</p>
${months.length ? html`<ul class="months">${months.map((m) => html`<li><a href="/replies/${m.month}">${chineseMonth(m.month)}</a> <span class="count">${m.items} 条</span></li>`)}</ul>`
    : html`<p>暂无已公开的答复。</p>`}`,
  }
}

export function repliesMonthPage(list: { month: string; items: { summary: string; receivedOn: string; repliedOn: string | null; unitName: string; answer: string }[] }): Page {
  return {
    title: `${chineseMonth(list.month)}答复公开`, nav: 'replies',
    body: html`<nav class="crumbs" aria-label="位置"><a href="/">首页</a> › <a href="/replies">答复公开</a> › <span aria-current="page">${chineseMonth(list.month)}</span></nav>
<h1>${chineseMonth(list.month)}答复公开</h1>
<ol class="replies">${list.items.map((r, i) => html`<li><article aria-labelledby="r-${i}">
<h2 id="r-${i}" class="h-small">留言摘要</h2><p>${r.summary}</p>
<dl class="facts"><dt>受理日期</dt><dd>${chineseDate(r.receivedOn)}</dd><dt>答复日期</dt><dd>${chineseDate(r.repliedOn)}</dd><dt>答复部门</dt><dd>${r.unitName}</dd></dl>
<h3 class="h-small">答复内容</h3><div class="answer">${paragraphs(r.answer)}</div>
</article></li>`)}</ol>`,
  }
}

export function errorPage(status: number, code: string, message: string): Page {
  const heading = status === 404 ? '没有找到' : status === 429 ? '操作过于频繁' : status >= 500 ? '服务暂时不可用' : '请求未能完成'
  return {
    title: heading, noindex: true,
    body: html`<h1>${heading}</h1><p class="lead">${message}</p><p class="code">错误代码：${code}</p>
<p><a href="/">返回首页</a> · <a href="/ask">向我们提问</a></p>`,
  }
}
