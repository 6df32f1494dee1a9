import { Type } from '@fastify/type-provider-typebox'
import { Code, Id, LIMITS, Nullable, Text } from '../common/schemas.ts'

const Ref = Type.Object({ code: Type.String(), name: Type.String() })
const Range = Type.Object({ start: Type.Integer(), end: Type.Integer() }, { description: '[start, end) 字符位置（UTF-16）' })

export const MatchBody = Type.Object({
  // Blank questions are refused by the service with SEARCH_EMPTY_QUESTION, a clearer code than a pattern failure;
  // control characters are refused here.
  question: Type.String({ maxLength: LIMITS.question, pattern: '^[^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F]*$', description: '咨询问题原文' }),
  topic: Type.Optional(Nullable(Code)),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 20, default: 5 })),
}, { additionalProperties: false })

export const CandidateSchema = Type.Object({
  entryId: Type.Integer(),
  externalId: Nullable(Type.String()),
  question: Type.String({ description: '标准问' }),
  matchedQuestion: Type.String({ description: '匹配上的问法（标准问或某个相似问）' }),
  matchedSentence: Nullable(Type.String({ description: '来信较长时，本条目回答的是其中哪一句提问；整体匹配时为 null' })),
  answer: Type.String(),
  topic: Nullable(Ref),
  unit: Ref,
  policy: Nullable(Type.Object({ title: Type.String(), docNumber: Nullable(Type.String()), validity: Type.String() })),
  inForce: Type.Boolean({ description: '依据的政策文件是否仍现行有效；失效条目不会作为可直接答复的匹配' }),
  score: Type.Number({ description: '重排序得分（仅用于本次排序）' }),
  confidence: Type.Number({ minimum: 0, maximum: 1, description: '匹配正确的概率（已校准，跨问题可比）' }),
  highlights: Type.Object({
    terms: Type.Array(Type.String()),
    question: Type.Array(Range, { description: 'matchedQuestion 中命中的位置' }),
    answer: Type.Array(Range, { description: 'answer 中命中的位置' }),
  }),
}, { title: '匹配候选' })

const Thresholds = Type.Object({ desk: Type.Number(), automatic: Type.Number() })
export const GuardBlockSchema = Type.Object({
  kind: Type.Union([Type.Literal('number'), Type.Literal('negation'), Type.Literal('person'), Type.Literal('place')], { description: 'number 数字/金额，negation 肯定否定，person 人员类别，place 地域或来源' }),
  question: Type.String({ description: '来电（来信）中的说法' }),
  entry: Type.String({ description: '条目中的说法' }),
  message: Type.String({ description: '给坐席看的说明' }),
})
export const DecisionSchema = Type.Object({
  probability: Type.Number({ minimum: 0, maximum: 1, description: '按本库校准后，首个候选正确的估计概率' }),
  label: Type.Union([Type.Literal('很可能是'), Type.Literal('可能是'), Type.Literal('不确定')]),
  level: Type.Union([Type.Literal('automatic'), Type.Literal('desk'), Type.Literal('none')], { description: 'automatic 可无人值守自动答复；desk 坐席可直接答复；none 不宜立即答复' }),
  reason: Type.String({ description: '判断理由（措辞接近、关键词、被拦下的细节等）' }),
  blockedBy: Type.Array(GuardBlockSchema, { description: '因关键细节不同而拦下立即答复的原因' }),
  thresholds: Thresholds,
}, { title: '立即答复的判断' })

export const MatchResultSchema = Type.Object({
  matchId: Type.String(),
  matched: Type.Boolean({ description: '坐席可立即答复：校准概率达到坐席阈值、现行有效、无关键细节不同' }),
  matchedAutomatically: Type.Boolean({ description: '无人值守渠道（公开信箱、门户）也可自动答复：达到更严格的自动阈值' }),
  confidence: Type.Number({ minimum: 0, maximum: 1, description: '同 decision.probability' }),
  decision: DecisionSchema,
  candidates: Type.Array(CandidateSchema),
  questions: Type.Array(Type.String(), { description: '来信较长时识别出的提问句（可能不止一个）；短问题为空数组' }),
  corrections: Type.Array(Type.Object({
    from: Type.String({ description: '问题中的原字' }),
    to: Type.String({ description: '按读音认作的库中词语' }),
  }), { description: '按读音纠正的错别字（如“婚因”按“婚姻”匹配）；没有则为空数组' }),
}, { title: '匹配结果' })

