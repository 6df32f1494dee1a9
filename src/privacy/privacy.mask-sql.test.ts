import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestPgDatabase, pgAvailable, pgSuiteName } from '../../test/pg.testkit.ts'
import { closeDatabase, openDatabase, type Db } from '../db/client.ts'
import { migrateDatabase } from '../db/migrate.ts'
import { openPostgres } from '../db/postgres.ts'
import { first } from '../db/query.ts'
import { createPrivacyService, maskTextSql } from './privacy.service.ts'
import { maskText, type KnownAsker } from './privacy.text.ts'

// A rule twin: the SQL function a search masks with (SQLite: maskText itself; PostgreSQL: its PL/pgSQL
// port in migrations-pg) gives what maskText gives, on the cases of privacy.text.test.ts and on
// texts made at random from the pieces the scanner cares about.

const CASES = [
  '我叫李建国，电话１３８ 1234 5678，请回 023-68552046', '电话13812345678', '电话138.1234.5678', '电话138-1234-5678', '电话+86 13812345678',
  '电话１３８－１２３４－５６７８', '身份证500112198503121234', '身份证50011219850312123X，', '身份证500101 19900101 1234', '旧身份证500101900101123',
  '家里电话(023)6812 3456', '请回复 zhangsan@example.com', '13812345678@qq.com', '我叫张三，想问社保', '我叫欧阳春花，想问社保', '本人叫王五，电话见上',
  '您好：我的手机是１３８１２３４５６７８，谢谢。', '李建国您好，已按 68123456 回电李建国，并发邮件至 ljg@example.com', '我是退休职工，想问养老金',
  '渝府发〔2021〕12号规定，自2025-10-14起补贴1.5万元（台账ZX20251009-0001 2025-10-14T06:12:40）。', '咨询 023-68552000，我的电话13812345678',
  '回电 023-68552000', '卡号6222021234567890123', '姓名：赵六', '联系人:钱七今年', '我是王五的', '本人李四住', 'a@b@c.com', '.a@b.co', 'x@y.c',
  '我叫李建国建国', ' 李建国 ', '', '1'.repeat(2000), 'a@'.repeat(500), '1 '.repeat(500),
]

const PIECES = [
  '1', '3', '8', '0', '2', '5', '9', '86', '12', '1234', '5678', 'X', 'x', 'Ｘ', ' ', '  ', '-', '.', '..', '(', ')', '\u2010', '\u2014',
  '@', '＠', '﹫', 'a', 'b', 'Z', '_', '%', '+', '.com', 'qq', '@qq.com', 'zhang.san@example.cn', 'X-ray',
  '我叫', '本人', '叫', '本人叫', '我是', '姓名', '：', ':', '联系人', '联系', '的', '电话', '手机', '今年', '住', '身份', '，', '。', '、', '！', '?', '!',
  '张', '三', '李', '建', '国', '李建国', '欧阳', '欧阳春花', '王小明',
  '１', '３', '０２３', '８６', '－', 'Ａ', 'ｘ', '\u3000', '\u00a0', '\u200a', '\u2028', '\ufeff', '\u1680', '\u202f', '\n', '\t',
  '😀', '𠀀', 'é', 'e\u0301', '①', '²', '〸',
  '13812345678', '02368552046', '023-6855 2046', '68123456', '500112198503121234', '50011219850312123X', '6222021234567890123', '+86 ', '(023)',
]

const ASKERS: KnownAsker[] = [
  { name: '李建国', phone: '023-68123456', email: 'ljg@example.com' }, { name: null, phone: null, email: null },
  { name: ' 李建国 ', phone: '+86 138 1234 5678', email: null }, { name: '张', phone: '12345', email: null },
  { name: '张三', phone: '13812345678', email: null }, { name: '欧阳', phone: '02368552046', email: null },
]
const LISTS: ReadonlySet<string>[] = [new Set(), new Set(['02368552046', '13812345678', '6222021234567890123']), new Set(['02368552000'])]

/** The same texts on every run: a small linear congruential generator. */
function randomTexts(count: number, seed = 17): string[] {
  let state = seed
  const next = (n: number) => { state = (state * 1_103_515_245 + 12_345) % 2 ** 31; return state % n }
  return Array.from({ length: count }, () => Array.from({ length: 1 + next(24) }, () => PIECES[next(PIECES.length)]).join(''))
}

const engines: { name: string; skip: boolean; open: () => Promise<Db> }[] = [
  { name: 'SQLite', skip: false, open: async () => openDatabase(':memory:') },
  { name: pgSuiteName('PostgreSQL'), skip: !pgAvailable, open: async () => openPostgres(await createTestPgDatabase(), { max: 2 }) },
]

for (const engine of engines) {
  describe.skipIf(engine.skip)(`the masking SQL function on ${engine.name}`, () => {
    let db: Db
    beforeAll(async () => {
      db = await engine.open()
      await migrateDatabase(db)
      createPrivacyService({ db })
    })
    afterAll(async () => { await closeDatabase(db) })

    const inSql = async (text: string, asker: KnownAsker, numbers: ReadonlySet<string>) => {
      const columns = { name: sql`${asker.name ?? null}`, phone: sql`${asker.phone ?? null}`, email: sql`${asker.email ?? null}` }
      return (await first(db.all<{ t: string | null }>(sql`select ${maskTextSql(sql`${text}`, columns, numbers)} as t`)))!.t
    }

    it('masks as maskText does, for every asker and list of public numbers', async () => {
      const texts = [...CASES, ...randomTexts(1500)]
      const differing: { text: string; asker: KnownAsker; numbers: string[]; ts: string; sql: string | null }[] = []
      for (const [i, text] of texts.entries()) {
        const asker = ASKERS[i % ASKERS.length]
        const numbers = LISTS[Math.floor(i / ASKERS.length) % LISTS.length]
        const ts = maskText(text, { asker, publicNumbers: numbers })
        const got = await inSql(text, asker, numbers)
        if (got !== ts) differing.push({ text, asker, numbers: [...numbers], ts, sql: got })
      }
      expect(differing.slice(0, 5)).toEqual([])
    })

    it('gives NULL for NULL', async () => {
      const row = await first(db.all<{ t: string | null }>(sql`select ${maskTextSql(sql`${null}`, { name: sql`${null}`, phone: sql`${null}`, email: sql`${null}` }, new Set())} as t`))
      expect(row!.t).toBeNull()
    })
  })
}
