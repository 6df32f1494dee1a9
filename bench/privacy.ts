// How long maskText and deidentify take on long texts of several shapes, at 20,000 and 40,000
// characters: the time should double with the length (linear), not quadruple.
// Run: npx tsx bench/privacy.ts
import { deidentify, maskText } from '../src/privacy/privacy.text.ts'

const shapes: Record<string, (n: number) => string> = {
  'Chinese answer': (n) => '灵活就业人员可持身份证到社保经办机构办理参保登记，咨询 023-68552000。'.repeat(n).slice(0, n),
  'ASCII letters': (n) => 'a'.repeat(n),
  'one long digit run': (n) => '1'.repeat(n),
  'x.x.x.': (n) => 'x.'.repeat(n).slice(0, n),
  'details everywhere': (n) => '我叫王小明，手机１３８.１２３４.５６７８，身份证500101 19900101 1234，邮箱wxm@qq.com，住金龙路12号。'.repeat(n).slice(0, n),
  '@@@': (n) => 'a@'.repeat(n).slice(0, n),
}

const ctx = { asker: { name: '王小明', phone: '13812345678', email: 'wxm@qq.com' }, publicNumbers: new Set(['02368552000']) }
const time = (f: () => void) => { for (let i = 0; i < 5; i++) f(); const t0 = performance.now(); for (let i = 0; i < 20; i++) f(); return (performance.now() - t0) / 20 }

console.log('shape                 function      20k ms   40k ms')
for (const [name, make] of Object.entries(shapes)) {
  for (const [fn, f] of [['maskText', (s: string) => maskText(s, ctx)], ['deidentify', (s: string) => deidentify(s, ctx)]] as const) {
    const a = make(20_000)
    const b = make(40_000)
    console.log(`${name.padEnd(22)}${fn.padEnd(12)}${time(() => f(a)).toFixed(2).padStart(8)} ${time(() => f(b)).toFixed(2).padStart(8)}`)
  }
}
