// Names given without a cue like 我叫, for text that is published: after a word of kinship or role
// (我儿子张子涵在…, 我爸李秀英的…, 老人李秀英75岁), after a verb that names the person told
// (告知周敏积分结果), and the full name of someone who said 我姓郑 (…郑秀兰). A name is a common
// surname (privacy.surnames.ts) and one or two more characters, and it must END where a name ends:
// at punctuation, a digit, a word that follows a name (的, 在, 今年, 积分); after a verb, not before
// another verb (请联系房管局办理), and never at or before the end of a unit's or place's name
// (万州区, 杨家坪, 管委会). Without that end
// the words after a cue are the sentence going on (我儿子高考加分), and nothing is masked. Ordinary
// words that begin like a name (高考, 明年, 方式) are never one. Every pattern is bounded: linear.
import type { Span } from './privacy.scan.ts'
import { COMMON_WORDS, COMPOUND_SURNAMES, SURNAMES } from './privacy.surnames.ts'

const SURNAME = new Set(SURNAMES)
const COMPOUND = new Set(COMPOUND_SURNAMES)

const KIN = '儿子|女儿|孩子|小孩|娃儿|娃娃|娃|孙子|孙女|外孙女|外孙|爸爸|老爸|爸|妈妈|老妈|妈|父亲|母亲|老人家|老人|爱人|丈夫|妻子|老公|老婆|媳妇|'
  + '爷爷|奶奶|外公|外婆|姥姥|姥爷|公公|婆婆|岳父|岳母|哥哥|姐姐|弟弟|妹妹|哥|姐|弟|妹|舅舅|姑姑|叔叔|伯伯|亲戚|家属|配偶|邻居|朋友|同事|同学'
const ROLE = '申请人|当事人|咨询人|来电人|来信人|反映人|患者|病人|学生|职工|员工|村民|业主|租户|小朋友|残疾人|退休人员|死者|逝者'
const VERB = '电话告知|告知|通知|转告|告诉|回复|答复|回电|致电|联系|转交|交给'
// What may stand between the cue and the name: 我儿子叫张三, 老人名叫李四, 我爸是王五.
const FILLER = '(?:名字叫|名字是|名叫|叫做|叫|是|:|：)?'
const CUE = new RegExp(`(?:(?:我|我家|我的|我们家|咱家)(?:的)?(?:${KIN})|${KIN}|${ROLE}|(${VERB}))${FILLER}`, 'g')
// 我姓郑 / 本人姓欧阳: the surname itself, and later the full name that starts with it.
const SURNAME_GIVEN = /(?:我|本人)姓([\u4e00-\u9fa5]{1,2})/dg

// A name ends before these (or before anything that is not a Han character).
const AFTER_NAME = new Set([...'的在是今现已于因去目说想要申办需和与及也都还就从到把被给让向对为了吗呢吧啊岁年等患住读'])
// …or before these words (告知周敏积分结果: 周敏, not 周敏积).
const WORDS_AFTER_NAME = new Set([
  '积分', '结果', '社保', '医保', '户口', '户籍', '身份', '电话', '手机', '同志', '本人', '办理', '申请', '入学', '读书', '上学', '报名',
  '退休', '养老', '住院', '生病', '去世', '老人', '家里', '今年', '现年', '现在', '目前', '已经', '需要', '想问', '咨询', '反映', '所在',
  '就读', '学籍', '先生', '女士', '老师', '小学', '中学', '初中', '高中', '大学', '幼儿', '出生', '生于', '一起', '一直', '一家', '情况', '名下',
])
// After a verb (联系, 告知) the words are as often a unit or a place as a person (请联系房管局办理): there a
// name must end at punctuation, a particle or a word about the person (告知周敏积分结果), not before a
// verb such as 办理 or 咨询 (review 21, M3).
const AFTER_NAME_TOLD = new Set([...'的在是等和与及也都吗呢吧啊'])
const VERB_WORDS = new Set(['办理', '申请', '入学', '读书', '上学', '报名', '退休', '住院', '生病', '去世', '需要', '想问', '咨询', '反映', '所在', '就读', '出生', '生于', '一起', '一直', '已经'])
// Units and places are no names (联系万州区医保局, 联系杨家坪, 可联系管委会咨询): a name neither ends with
// these characters nor stands before the ones, or the words, that end a unit's or a place's name.
const PLACE_LAST = new Set([...'局委办会所院站科处厅部坪沱坝湾镇乡县市省区村街路桥港岩铺溪场馆园校队家'])
const PLACE_NEXT = new Set([...'局委所院站科处厅坪沱坝湾镇乡县市省区村街桥港岩铺溪馆'])
const PLACE_NEXT_WORDS = new Set(['中心', '街道', '社区', '医院', '学校', '政府', '派出', '管委', '居委', '村委', '委员', '办事', '办公', '公司'])
// A given name does not start with these (我爸在家, 孩子的…, 老人年满…).
const NOT_GIVEN = new Set([...'的了是在年月日天号岁元个些点'])

