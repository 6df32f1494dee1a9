import { it } from 'vitest'
import { createTestApp } from '../../test/helpers.ts'
it('time', async () => {
  const out: string[] = []
  for (let i = 0; i < 4; i++) {
    const t = await createTestApp()
    const t0 = performance.now(); await t.app.ready(); out.push(`ready ${Math.round(performance.now() - t0)}`)
    await t.close()
  }
  console.log(out.join('\n'))
})
