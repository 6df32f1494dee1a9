// Near-miss guards: a confident top candidate is not answered at once when a decisive detail of the
// question differs from the entry's. Lexical similarity cannot see these: 外地企业 and 外商投资 share
// most of their characters, 职工医保 and 居民医保 all but one word.

export interface GuardBlock {
  kind: 'number' | 'negation' | 'person' | 'place'
  /** What the question says and what the entry says, as found. */
  question: string
  entry: string
  /** The reason in an agent's words. */
  message: string
}

const NUMBER_RE = /\d+(?:\.\d+)?|[一二两三四五六七八九十百千万]+(?=[个年月日天岁周号元块万次级期])/g

/** Groups of words that name different kinds of the same thing; one group per line of the table. */
const KINDS: { kind: 'person' | 'place'; label: string; groups: { name: string; words: RegExp }[] }[] = [
  {
    kind: 'person', label: '人员类别',
    groups: [
      { name: '职工', words: /职工|在职|单位缴纳|用人单位参保/ },
      { name: '城乡居民', words: /城乡居民|居民医保|居民养老|居民基本/ },
      { name: '灵活就业人员', words: /灵活就业|个体户|自由职业/ },
      { name: '退休人员', words: /退休人员|已退休/ },
      { name: '学生', words: /学生|在校/ },
    ],
  },
  {
    kind: 'place', label: '地域或来源',
    groups: [
      { name: '外地', words: /外地|外省|外市|外区|异地|省外|市外/ },
      { name: '外商', words: /外商|外资|外国|境外|港澳台/ },
      { name: '本地', words: /本区|本市|本地|本省/ },
    ],
  },
]

const NEGATION_RE = /不能|不可以|不用|无需|不需要|不得|没有|未满|不满|不符合|不是/

function groupsIn(text: string, groups: { name: string; words: RegExp }[]): Set<string> {
  return new Set(groups.filter((g) => g.words.test(text)).map((g) => g.name))
}

/**
 * What blocks an answer at once: compares the question with the entry's texts (the question that
 * matched, its keywords, the start of its answer).
 */
export function nearMissGuards(question: string, entry: { matchedQuestion: string; keywords: readonly string[]; answer: string }): GuardBlock[] {
  const q = question.normalize('NFKC')
  const asked = entry.matchedQuestion.normalize('NFKC')
  const about = [asked, ...entry.keywords, entry.answer.slice(0, 300)].join(' ').normalize('NFKC')
  const blocks: GuardBlock[] = []

  // A number the question gives that the entry never mentions, while the entry names other numbers.
  const qNumbers = [...new Set(q.match(NUMBER_RE) ?? [])]
  const eNumbers = new Set(about.match(NUMBER_RE) ?? [])
  const missing = qNumbers.filter((n) => !eNumbers.has(n))
  const askedNumbers = [...new Set(asked.match(NUMBER_RE) ?? [])]
  if (missing.length && askedNumbers.length && askedNumbers.every((n) => !qNumbers.includes(n))) {
    blocks.push({ kind: 'number', question: missing.join('、'), entry: askedNumbers.join('、'), message: `数字不同：来电说“${missing.join('、')}”，条目问的是“${askedNumbers.join('、')}”` })
  }

  // One side asks whether something can be done, the other whether it cannot.
  const qNeg = NEGATION_RE.exec(q)?.[0]
  const eNeg = NEGATION_RE.exec(asked)?.[0]
  if (Boolean(qNeg) !== Boolean(eNeg)) {
    blocks.push({ kind: 'negation', question: qNeg ?? '（肯定）', entry: eNeg ?? '（肯定）', message: `肯定否定不同：来电${qNeg ? `说“${qNeg}”` : '是肯定问法'}，条目${eNeg ? `说“${eNeg}”` : '是肯定问法'}` })
  }

  // A kind of person or a place the question names that the entry names otherwise.
  for (const k of KINDS) {
    const inQ = groupsIn(q, k.groups)
    const inE = groupsIn(about, k.groups)
    if (inQ.size === 0 || inE.size === 0) continue
    if ([...inQ].some((g) => inE.has(g))) continue
    blocks.push({ kind: k.kind, question: [...inQ].join('、'), entry: [...inE].join('、'), message: `${k.label}不同：来电说的是${[...inQ].join('、')}，条目讲的是${[...inE].join('、')}` })
  }
  return blocks
}
