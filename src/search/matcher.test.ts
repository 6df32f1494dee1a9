import { beforeEach, describe, expect, it } from 'vitest'
import { BODY_CHARS, MAX_QUESTION_PARTS, partsOf } from './retrieval.ts'
import { createMatcher, type MatchDocument, type Matcher } from './matcher.ts'
import { FEATURE_INDEX } from './ranker.ts'
import { loadModel } from './model.ts'
import { createSynonymRewriter, readStartingSynonyms } from './synonyms.ts'
import { commonCharacters } from './tokenizer.ts'
import { parseAssociations, shippedAssociations } from './associations.ts'
import { readDemoData } from '../../seeds/data.ts'

const doc = (id: number, question: string, extra: Partial<MatchDocument> = {}): MatchDocument => ({
  id, question, similarQuestions: [], keywords: [], answer: `${question}的答复。`, topicCode: null, inForce: true, ...extra,
})

const LIBRARY: MatchDocument[] = [
  doc(1, '城乡居民医保怎么缴费', { similarQuestions: ['居民医疗保险在哪里交钱'], topicCode: 'medical' }),
  doc(2, '住房公积金怎么提取', { topicCode: 'housing' }),
  doc(3, '生育津贴怎么申领', { topicCode: 'birth', similarQuestions: ['产假工资找谁领'] }),
  doc(4, '退休后养老金什么时候发放', { topicCode: 'pension' }),
  doc(5, '失业保险金怎么领取', { topicCode: 'employment' }),
  doc(6, '医保卡丢了怎么补办', { topicCode: 'medical' }),
]

