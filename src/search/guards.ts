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
      { name: '外地', words: /外地|外省|外市|外区|异地|省外|市外|非本[区市地省]|不在本[区市地省]/ },
      { name: '外商', words: /外商|外资|外国|境外|港澳台/ },
      // 非本地户籍 and 不在本地 are the other side.
      { name: '本地', words: /(?<!非|不在)本[区市地省]/ },
    ],
  },
]

const NEGATION_RE = /不能|不可以|不用|无需|不需要|不得|没有|未满|不满|不符合|不是/
/**
 * Questions asked both ways (能不能, 有没有, 是不是, 可不可以) and a trailing 不 or 没 (能办不, 有事没)
 * ask, they do not deny: taken out before looking for a negation.
 */
const EITHER_WAY_RE = /(.)[不没]\1|有没有|可不可以|[不没](?=[吗呢啊呀吧嘛咯哈]*[？?。！!，,]|[吗呢啊呀吧嘛咯哈]*$)/g

/** A question's last clause, where it asks; nothing for a text too long to be one question. */
function askingClause(text: string): string {
  if (text.length > 60) return ''
  const clauses = text.split(/[，,。；;！!？?\s]+/).filter(Boolean)
  return clauses[clauses.length - 1] ?? ''
}

function groupsIn(text: string, groups: { name: string; words: RegExp }[]): Set<string> {
  return new Set(groups.filter((g) => g.words.test(text)).map((g) => g.name))
}

/**
 * What blocks an answer at once: compares the question (for a letter, the sentence that matched) with
 * the entry's question that matched and its keywords (numbers also with the start of its answer).
 */
export function nearMissGuards(question: string, entry: { matchedQuestion: string; keywords: readonly string[]; answer: string }): GuardBlock[] {
  const q = question.normalize('NFKC')
  const asked = entry.matchedQuestion.normalize('NFKC')
  // What the entry is about is its question and keywords: its answer mentions many places and people in passing.
  const about = [asked, ...entry.keywords].join(' ').normalize('NFKC')
  const blocks: GuardBlock[] = []

  // A number the question gives that the entry never mentions, while the entry names other numbers.
  const qNumbers = [...new Set(q.match(NUMBER_RE) ?? [])]
  const eNumbers = new Set(`${about} ${entry.answer.slice(0, 300).normalize('NFKC')}`.match(NUMBER_RE) ?? [])
  const missing = qNumbers.filter((n) => !eNumbers.has(n))
  const askedNumbers = [...new Set(asked.match(NUMBER_RE) ?? [])]
  if (missing.length && askedNumbers.length && askedNumbers.every((n) => !qNumbers.includes(n))) {
    blocks.push({ kind: 'number', question: missing.join('、'), entry: askedNumbers.join('、'), message: `数字不同：来电说“${missing.join('、')}”，条目问的是“${askedNumbers.join('、')}”` })
  }

  // One side asks whether something can be done, the other whether it cannot. Only the clause that
  // asks counts: 没有单位了，社保怎么交 tells a circumstance, 没有社保能领养老金吗 asks a negated question.
  const clause = askingClause(q)
  const qNeg = NEGATION_RE.exec(clause.replace(EITHER_WAY_RE, ' '))?.[0]
  const eNeg = NEGATION_RE.exec(askingClause(asked).replace(EITHER_WAY_RE, ' '))?.[0]
  if (clause && Boolean(qNeg) !== Boolean(eNeg)) {
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
