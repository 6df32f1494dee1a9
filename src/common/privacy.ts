// Masking and de-identification of askers' personal information (G1, G4).

/** 13812345678 → 138****5678; landlines keep their area code and last four digits. */
export function maskPhone(phone: string | null | undefined): string | null {
  if (!phone) return phone ?? null
  const digits = phone.replace(/\D/g, '')
  if (digits.length >= 11) return `${digits.slice(0, 3)}****${digits.slice(-4)}`
  if (digits.length >= 7) return `${digits.slice(0, Math.max(0, digits.length - 8))}****${digits.slice(-4)}`
  return '****'
}

/** 张三丰 → 张**; a single character stays as it is not identifying alone. */
export function maskName(name: string | null | undefined): string | null {
  if (!name) return name ?? null
  const chars = [...name.trim()]
  if (chars.length <= 1) return '*'
  return chars[0] + '*'.repeat(chars.length - 1)
}

/** zhangsan@example.com → z***@example.com */
export function maskEmail(email: string | null | undefined): string | null {
  if (!email) return email ?? null
  const at = email.indexOf('@')
  if (at <= 0) return '***'
  return `${email[0]}***${email.slice(at)}`
}

const ID_CARD = /(?<![0-9A-Za-z])[1-9]\d{5}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx](?![0-9A-Za-z])/g
const MOBILE = /(?<!\d)(?:\+?86[- ]?)?1[3-9]\d[- ]?\d{4}[- ]?\d{4}(?!\d)/g
const LANDLINE = /(?<!\d)0\d{2,3}[- ]?\d{7,8}(?!\d)/g
const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g
// A street address: an optional district or road, then a number with 号/栋/幢/单元/室/楼.
const ADDRESS = /[\u4e00-\u9fa5]{0,12}(?:路|街|巷|道|大道|胡同|村|镇|小区|花园|苑|社区)[\u4e00-\u9fa5A-Za-z0-9]{0,10}?\d+(?:-\d+)?(?:号|栋|幢|单元|室|楼|弄)(?:[\dA-Za-z一二三四五六七八九十]+(?:号|栋|幢|单元|室|楼|层))*/g
// A name introduced by the asker: 我叫张三 / 本人李四 / 我是王五 / 姓名：赵六
const SELF_NAME = /(我叫|本人叫?|我是|姓名[:：]?|联系人[:：]?)([\u4e00-\u9fa5]{2,3})(?=[，,。.；;\s]|$|，|的|今年|住|电话|手机|身份)/g
// A surname followed by 先生/女士/老师/同志 etc.
const TITLED_NAME = /([\u4e00-\u9fa5])([\u4e00-\u9fa5]{0,2})(先生|女士|小姐|老师|同志|阿姨|大爷)/g

export interface DeidentifyOptions {
  /** Names known from the consultation record, removed wherever they appear. */
  knownNames?: (string | null | undefined)[]
}

/**
 * Removes or masks what identifies a person in free text: ID-card numbers, phone numbers,
 * e-mail addresses, street addresses and names. Used on promoted entries and in exports.
 */
export function deidentify(text: string, opts: DeidentifyOptions = {}): string {
  let out = text
  for (const name of opts.knownNames ?? []) {
    if (name && name.trim().length >= 2) out = out.split(name.trim()).join('某某')
  }
  out = out
    .replace(ID_CARD, '[身份证号]')
    .replace(EMAIL, '[电子邮箱]')
    .replace(MOBILE, '[电话]')
    .replace(LANDLINE, '[电话]')
    .replace(ADDRESS, '[地址]')
    .replace(SELF_NAME, (_m, intro: string) => `${intro}某某`)
    .replace(TITLED_NAME, (_m, _surname: string, _rest: string, title: string) => `某${title}`)
  return out
}

/** Masks only the numbers in text (ID cards, phones): for question text in exports and lists. */
export function maskNumbersInText(text: string): string {
  return text
    .replace(ID_CARD, (m) => `${m.slice(0, 6)}********${m.slice(-4)}`)
    .replace(MOBILE, (m) => maskPhone(m) ?? m)
    .replace(LANDLINE, (m) => maskPhone(m) ?? m)
}

/** maskNumbersInText, and e-mail addresses too: the asker's own text in the ledger and its export. */
export function maskContactsInText(text: string): string {
  return maskNumbersInText(text).replace(EMAIL, (m) => maskEmail(m) ?? m)
}
