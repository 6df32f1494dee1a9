// The frame of every public page, and the form pieces they share.
import { html, Html } from './portal.html.ts'
import { FIELD_LABELS } from './portal.forms.ts'

export interface Site {
  title: string
  districtName: string
  contact: string
  /** Asset URLs with their content hash, so that they can be cached for a year. */
  assets: { css: string; js: string }
}

export interface PageContext {
  site: Site
  /** The large-type, high-contrast mode (适老化), as the asker chose it. */
  large: boolean
  /** The path of this page, for the display toggle to come back to. */
  path: string
}

export interface Page {
  title: string
  body: Html
  description?: string
  /** Pages search engines should not keep: results, forms' answers, lapsed entries. */
  noindex?: boolean
  /** Which menu item is the current page. */
  nav?: 'home' | 'topics' | 'ask' | 'follow' | 'replies'
}

const NAV: { key: NonNullable<Page['nav']>; href: string; label: string }[] = [
  { key: 'home', href: '/', label: '首页' },
  { key: 'topics', href: '/topics', label: '按领域浏览' },
  { key: 'ask', href: '/ask', label: '我要提问' },
  { key: 'follow', href: '/follow', label: '查询办理进度' },
  { key: 'replies', href: '/replies', label: '答复公开' },
]

export function layout(ctx: PageContext, page: Page): string {
  const { site } = ctx
  const title = page.nav === 'home' ? site.title : `${page.title} - ${site.title}`
  return `<!doctype html>${html`<html lang="zh-CN" class="${ctx.large ? 'large' : ''}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<meta name="description" content="${page.description ?? `${site.districtName}政策咨询问答：查政策、问政策、看答复`}">
${page.noindex ? html`<meta name="robots" content="noindex">` : ''}
<link rel="stylesheet" href="${site.assets.css}">
<script src="${site.assets.js}" defer></script>
</head>
<body>
<a class="skip" href="#main">跳到主要内容</a>
<header class="site">
<div class="wrap bar">
<a class="brand" href="/">${site.title}</a>
<form method="post" action="/display" class="display">
<input type="hidden" name="back" value="${ctx.path}">
<button type="submit" name="display" value="${ctx.large ? 'standard' : 'large'}" aria-pressed="${ctx.large ? 'true' : 'false'}">${ctx.large ? '标准字号' : '大字模式'}</button>
</form>
</div>
<nav class="wrap" aria-label="主导航"><ul class="nav">
${NAV.map((n) => html`<li><a href="${n.href}"${n.key === page.nav ? html` aria-current="page"` : ''}>${n.label}</a></li>`)}
</ul></nav>
</header>
<main id="main" class="wrap" tabindex="-1">
${page.body}
</main>
<footer class="site"><div class="wrap">
<p>${site.contact}</p>
<p>${site.districtName} · 本页面不收集 Cookie，选择大字模式时除外 · <a href="/console/">工作人员入口</a></p>
</div></footer>
</body>
</html>`}`
}

/** The search box; with JavaScript it suggests questions as one types (an ARIA combobox). */
export function searchForm(q = '', opts: { autofocus?: boolean; heading?: boolean } = {}) {
  return html`<form class="search" role="search" method="get" action="/search">
<label for="q" class="${opts.heading ? 'lead' : ''}">输入您想了解的政策问题</label>
<div class="search-row">
<input id="q" name="q" type="search" value="${q}" maxlength="200" autocomplete="off" enterkeyhint="search"
 placeholder="例如：灵活就业人员社保补贴怎么申请" data-suggest="/suggest" aria-describedby="q-hint"${opts.autofocus ? html` autofocus` : ''}>
<button type="submit">搜索</button>
</div>
<p id="q-hint" class="hint">用自己的话写就可以，例如“生孩子能领多少钱”。</p>
</form>`
}

export interface FieldError { field: string; message: string }

/** The list of problems at the top of a refused form, each linked to its field. */
export function errorSummary(errors: FieldError[], message?: string) {
  if (errors.length === 0 && !message) return ''
  return html`<div class="error-summary" role="alert" tabindex="-1" id="errors">
<h2>提交未成功</h2>
${errors.length
    ? html`<ul>${errors.map((e) => html`<li><a href="#${e.field}">${FIELD_LABELS[e.field] ?? e.field}：${e.message}</a></li>`)}</ul>`
    : html`<p>${message}</p>`}
</div>`
}

/** aria attributes and the message of one field. */
export function fieldState(errors: FieldError[], field: string) {
  const mine = errors.filter((e) => e.field === field)
  return {
    attrs: mine.length ? html` aria-invalid="true" aria-describedby="${field}-error"` : html``,
    message: mine.length ? html`<p class="field-error" id="${field}-error">${mine.map((e) => e.message).join('；')}</p>` : '',
  }
}
