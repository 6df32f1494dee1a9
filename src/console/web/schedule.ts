// Reads a year's schedule as an office clerk types it from the State Council's notice:
// one line per day or range, e.g. "2027-02-06~2027-02-12 春节" or "2027-02-14 春节调休上班".

export interface NamedDay { date: string; name: string }
export interface Parsed { days: NamedDay[]; problems: string[] }

const DAY = /^(\d{4}-\d{2}-\d{2})(?:\s*[~～至-]{1,2}\s*(\d{4}-\d{2}-\d{2}))?[\s,，、]+(.+)$/

function valid(day: string): boolean {
  const d = new Date(`${day}T00:00:00Z`)
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === day
}

export function parseDays(text: string, year: number): Parsed {
  const days: NamedDay[] = []
  const problems: string[] = []
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim()
    if (!line) return
    const m = DAY.exec(line)
    if (!m || !valid(m[1]) || (m[2] && !valid(m[2]))) { problems.push(`第 ${i + 1} 行看不懂：“${line}”，应为“2027-01-01 元旦”或“2027-02-06~2027-02-12 春节”`); return }
    const name = m[3].trim()
    const end = m[2] ?? m[1]
    if (end < m[1]) { problems.push(`第 ${i + 1} 行的结束日期早于开始日期`); return }
    for (let d = new Date(`${m[1]}T00:00:00Z`); d.toISOString().slice(0, 10) <= end; d.setUTCDate(d.getUTCDate() + 1)) {
      const date = d.toISOString().slice(0, 10)
      if (!date.startsWith(`${year}-`)) { problems.push(`第 ${i + 1} 行的 ${date} 不在 ${year} 年`); return }
      days.push({ date, name })
    }
  })
  return { days, problems }
}

export function formatDays(days: readonly NamedDay[]): string {
  return days.map((d) => `${d.date} ${d.name}`).join('\n')
}