export const SuggestQuery = Type.Object({
  q: Type.String({ minLength: 1, maxLength: 100 }),
  topic: Type.Optional(Code),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 20, default: 8 })),
}, { additionalProperties: false })

export const SuggestResultSchema = Type.Object({
  items: Type.Array(Type.Object({
    entryId: Type.Integer(),
    question: Type.String(),
    matchedQuestion: Type.String(),
    topic: Nullable(Ref),
    inForce: Type.Boolean(),
    highlights: Type.Array(Range),
  })),
}, { title: '输入联想' })

export const MatchIdParams = Type.Object({ matchId: Type.String({ format: 'uuid' }) })

export const FeedbackBody = Type.Union([
  Type.Object({ entryId: Id, matchedQuestion: Type.Optional(Text(LIMITS.question)) }, { additionalProperties: false }),
  Type.Object({ noneFitted: Type.Literal(true) }, { additionalProperties: false }),
], { description: '采用了哪个条目（可注明哪个问法），或 noneFitted: true 表示都不合适' })

export const FeedbackResultSchema = Type.Object({
  matchId: Type.String(),
  usedEntryId: Nullable(Type.Integer()),
  matchedQuestion: Nullable(Type.String()),
  noneFitted: Type.Boolean(),
})

export const MissSchema = Type.Object({
  matchId: Type.String(),
  question: Type.String(),
  topicCode: Nullable(Type.String()),
  confidence: Type.Number(),
  noneFitted: Type.Boolean(),
  createdAt: Type.String(),
})

const SynonymWeight = Type.Number({ minimum: 0.1, maximum: 1, description: '1：同义词（两侧都读作标准词）；小于 1：相关词（如 房本 ~ 不动产权证书 0.8），提问含该词时也按此权重检索标准词' })
export const SynonymSchema = Type.Object({ id: Type.Integer(), term: Type.String(), canonical: Type.String(), weight: Type.Number(), createdAt: Type.String() }, { title: '同义词与相关词' })
export const StartingSynonymsResultSchema = Type.Object({
  added: Type.Integer({ description: '新添加的词语数' }),
  total: Type.Integer({ description: '添加后共有的词语数' }),
  ids: Type.Array(Type.Integer(), { description: '新添加词语的编号' }),
  terms: Type.Array(Type.String(), { description: '新添加的词语（含管理员此前删除、这次重新加回的起始词语）' }),
  hidden: Type.Array(Type.String(), { description: '被某个同义词改写、因而永远找不到的相关词说法：请修改或删除其中之一' }),
}, { title: '补充起始词表的结果' })
export const CreateSynonymBody = Type.Object({ term: Text(50), canonical: Text(50), weight: Type.Optional(SynonymWeight) }, { additionalProperties: false })
export const UpdateSynonymBody = Type.Object({ canonical: Text(50), weight: Type.Optional(SynonymWeight) }, { additionalProperties: false })

export const DictionaryTermSchema = Type.Object({ id: Type.Integer(), term: Type.String(), createdAt: Type.String() }, { title: '词典词条' })
export const CreateDictionaryTermBody = Type.Object({ term: Text(30) }, { additionalProperties: false })

const ReliabilityBin = Type.Object({ from: Type.Number(), to: Type.Number(), n: Type.Integer(), predicted: Type.Number(), observed: Type.Number() })
export const CalibrationSchema = Type.Object({
  method: Type.Union([Type.Literal('library'), Type.Literal('model'), Type.Literal('pinned')], { description: 'library 按本库校准；model 样本不足，沿用模型置信度；pinned 由 MATCH_THRESHOLD 固定阈值' }),
  a: Type.Number(), b: Type.Number(),
  thresholds: Thresholds,
  maxWrong: Thresholds,
  examples: Type.Object({ answerable: Type.Integer(), unanswerable: Type.Integer(), feedback: Type.Integer() }, { description: '校准所用样本数：可答（留一法相似问）、不可答（同一问题去掉其条目）、坐席反馈' }),
  reliability: Type.Array(ReliabilityBin, { description: '可靠性表：每个概率区间的预测与实际正确率' }),
  expected: Type.Object({ desk: Type.Object({ answered: Type.Number(), wrong: Type.Number() }), automatic: Type.Object({ answered: Type.Number(), wrong: Type.Number() }) }, { description: '在校准样本上，各级阈值下立即答复的占比与其中答错的占比' }),
  fittedAt: Type.String(),
}, { title: '立即答复的校准' })
