// Personal details beyond phone numbers, ID-card numbers and e-mail addresses, found in text that
// is published (去标识化): numbers spelled in Chinese numerals (一三九零八零八一二三四), QQ and WeChat
// ids, passport numbers, car plates, birth dates, e-mail addresses written to dodge robots
// (zxl(at)163.com), and the last digits of a number (身份证号码最后四位4517, 尾号5678). Works on NFKC
// text (privacy.normalize.ts), so full-width letters, digits and brackets are already plain ASCII.
// Every quantifier is bounded and every pattern starts at a fixed cue or character class: linear.
import { byPattern, type Span, type SpanKind } from './privacy.scan.ts'

const CN_DIGITS: Record<string, string> = { 零: '0', 〇: '0', '○': '0', 一: '1', 幺: '1', 二: '2', 两: '2', 三: '3', 四: '4', 五: '5', 六: '6', 七: '7', 八: '8', 九: '9' }
const isCnDigit = (c: string) => c in CN_DIGITS
const isAsciiDigit = (c: string) => c >= '0' && c <= '9'
const isGap = (c: string) => c === ' ' || c === '-' || (c >= '\u2010' && c <= '\u2015')
/** Seven digits is a local phone number: fewer spelled in Chinese numerals is ordinary text (三三两两, 二〇二六). */
const SPELLED_MIN = 7

const isNumeral = (c: string | undefined) => c !== undefined && (isCnDigit(c) || isAsciiDigit(c))
const digitOf = (c: string) => CN_DIGITS[c] ?? c
/** Four numerals that read as a year (二〇二五, 一九九八): a span of years (二〇二五—二〇二六学年) is no phone. */
const isYear = (text: string, from: number) =>
  from + 4 <= text.length && [...text.slice(from, from + 4)].every(isNumeral) && !isNumeral(text[from + 4])
  && /^(?:19|20)\d\d$/.test([...text.slice(from, from + 4)].map(digitOf).join(''))
/** Counting in numerals (一二三四五六七): every digit one more than the one before. */
const isCounting = (digits: string) => [...digits].every((d, i) => i === 0 || Number(d) === Number(digits[i - 1]) + 1)

/**
 * Numbers written wholly or partly in Chinese numerals: a mobile (一五九九八七六五四三二, 幺三九…),
 * or any other run of seven or more digits (a landline, a QQ number read out).
 */
function spelledNumbers(text: string, out: Span[]) {
  let i = 0
  while (i < text.length) {
    if (!isCnDigit(text[i]) && !isAsciiDigit(text[i])) { i++; continue }
    const start = i
    let digits = ''
    let spelled = false
    let end = i
    let group = i
    while (i < text.length) {
      const c = text[i]
      if (isCnDigit(c)) { digits += CN_DIGITS[c]; spelled = true; end = ++i; continue }
      if (isAsciiDigit(c)) { digits += c; end = ++i; continue }
      if (isGap(c) && i + 1 < text.length && isNumeral(text[i + 1])) {
        if (i - group === 4 && isYear(text, group) && isYear(text, i + 1)) break
        group = ++i
        continue
      }
      break
    }
    i = Math.max(i, start + 1)
    if (!spelled || digits.length < SPELLED_MIN || isCounting(digits)) continue
    const kind: SpanKind = /^(?:86)?1[3-9]\d{9}$/.test(digits) ? 'mobile' : digits.length <= 12 ? 'landline' : 'number'
    out.push({ start, end, kind, value: digits.replace(/^86(?=1[3-9]\d{9}$)/, '') })
  }
}