const isHan = (c: string | undefined) => c !== undefined && c >= '\u4e00' && c <= '\u9fa5'
const endsName = (text: string, at: number, told = false) => {
  if (!isHan(text[at])) return true
  const word = text.slice(at, at + 2)
  if (PLACE_NEXT.has(text[at]) || PLACE_NEXT_WORDS.has(word)) return false
  if (told) return AFTER_NAME_TOLD.has(text[at]) || (WORDS_AFTER_NAME.has(word) && !VERB_WORDS.has(word))
  return AFTER_NAME.has(text[at]) || WORDS_AFTER_NAME.has(word)
}
/** Whether `text` from `at` to `end` may be a name that ends there. */
const endsAt = (text: string, end: number, told: boolean) => !PLACE_LAST.has(text[end - 1]) && endsName(text, end, told)

/** The name starting at `at` (a surname and one or two characters that end like a name), or null. */
export function nameAt(text: string, at: number, surnames?: ReadonlySet<string>, told = false): { start: number; end: number } | null {
  const two = text.slice(at, at + 2)
  const surnameLength = surnames ? ([2, 1].find((n) => surnames.has(text.slice(at, at + n))) ?? 0)
    : COMPOUND.has(two) ? 2 : SURNAME.has(text[at]) ? 1 : 0
  if (!surnameLength) return null
  const g = at + surnameLength
  if (!isHan(text[g]) || NOT_GIVEN.has(text[g])) return null
  if (COMMON_WORDS.has(text.slice(at, at + 2)) || COMMON_WORDS.has(text.slice(g, g + 2))) return null
  if (endsAt(text, g + 1, told)) return { start: at, end: g + 1 }
  if (isHan(text[g + 1]) && endsAt(text, g + 2, told)) return { start: at, end: g + 2 }
  return null
}

/** Names given without 我叫 (see above), and the surname of 我姓X, appended to `out`. */
export function namesWithoutCue(text: string, out: Span[]) {
  for (const m of text.matchAll(CUE)) {
    const found = nameAt(text, m.index + m[0].length, undefined, m[1] !== undefined)
    if (found) out.push({ ...found, kind: 'name', value: text.slice(found.start, found.end) })
  }
  const told = new Set<string>()
  for (const m of text.matchAll(SURNAME_GIVEN)) {
    const [start] = (m as RegExpMatchArray & { indices: [number, number][] }).indices[1]
    const surname = COMPOUND.has(m[1]) ? m[1] : m[1][0]
    if (surname.length === 1 && !SURNAME.has(surname)) continue
    out.push({ start, end: start + surname.length, kind: 'titledName', value: surname })
    told.add(surname)
  }
  // The full name of one who told their surname, wherever it occurs (我姓郑，郑秀兰).
  for (const surname of told) {
    for (let at = text.indexOf(surname); at !== -1; at = text.indexOf(surname, at + 1)) {
      const found = nameAt(text, at, told)
      if (found) out.push({ ...found, kind: 'name', value: text.slice(found.start, found.end) })
    }
  }
}

const TITLE = /先生|女士|小姐|老师|同志|阿姨|大爷/g

// Words that stand before a titled name, not in it (向王老师咨询, 请找王老师): a run starting with one is
// not the name, even where the character is a surname too (向).
const BEFORE_TITLED = new Set([...'向找问给请跟同对与和或及由让被把叫'])

/**
 * A surname, or a name, before a title (张女士, 李建国先生, 招生办王老师 → 招生办某老师): the longest
 * run of up to three Han characters before the title that starts with a surname, not crossing an
 * earlier title (王老师或李老师) nor starting with a word such as 向 (向王老师); without a surname,
 * the three characters (or fewer) before it, as before.
 */
export function titledNames(text: string, out: Span[]) {
  let previous = 0
  for (const m of text.matchAll(TITLE)) {
    const t = m.index
    let han = 0
    while (han < 3 && t - han - 1 >= previous && isHan(text[t - han - 1])) han++
    previous = t + m[0].length
    if (!han) continue
    let k = han
    while (k > 0 && !(startsWithSurname(text.slice(t - k, t)) && (k === 1 || !BEFORE_TITLED.has(text[t - k])))) k--
    const start = t - (k || han)
    out.push({ start, end: t, kind: 'titledName', value: text.slice(start, t) })
  }
}

const startsWithSurname = (name: string) => COMPOUND.has(name.slice(0, 2)) || SURNAME.has(name[0])

/** Whether `name` (from 我是王五 / 本人李四) may be one: it starts with a common surname and is no ordinary word (本人银行卡, 本人申请). */
export const mayBeName = (name: string) => startsWithSurname(name) && !COMMON_WORDS.has(name.slice(0, 2))
