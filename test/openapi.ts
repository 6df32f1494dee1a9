import { createTestApp } from './app.testkit.ts'

/** The OpenAPI document as served at /openapi.json, formatted as it is committed. */
export async function generateOpenApi(): Promise<string> {
  const t = await createTestApp()
  try {
    await t.app.ready()
    return `${JSON.stringify(t.app.swagger(), null, 2)}\n`
  } finally {
    await t.close()
  }
}