describe('matcher', () => {
  let m: Matcher
  beforeEach(() => {
    m = createMatcher({ model: loadModel(), rewrite: createSynonymRewriter(readStartingSynonyms()) })
    for (const d of LIBRARY) m.add(d)
  })

  it('scores a question asked before an entry with its words was added as if asked after', () => {
    const question = '景蓉花苑物业维修基金怎么申请'
    expect(m.match(question).candidates.map((c) => c.id)).not.toContain(7)
    const entry = doc(7, '景蓉花苑物业维修基金怎么申请使用')
    m.add(entry)
    const fresh = createMatcher({ model: loadModel(), rewrite: createSynonymRewriter(readStartingSynonyms()) })
    for (const d of [...LIBRARY, entry]) fresh.add(d)
    const again = m.match(question).candidates[0]
    const expected = fresh.match(question).candidates[0]
    expect(again.id).toBe(7)
    expect(again.score).toBeCloseTo(expected.score, 9)
    expect(again.confidence).toBeCloseTo(expected.confidence, 9)
  })

  it('finds an entry through one of its similar questions and says which one matched', () => {
    const top = m.match('居民医疗保险在哪交钱？').candidates[0]
    expect(top.id).toBe(1)
    expect(top.matchedQuestion).toBe('居民医疗保险在哪里交钱')
  })

  it('reads synonyms and homophone typos as the library words', () => {
    expect(m.match('退休金几号发').candidates[0].id).toBe(4)
    expect(m.match('公基金怎么取出来').candidates[0].id).toBe(2)
    expect(m.match('生娃的津贴怎么领').candidates[0].id).toBe(3)
  })

  it('gives a confidence between 0 and 1 that is high for the same question and low for an unrelated one', () => {
    const same = m.match('住房公积金怎么提取？').candidates[0]
    expect(same.confidence).toBeGreaterThan(0.9)
    const unrelated = m.match('火车票怎么改签').candidates[0]
    expect(unrelated === undefined || unrelated.confidence < 0.5).toBe(true)
    for (const c of m.match('医保怎么交', { limit: 6 }).candidates) {
      expect(c.confidence).toBeGreaterThanOrEqual(0)
      expect(c.confidence).toBeLessThanOrEqual(1)
    }
  })

  it('lists candidates from the likeliest down, their probabilities adding up to at most 1', () => {
    // The demo library: near neighbours there gave a runner-up a higher confidence than the top.
    const demo = createMatcher({ model: loadModel(), rewrite: createSynonymRewriter(readStartingSynonyms()) })
    readDemoData().entries.forEach((e, i) => demo.add(doc(i + 1, e.question, { similarQuestions: e.similarQuestions, keywords: e.keywords, answer: e.answer })))
    for (const q of ['住房公积金提取', '小孩上学户口不在这边咋办', '医保怎么报销', '社保断了怎么办']) {
      const confidences = demo.match(q, { limit: 5 }).candidates.map((c) => c.confidence)
      expect(confidences).toEqual([...confidences].sort((a, b) => b - a))
      expect(confidences.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(1 + 1e-9)
    }
  })

  it('filters by topic', () => {
    const ids = m.match('怎么领取', { topic: 'employment', limit: 10 }).candidates.map((c) => c.id)
    expect(ids).toEqual([5])
  })

  it('forgets a removed entry and serves the new content of a replaced one', () => {
    expect(m.remove(2)).toBe(true)
    expect(m.match('住房公积金怎么提取').candidates.map((c) => c.id)).not.toContain(2)
    m.add(doc(5, '灵活就业人员怎么参加养老保险'))
    const old = m.match('失业保险金怎么领取').candidates.find((c) => c.id === 5)
    expect(old === undefined || old.confidence < 0.5).toBe(true)
    expect(m.match('灵活就业人员参保').candidates[0]).toMatchObject({ id: 5, matchedQuestion: '灵活就业人员怎么参加养老保险' })
    expect(m.size).toBe(5)
  })

  it('suggests entries for a prefix still being typed', () => {
    expect(m.suggest('公积', { limit: 5 }).map((s) => s.id)).toEqual([2])
    const hits = m.suggest('产假工', { limit: 5 })
    expect(hits[0]).toMatchObject({ id: 3, matchedQuestion: '产假工资找谁领' })
    expect(m.suggest('？？', { limit: 5 })).toEqual([])
  })

  it('puts every entry in the bigram view, and takes it out again once removed', () => {
    const reply = doc(20, '', { answer: '网友您好！您反映的“景蓉华苑小区停车收费问题”已收悉，经调查，业委会已召开业主大会。' })
    m.add(reply)
    const query = '景蓉华苑停车收费'
    const gramOf = (id: number) => m.match(query, { limit: 10 }).candidates.find((c) => c.id === id)?.features[FEATURE_INDEX.gramLog]
    expect(gramOf(20)).toBeGreaterThan(0)
    // An entry with a question is in the bigram view too: a typo that cuts the words apart still meets it.
    m.add(doc(21, '景蓉华苑停车收费问题'))
    expect(gramOf(21)).toBeGreaterThan(0)
    m.remove(20)
    expect(m.match(query, { limit: 10 }).candidates.map((c) => c.id)).not.toContain(20)
  })

  it('finds candidates for a question that shares only one character bigram with the library', () => {
    // 公积 alone is no word jieba keeps, but it is a bigram of entry 2.
    expect(m.match('积金', { limit: 5 }).candidates.map((c) => c.id)).toContain(2)
  })

  it('meets a homophone typo through the pinyin view', () => {
    const lib = createMatcher({ model: loadModel() })
    lib.add(doc(1, '不动产登记需要什么材料'))
    lib.add(doc(2, '结婚证丢了怎么补办'))
    lib.add(doc(3, '残疾人证怎么申请'))
    const top = lib.match('不动产登计要带啥', { limit: 3 }).candidates[0]
    expect(top.id).toBe(1)
    expect(top.features[FEATURE_INDEX.soundRR]).toBeGreaterThan(0)
  })

  it('looks for homophones in the question sentence of a letter, not in its long body', () => {
    const lib = createMatcher({ model: loadModel() })
    lib.add(doc(1, '不动产登记需要什么材料'))
    lib.add(doc(2, '结婚证丢了怎么补办'))
    const letter = '领导您好，我家去年在城东买了一套二手房，一直没有时间去办手续，最近孩子要上学了，学校说要看房子的证件，家里人都很着急。请问不动产登计要带啥？'
    const outcome = lib.match(letter, { limit: 2 })
    expect(outcome.candidates[0].id).toBe(1)
    expect(outcome.questions).toEqual(['请问不动产登计要带啥？'])
    const [body, sentence] = partsOf(letter).parts
    expect(body.sentence).toBeNull()
    expect(lib.prepareQuery(body.text, { sounds: false }).prepared).toMatchObject({ pinyin: null, soundGrams: [] })
    expect(sentence.sentence).toBe('请问不动产登计要带啥？')
    expect(lib.prepareQuery('不动产登计要带啥').prepared.soundGrams.length).toBeGreaterThan(0)
  })

  it('reads a homophone typo as the library’s word, so that every feature sees it, and says so', () => {
    const lib = createMatcher({ model: loadModel() })
    lib.add(doc(1, '婚姻登记记录证明怎么开'))
    lib.add(doc(2, '结婚登记要带什么材料'))
    lib.add(doc(3, '残疾人证怎么办理'))
    const outcome = lib.match('要开个婚因证明', { limit: 3 })
    expect(outcome.corrections).toEqual([{ from: '婚因', to: '婚姻' }])
    expect(outcome.candidates[0].id).toBe(1)
    expect(outcome.candidates[0].terms).toContain('婚姻')
    // Typeahead reads it too, while the rest is still being typed.
    expect(lib.suggest('婚因登', { limit: 3 }).map((x) => x.id)).toEqual([1])
    // Once no entry has the word, nothing is corrected to it.
    lib.remove(1)
    expect(lib.match('要开个婚因证明').corrections).toEqual([])
  })

  it('reads a typo as an everyday word the synonyms know, then the synonym as its canonical word', () => {
    const pairs = [{ term: '长护险', canonical: '长期护理保险' }]
    const lib = createMatcher({ model: loadModel(), rewrite: createSynonymRewriter(pairs), soundWords: ['长护险', '长期护理保险'] })
    lib.add(doc(1, '长期护理保险待遇怎么申请'))
    lib.add(doc(2, '家庭养老床位怎么申请'))
    const outcome = lib.match('我妈卧床两年了，长户险咋办', { limit: 2 })
    expect(outcome.corrections).toEqual([{ from: '长户险', to: '长护险' }])
    expect(outcome.candidates[0].id).toBe(1)
    // A matcher made again (a rebuild) still knows the extra words.
    lib.clear()
    lib.add(doc(1, '长期护理保险待遇怎么申请'))
    expect(lib.match('长户险咋办').corrections).toEqual([{ from: '长户险', to: '长护险' }])
  })

  it('scores an entry by the strongest related word it holds, when several phrases name it', () => {
    const related = (text: string) => [
      ...(text.includes('房本') ? [{ phrase: '房本', target: '不动产权证书', weight: 0.8 }] : []),
      ...(text.includes('房产证') ? [{ phrase: '房产证', target: '不动产权证书', weight: 0.9 }] : []),
      ...(text.includes('新房') ? [{ phrase: '新房', target: '商品房', weight: 0.6 }] : []),
    ]
    const lib = createMatcher({ model: loadModel(), related })
    lib.add(doc(1, '如何领取不动产权证书'))
    lib.add(doc(2, '商品房预售资金怎么监管'))
    const q = lib.prepareQuery('新房的房本也就是房产证多久下来').prepared
    expect(q.relatedByWeight.map((r) => r.weight)).toEqual([...q.relatedByWeight.map((r) => r.weight)].sort((a, b) => b - a))
    expect(q.relatedByWeight.filter((r) => r.word === '不动产').map((r) => r.weight)).toEqual([0.9])
    const c = lib.match('新房的房本也就是房产证多久下来', { limit: 2 }).candidates
    expect(c.find((x) => x.id === 1)!.features[FEATURE_INDEX.related]).toBe(0.9)
    expect(c.find((x) => x.id === 2)!.features[FEATURE_INDEX.related]).toBe(0.6)
  })

  it('scores a learned association between a word the question lacks and one it holds (assoc)', () => {
    const associations = parseAssociations('旅馆\t酒店\t0.8\n住宿\t酒店\t0.3\n')
    const withTable = createMatcher({ model: loadModel(), associations })
    const without = createMatcher({ model: loadModel(), associations: new Map() })
    for (const lib of [withTable, without]) {
      lib.add(doc(1, '酒店住宿发票怎么开'))
      lib.add(doc(2, '餐馆发票怎么开'))
    }
    const assocOf = (lib: Matcher, id: number) => lib.match('旅馆发票怎么开', { limit: 2 }).candidates.find((c) => c.id === id)!.features[FEATURE_INDEX.assoc]
    // 旅馆 is the one query word entry 1 lacks, and it stands for 酒店, which entry 1 holds: 0.8 over 1.
    expect(assocOf(withTable, 1)).toBeCloseTo(0.8, 9)
    expect(assocOf(withTable, 2)).toBe(0)
    expect(assocOf(without, 1)).toBe(0)
    // A query word the question holds (住宿, though it stands for 酒店 too) is not counted.
    expect(withTable.match('旅馆住宿发票', { limit: 1 }).candidates[0].features[FEATURE_INDEX.assoc]).toBeCloseTo(0.8, 9)
  })

  it('reads the shipped associations, each pair both ways at its higher strength, and refuses a bad line', () => {
    const table = parseAssociations('甲乙\t丙丁\t0.2\n丙丁\t甲乙\t0.6\n# 注释\n')
    expect(table.get('甲乙')!.get('丙丁')).toBe(0.6)
    expect(table.get('丙丁')!.get('甲乙')).toBe(0.6)
    expect(() => parseAssociations('甲乙\t丙丁\t1.5')).toThrow(/第 1 行/)
    expect(() => parseAssociations('甲乙\t甲乙\t0.5')).toThrow(/第 1 行/)
    expect(shippedAssociations().size).toBeGreaterThan(1000)
  })

  it('reaches an official term from an everyday word through a related term, at its weight', () => {
    const related = (text: string) => (text.includes('房本') ? [{ phrase: '房本', target: '不动产权证书', weight: 0.8 }] : [])
    const lib = createMatcher({ model: loadModel(), related })
    lib.add(doc(1, '新建商品房如何办理不动产权证书'))
    lib.add(doc(2, '商品房预售资金怎么监管'))
    lib.add(doc(3, '二手房交易要交哪些税'))
    const top = lib.match('买了新房房本多久能下来', { limit: 3 }).candidates[0]
    expect(top.id).toBe(1)
    expect(top.features[FEATURE_INDEX.related]).toBe(0.8)
    // Without the related term the same question does not reach it through that word.
    const plain = createMatcher({ model: loadModel() })
    for (const d of [doc(1, '新建商品房如何办理不动产权证书'), doc(2, '商品房预售资金怎么监管')]) plain.add(d)
    expect(plain.match('房本', { limit: 3 }).candidates.map((c) => c.id)).not.toContain(1)
  })

  it('reads a long letter by its question sentences and says which sentence each entry answers', () => {
    const letter = '领导您好！我是一名外卖骑手，去年从外省来到本区工作，租住在城中村，平时工作很忙，家里老人身体也不太好。' +
      '请问灵活就业人员怎么参加养老保险？另外，我老婆下个月要生孩子，生育津贴怎么申领？盼复，谢谢！'
    const { candidates, questions } = m.match(letter, { limit: 5 })
    expect(questions).toEqual(['请问灵活就业人员怎么参加养老保险？', '另外，我老婆下个月要生孩子，生育津贴怎么申领？'])
    const birth = candidates.find((c) => c.id === 3)
    expect(birth?.matchedSentence).toBe('另外，我老婆下个月要生孩子，生育津贴怎么申领？')
    expect(candidates.slice(0, 2).map((c) => c.id)).toContain(3)
  })

  it('looks a letter up without the characters common anywhere (一、去、人), but a short question with them', () => {
    expect(commonCharacters().has('去')).toBe(true)
    expect(commonCharacters().has('人')).toBe(true)
    expect(commonCharacters().has('工')).toBe(false)
    const lib = createMatcher({ model: loadModel() })
    lib.add(doc(1, '住房公积金去哪里提取'))
    lib.add(doc(2, '结婚登记要带什么材料'))
    const letter = '我今年想去买房，同事说可以去用住房公积金，我上周去了一趟，人很多，排了一上午的队，下次不想再去了，家里人都说去一次就要办好，我想把这件事情办完。'
    const top = lib.match(letter, { limit: 1 }).candidates[0]
    expect(top.id).toBe(1)
    expect(top.terms).toContain('住房公积金')
    expect(top.terms).not.toContain('去')
    expect(lib.match('公积金去哪提', { limit: 1 }).candidates[0].terms).toContain('去')
  })

  it('reads a letter’s first three question sentences on their own, and still lists every question', () => {
    const letter = '领导您好，我在区里一家公司上班已经五年了，最近公司说要搬到外地去，很多同事都很担心以后的工作。请问公司搬走了劳动合同还算数吗？不去外地的话能拿到经济补偿吗？补偿按几年工资算？社保会不会断缴？谢谢。'
    const { parts, questions } = partsOf(letter)
    expect(questions).toHaveLength(4)
    expect(parts.map((p) => p.sentence)).toEqual([null, ...questions.slice(0, MAX_QUESTION_PARTS)])
    expect(MAX_QUESTION_PARTS).toBe(3)
  })

  it('reads a long letter’s body up to BODY_CHARS, and still reads what it asks further on', () => {
    const story = '我家住在老城区，房子是父母留下的，这些年一直在外地打工，很少回来。'
    const filler = story.repeat(Math.ceil(BODY_CHARS / story.length) + 2)
    const letter = `${filler}请问医保卡丢了去哪里补办？`
    const { parts, questions } = partsOf(letter)
    expect(parts[0].text.length).toBe(BODY_CHARS)
    expect(letter.startsWith(parts[0].text)).toBe(true)
    expect(questions).toEqual(['请问医保卡丢了去哪里补办？'])
    expect(parts[1].sentence).toBe('请问医保卡丢了去哪里补办？')
    // The question at the end, past the body that is read, still finds its entry.
    const { candidates } = m.match(letter, { limit: 1 })
    expect(candidates[0]).toMatchObject({ id: 6, matchedSentence: '请问医保卡丢了去哪里补办？' })
    // A fourth question past the cut, which gets no part of its own, is read at the end of the body.
    const asks = '请问补办要多久？需要带身份证吗？可以网上办吗？'
    const late = `${asks}${filler}生育津贴怎么申领？`
    const [lateBody, ...own] = partsOf(late).parts
    expect(own.map((p) => p.sentence)).toEqual(['请问补办要多久？', '需要带身份证吗？', '可以网上办吗？'])
    expect(lateBody.text.length).toBeLessThanOrEqual(BODY_CHARS)
    expect(lateBody.text.endsWith('生育津贴怎么申领？')).toBe(true)
    expect(m.match(late, { limit: 3 }).candidates.map((c) => c.id)).toContain(3)
    // A character outside the BMP at the edge is never cut in half.
    const astral = `${'医'.repeat(BODY_CHARS - 1)}𠮷${'保'.repeat(100)}`
    const [body] = partsOf(astral).parts
    expect(body.text).toBe('医'.repeat(BODY_CHARS - 1))
  })

  it('matches a long text with no question in it as a whole', () => {
    const text = '本人于今年三月在本区办理了失业登记，此后一直在家待业，听说失业保险金可以按月领取，我已经缴纳失业保险满三年，单位也出具了解除劳动合同的证明，材料都准备好了。'
    const { candidates, questions } = m.match(text, { limit: 3 })
    expect(questions).toEqual([])
    expect(candidates[0]).toMatchObject({ id: 5, matchedSentence: null })
  })

  it('accepts emoji and rare characters without harm', () => {
    expect(m.match('😀住房公积金怎么提取𠀀').candidates[0].id).toBe(2)
  })
})