const ASSIGN = '(?:号码|号|ID|id|账号)?(?:是|为)?[:：]?\\s?'
// A QQ number after its cue: QQ 987654321, 扣扣号：12345678.
const QQ = new RegExp(`(?<![A-Za-z])(?:QQ|qq|Qq|扣扣|企鹅号)${ASSIGN}(\\d{5,12})(?!\\d)`, 'dg')
// A WeChat id after its cue: 微信 liuxm_2020, 微信号zhoumin_88, vx: abc123, 威信…
const WECHAT = new RegExp(`(?<![A-Za-z])(?:微信|威信|薇信|V信|v信|VX|vx|Vx|vX|WX|wx|weixin|WeChat|wechat)${ASSIGN}([A-Za-z][-_A-Za-z0-9]{5,29}|\\d{5,12})(?![-_A-Za-z0-9])`, 'dg')
// A passport or permit number after its cue, and a Chinese passport number on its own (E98765432),
// but not a file or case number written the same way (文号E20251234, 编号G20260001: review 21, M3).
const PASSPORT_CUED = new RegExp(`(?:护照|通行证|签证|居留证|居留许可)${ASSIGN}([A-Za-z]{1,2}\\d{6,9})(?![A-Za-z0-9])`, 'dg')
const PASSPORT = /(?<![A-Za-z0-9])(?<!(?:编号|文号|项目|案号|批号|序号|单号|批文|字号|工号|流水号)(?:为|是)?[:：]?\s?)[EeGg]\d{8}(?![A-Za-z0-9])/g
// A car plate: province, letter, optional dot, five (six for new-energy cars) letters or digits: 渝A12345, 京A·12345, 渝AD12345.
const PLATE = /[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼][A-HJ-NP-Za-hj-np-z][·•・.\s-]?[A-HJ-NP-Za-hj-np-z0-9]{5,6}(?![A-Za-z0-9])/g
// A date of birth: after 出生/生日, or a full date before 出生.
const CN_NUM = '[〇零一二三四五六七八九十]'
const DATE = `(?:\\d{4}年\\d{1,2}月(?:\\d{1,2}[日号])?|\\d{4}[-/.]\\d{1,2}(?:[-/.]\\d{1,2})?|${CN_NUM}{4}年${CN_NUM}{1,2}月(?:${CN_NUM}{1,3}[日号])?|\\d{8})`
const BIRTH_AFTER = new RegExp(`(?:出生日期|出生年月日|出生年月|出生于|出生在|出生|生日|生于)(?:是|为)?[:：]?\\s?(${DATE})`, 'dg')
const BIRTH_BEFORE = new RegExp(`(\\d{4}年\\d{1,2}月\\d{1,2}[日号]|\\d{4}[-/.]\\d{1,2}[-/.]\\d{1,2}|${CN_NUM}{4}年${CN_NUM}{1,2}月${CN_NUM}{1,3}[日号])(?=出生|生人)`, 'dg')
// The last digits of a number: 身份证号码最后四位4517, 手机尾号5678, 后6位是123456.
const LAST_DIGITS = /(?:尾号|尾数|(?:最后|后|末)(?:[一二三四五六七八九十两]|\d{1,2})位)(?:数字|号码|数)?(?:是|为)?[:：]?\s?([\dXx]{3,8})(?![\d])/dg
// An e-mail address written to dodge robots: zxl(at)163.com, zxl艾特163点com, zxl # 163.com, zxl at 163 dot com.
const TLD = '(?:com|cn|net|org|edu|gov|top|vip|cc|io|me|info|biz)(?![A-Za-z])'
const DOT = '(?:\\.|。|点|\\(dot\\)|\\[dot\\]|\\s(?:dot|DOT)\\s)'
const EMAIL_OBFUSCATED = new RegExp(`[A-Za-z0-9][-A-Za-z0-9._%+]{0,63}\\s?(?:\\((?:at|AT|At)\\)|\\[(?:at|AT)\\]|\\{at\\}|<at>|【(?:at|AT)】|艾特|\\s(?:at|AT)\\s|#)\\s?(?:[A-Za-z0-9-]{1,63}\\s?${DOT}\\s?){1,3}${TLD}`, 'g')

/** Every detail above in `text` (NFKC), appended to `out`; scan() sorts them and drops overlaps. */
export function publishedDetails(text: string, out: Span[]) {
  spelledNumbers(text, out)
  byPattern(text, QQ, 'account', out, 1)
  byPattern(text, WECHAT, 'account', out, 1)
  byPattern(text, PASSPORT_CUED, 'passport', out, 1)
  byPattern(text, PASSPORT, 'passport', out)
  // A plate has at least three digits: 京ABCDE is a word, not a plate.
  byPattern(text, PLATE, 'plate', out, 0, (v) => (v.match(/\d/g)?.length ?? 0) >= 3)
  byPattern(text, BIRTH_AFTER, 'birthDate', out, 1)
  byPattern(text, BIRTH_BEFORE, 'birthDate', out, 1)
  byPattern(text, LAST_DIGITS, 'number', out, 1)
  byPattern(text, EMAIL_OBFUSCATED, 'email', out)
}
