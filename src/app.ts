import formbody from '@fastify/formbody'
import Fastify, { type FastifyServerOptions, type LogController } from 'fastify'
import type { Services } from './composition.ts'
import { capabilities, capabilityPaths, navigationFor, readinessFigures } from './modules.ts'
import { csrfPlugin } from './web/csrf.ts'
import { setUpErrorPages } from './web/errors.ts'
import { setUpHealthChecks } from './web/health.ts'
import { inputSafetyPlugin } from './web/input-safety.ts'
import { noStorePlugin } from './web/no-store.ts'
import { linkBuilders } from './web/page-path.ts'
import { securityPlugin } from './web/security.ts'
import { sessionPlugin } from './web/session.ts'
import { setUpStaticFiles } from './web/static.ts'
import { setUpStaticPages } from './web/static-pages.ts'
import { viewsPlugin } from './web/views.ts'

declare module 'fastify' {
  interface FastifyInstance {
    routeTable: { method: string; url: string; owner: string }[]
  }
}

// Reads like a table of contents: infrastructure first, then each capability's routes (src/modules.ts).
export async function createApp(
  services: Services,
  // How requests are logged (web/request-log.ts): none by default (tests).
  options: { logger?: FastifyServerOptions['logger']; logController?: LogController } = {},
) {
  const { config } = services
  const app = Fastify({
    logger: options.logger ?? false,
    ...(options.logController ? { logController: options.logController } : {}),
    trustProxy: config.trustProxy,
    bodyLimit: 1_048_576,
  })
  // An inventory of every route and the capability that added it ('web' for the shell's own), so that
  // tests can prove each route checks access (test/integration/route-access.db.test.ts).
  const routeTable: { method: string; url: string; owner: string }[] = []
  let owner = 'web'
  app.decorate('routeTable', routeTable)
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) routeTable.push({ method, url: route.url, owner })
  })
  await app.register(securityPlugin)
  await app.register(formbody)
  await app.register(csrfPlugin, { cookieSecret: services.cookieSecret, cookieSecure: config.cookieSecure })
  await app.register(sessionPlugin, {
    resolveSession: services.signIn.resolveSession,
    cookieSecure: config.cookieSecure,
  })
  await app.register(inputSafetyPlugin)
  await app.register(noStorePlugin)
  await app.register(viewsPlugin, { navigationFor, paths: linkBuilders(capabilityPaths()) })
  await setUpStaticFiles(app)
  setUpErrorPages(app)
  setUpHealthChecks(app, services.db, readinessFigures)
  setUpStaticPages(app)

  // Each capability's routes, in the order of src/modules.ts.
  for (const capability of capabilities) {
    owner = capability.name
    await capability.routes?.(app, services as never)
  }
  return app
}
