import Fastify, { type FastifyServerOptions } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { Config } from './config.ts'
import type { Db } from './db/client.ts'
import { errorsPlugin } from './plugins/errors.ts'
import { installValidators } from './plugins/validation.ts'
import { swaggerPlugin } from './plugins/swagger.ts'
import { authPlugin } from './plugins/auth.ts'
import { createServices, type Services } from './services.ts'
import { systemRoutes } from './system.routes.ts'
import { authRoutes } from './auth/auth.routes.ts'
import { unitsRoutes } from './units/units.routes.ts'

declare module 'fastify' {
  interface FastifyInstance {
    services: Services
  }
}

export interface BuildAppOptions {
  config: Config
  db: Db
  logger?: FastifyServerOptions['logger']
}

/** Plugins, error handling and the domain modules, always in this order. */
export async function buildApp({ config, db, logger }: BuildAppOptions) {
  const app = Fastify({
    logger: logger ?? { level: config.logLevel, redact: ['req.headers.authorization'] },
    bodyLimit: 1024 * 1024,
    // Bulk imports of up to 5,000 entries need more room than one consultation does.
    routerOptions: { maxParamLength: 200 },
  }).withTypeProvider<TypeBoxTypeProvider>()

  installValidators(app)
  await app.register(errorsPlugin)
  await app.register(swaggerPlugin)

  const services = createServices({ config, db, log: app.log })
  app.decorate('services', services)
  await app.register(authPlugin, { authService: services.auth })

  await app.register(systemRoutes, { services })
  await app.register(async (api) => {
    await api.register(authRoutes, { auth: services.auth })
    await api.register(unitsRoutes, { units: services.units })
  }, { prefix: '/api/v1' })

  app.addHook('onClose', async () => services.stop())
  return app
}

export type App = Awaited<ReturnType<typeof buildApp>>
