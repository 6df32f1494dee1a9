// npm run calendar:lunar: writes src/calendar/data/lunar-holidays.json, the days of the statutory
// holidays that follow the lunar calendar or the solar terms (春节: 除夕 and 初一 to 初三; 清明节;
// 端午节; 中秋节) for the years after the last schedule the chinese-days package holds, computed once
// with chinese-days' lunar calendar. Shipped as data because those functions read the host's time
// zone (they give the wrong day west of UTC): this script runs them in Beijing time.
import { execFileSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const OUT = fileURLToPath(new URL('../src/calendar/data/lunar-holidays.json', import.meta.url))
const FIRST = 2025 // the 2024 revision of 全国年节及纪念日放假办法 (除夕 became a day off) applies from 2025
const LAST = 2050

if (process.env.TZ !== 'Asia/Shanghai') {
  execFileSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url)], { stdio: 'inherit', env: { ...process.env, TZ: 'Asia/Shanghai' } })
  process.exit(0)
}
const { getSolarDateFromLunar, getSolarTerms } = await import('chinese-days')

const dayBefore = (date: string) => new Date(Date.parse(`${date}T12:00:00+08:00`) - 86_400_000).toLocaleDateString('sv-SE', { timeZone: 'Asia/Shanghai' })
const dayAfter = (date: string, n: number) => new Date(Date.parse(`${date}T12:00:00+08:00`) + n * 86_400_000).toLocaleDateString('sv-SE', { timeZone: 'Asia/Shanghai' })

const years: Record<string, [date: string, name: string][]> = {}
for (let y = FIRST; y <= LAST; y++) {
  const newYear = getSolarDateFromLunar(`${y}-01-01`).date
  const qingming = getSolarTerms(`${y}-04-01`, `${y}-04-10`).find((t) => t.term === 'pure_brightness')?.date
  if (!qingming) throw new Error(`no 清明 found in April ${y}`)
  years[y] = [
    [dayBefore(newYear), '春节'], [newYear, '春节'], [dayAfter(newYear, 1), '春节'], [dayAfter(newYear, 2), '春节'],
    [qingming, '清明节'],
    [getSolarDateFromLunar(`${y}-05-05`).date, '端午节'],
    [getSolarDateFromLunar(`${y}-08-15`).date, '中秋节'],
  ]
}
writeFileSync(OUT, JSON.stringify(years, null, 0).replace(/\],"/g, '],\n"') + '\n')
console.log(`written ${OUT}: ${FIRST}–${LAST}`)
