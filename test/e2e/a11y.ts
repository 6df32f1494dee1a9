/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
// An accessibility check run inside the page, in the same Chromium as the e2e tests. axe-core is
// used when it is installed (`npm i -D axe-core`: only serious and critical violations fail);
// without it, the checks below cover the rules the public pages can break: names of controls and
// links, labels, document language and title, one h1 and no skipped heading levels, landmarks,
// unique ids and the ids ARIA refers to, and WCAG AA text contrast (4.5:1, 3:1 for large text).
import { createRequire } from 'node:module'
import { readFileSync } from 'node:fs'
import type { Page } from 'playwright-core'

export interface Violation { rule: string; impact: 'serious' | 'critical'; target: string; detail: string }

function axeSource(): string | undefined {
  try { return readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8') } catch { return undefined }
}

export async function accessibilityViolations(page: Page): Promise<Violation[]> {
  const axe = axeSource()
  if (axe) {
    // Evaluated through the DevTools protocol, which the page's Content-Security-Policy (script-src 'self') does not govern.
    await page.evaluate(axe)
    const result = await page.evaluate(async () => (window as unknown as { axe: { run(): Promise<{ violations: { id: string; impact: string; nodes: { target: string[]; failureSummary: string }[] }[] }> } }).axe.run())
    return result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .flatMap((v) => v.nodes.map((n) => ({ rule: v.id, impact: v.impact as Violation['impact'], target: n.target.join(' '), detail: n.failureSummary })))
  }
  // tsx/esbuild may wrap named functions in __name(): give the page a stand-in.
  await page.evaluate('window.__name = window.__name || ((f) => f)')
  return page.evaluate(inPageChecks)
}

/** Runs in the browser: keep it self-contained. */
function inPageChecks(): Violation[] {
  const out: Violation[] = []
  const add = (rule: string, impact: Violation['impact'], el: Element | null, detail: string) =>
    out.push({ rule, impact, target: el ? describe(el) : 'document', detail })
  function describe(el: Element) {
    return `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}${el.className && typeof el.className === 'string' ? `.${el.className.trim().split(/\s+/).join('.')}` : ''}`
  }
  const visible = (el: Element) => {
    const s = getComputedStyle(el)
    const r = (el as HTMLElement).getBoundingClientRect()
    return s.display !== 'none' && s.visibility !== 'hidden' && !(el as HTMLElement).hidden && (r.width > 1 || r.height > 1) && !el.closest('[aria-hidden="true"]')
  }
  const text = (el: Element | null) => (el?.textContent ?? '').replace(/\s+/g, ' ').trim()
  function accessibleName(el: Element): string {
    const labelledby = el.getAttribute('aria-labelledby')
    if (labelledby) return labelledby.split(/\s+/).map((id) => text(document.getElementById(id))).join(' ').trim()
    const aria = el.getAttribute('aria-label')
    if (aria?.trim()) return aria.trim()
    if (el.id) {
      const label = document.querySelector(`label[for="${CSS.escape(el.id)}"]`)
      if (label && text(label)) return text(label)
    }
    const wrapping = el.closest('label')
    if (wrapping && text(wrapping)) return text(wrapping)
    if (el instanceof HTMLInputElement && ['submit', 'button'].includes(el.type)) return el.value
    if (el.tagName === 'IMG') return el.getAttribute('alt') ?? ''
    const inner = text(el) || [...el.querySelectorAll('img[alt]')].map((i) => i.getAttribute('alt')).join(' ')
    return inner || el.getAttribute('title') || ''
  }

  const html = document.documentElement
  if (!html.lang) add('html-has-lang', 'serious', html, 'html 元素没有 lang')
  if (!document.title.trim()) add('document-title', 'serious', null, '页面没有标题')
  if (!document.querySelector('main')) add('landmark-one-main', 'serious', null, '没有 main 区域')

  const ids = new Map<string, number>()
  for (const el of document.querySelectorAll('[id]')) ids.set(el.id, (ids.get(el.id) ?? 0) + 1)
  for (const [id, n] of ids) if (n > 1) add('duplicate-id-aria', 'critical', document.getElementById(id), `id ${id} 出现 ${n} 次`)
  for (const el of document.querySelectorAll('[aria-describedby],[aria-labelledby],[aria-controls],[aria-activedescendant]')) {
    for (const attr of ['aria-describedby', 'aria-labelledby', 'aria-controls', 'aria-activedescendant']) {
      for (const id of (el.getAttribute(attr) ?? '').split(/\s+/).filter(Boolean)) {
        if (!document.getElementById(id)) add('aria-valid-attr-value', 'critical', el, `${attr} 指向不存在的 ${id}`)
      }
    }
  }

  for (const el of document.querySelectorAll('input:not([type=hidden]), select, textarea')) {
    if (!visible(el)) continue
    if (!accessibleName(el)) add('label', 'critical', el, '表单控件没有标签')
  }
  for (const el of document.querySelectorAll('button, [role=button], [role=option], [role=combobox]')) {
    if (visible(el) && !accessibleName(el)) add('button-name', 'critical', el, '按钮或选项没有可读名称')
  }
  for (const el of document.querySelectorAll('a[href]')) {
    if (visible(el) && !accessibleName(el)) add('link-name', 'serious', el, '链接没有可读文字')
  }
  for (const el of document.querySelectorAll('img')) if (!el.hasAttribute('alt')) add('image-alt', 'critical', el, '图片没有 alt')

  const headings = [...document.querySelectorAll('h1, h2, h3, h4, h5, h6')].filter(visible).map((h) => ({ h, level: Number(h.tagName[1]) }))
  if (document.querySelectorAll('h1').length !== 1) add('page-has-heading-one', 'serious', null, `h1 有 ${document.querySelectorAll('h1').length} 个`)
  headings.forEach(({ h, level }, i) => {
    if (i > 0 && level > headings[i - 1]!.level + 1) add('heading-order', 'serious', h, `标题从 h${headings[i - 1]!.level} 跳到 h${level}`)
  })

  // Contrast: the text colour against the first opaque background up the tree.
  const rgb = (c: string) => (c.match(/[\d.]+/g) ?? []).map(Number)
  const luminance = ([r, g, b]: number[]) => {
    const f = (v: number) => { const s = v / 255; return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4 }
    return 0.2126 * f(r!) + 0.7152 * f(g!) + 0.0722 * f(b!)
  }
  const background = (el: Element | null): number[] => {
    for (let n = el; n; n = n.parentElement) {
      const c = rgb(getComputedStyle(n).backgroundColor)
      if (c.length >= 3 && (c[3] === undefined || c[3] > 0.9)) return c.slice(0, 3)
    }
    return [255, 255, 255]
  }
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT)
  const seen = new Set<Element>()
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement
    if (!el || seen.has(el) || !node.textContent?.trim() || !visible(el)) continue
    seen.add(el)
    const s = getComputedStyle(el)
    if (s.position === 'absolute' && (el as HTMLElement).getBoundingClientRect().width <= 1) continue
    const fg = rgb(s.color)
    const l1 = luminance(fg.slice(0, 3)); const l2 = luminance(background(el))
    const ratio = (Math.max(l1, l2) + 0.05) / (Math.min(l1, l2) + 0.05)
    const size = parseFloat(s.fontSize)
    const large = size >= 24 || (size >= 18.66 && Number(s.fontWeight) >= 700)
    if (ratio < (large ? 3 : 4.5)) add('color-contrast', 'serious', el, `对比度 ${ratio.toFixed(2)}:1，“${text(el).slice(0, 20)}”`)
  }
  return out
}
