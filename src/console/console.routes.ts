import { existsSync } from 'node:fs'
import type { FastifyInstance } from 'fastify'
import fastifyStatic from '@fastify/static'
import { fromRoot } from '../paths.ts'

export const CONSOLE_DIR = fromRoot('dist/console')

/** Serves the built web console at /console/ (built by `npm run build:console`, which `npm install` runs). */
export async function consoleRoutes(app: FastifyInstance) {
  // The page and its assets hold no data: people sign in inside it with their token.
  app.addHook('onRoute', (route) => { route.config = { ...route.config, roles: 'public' } })
  const built = existsSync(`${CONSOLE_DIR}/index.html`)
  // `/` is the public 政策问答 pages (src/portal); the console lives at /console/ only.
  if (!built) {
    app.log.warn('web console not built: run `npm run build:console`')
    app.get('/console/', { config: { roles: 'public' }, schema: { hide: true } }, async (_req, reply) =>
      reply.status(503).type('text/plain; charset=utf-8').send('控制台尚未构建，请运行 npm run build:console'))
    return
  }
  await app.register(fastifyStatic, { root: CONSOLE_DIR, prefix: '/console/', index: 'index.html', maxAge: '1h', immutable: false })
}
