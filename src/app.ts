import formbody from '@fastify/formbody'
import Fastify, { type FastifyServerOptions } from 'fastify'
import type { Services } from './composition.ts'
import { adminRoutes } from './modules/access/admin.routes.ts'
import { signInRoutes } from './modules/access/sign-in.routes.ts'
import { apiRoutes } from './modules/api/api.routes.ts'
import { auditRoutes } from './modules/audit/audit.routes.ts'
import { caseworkRoutes } from './modules/casework/casework.routes.ts'
import { outboxRoutes } from './modules/comms/outbox.routes.ts'
import { contactLogRoutes } from './modules/contact-log/contact-log.routes.ts'
import { dashboardRoutes } from './modules/dashboards/dashboard.routes.ts'
import { cqcImportRoutes } from './modules/directory/cqc-import.routes.ts'
import { directoryRoutes } from './modules/directory/directory.routes.ts'
import { riskRulesRoutes } from './modules/early-warning/risk-rules.routes.ts'
import { enquiryRoutes } from './modules/enquiries/enquiries.routes.ts'
import { homeRoutes } from './modules/home/home.routes.ts'
import { completenessRoutes } from './modules/returns/completeness.routes.ts'
import { returnsRoutes } from './modules/returns/returns.routes.ts'
import { returnsUploadRoutes } from './modules/returns/upload/returns-upload.routes.ts'
import { csrfPlugin } from './web/csrf.ts'
import { setUpErrorPages } from './web/errors.ts'
import { setUpHealthChecks } from './web/health.ts'
import { inputSafetyPlugin } from './web/input-safety.ts'
import { noStorePlugin } from './web/no-store.ts'
import { securityPlugin } from './web/security.ts'
import { sessionPlugin } from './web/session.ts'
import { setUpStaticFiles } from './web/static.ts'
import { setUpStaticPages } from './web/static-pages.ts'
import { viewsPlugin } from './web/views.ts'

declare module 'fastify' {
  interface FastifyInstance {
    routeTable: { method: string; url: string }[]
  }
}

// Reads like a table of contents: infrastructure first, then each capability's routes, registered explicitly.
export async function createApp(
  services: Services,
  options: { logger?: FastifyServerOptions['logger'] } = {},
) {
  const { config } = services
  const app = Fastify({
    logger: options.logger ?? false,
    trustProxy: config.trustProxy,
    bodyLimit: 1_048_576,
  })
  // An inventory of every route, so that tests can prove each route with an id checks access.
  const routeTable: { method: string; url: string }[] = []
  app.decorate('routeTable', routeTable)
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) routeTable.push({ method, url: route.url })
  })
  await app.register(securityPlugin)
  await app.register(formbody)
  await app.register(csrfPlugin, { cookieSecret: services.cookieSecret, cookieSecure: config.cookieSecure })
  await app.register(sessionPlugin, { signIn: services.signIn, cookieSecure: config.cookieSecure })
  await app.register(inputSafetyPlugin)
  await app.register(noStorePlugin)
  await app.register(viewsPlugin)
  await setUpStaticFiles(app)
  setUpErrorPages(app)
  setUpHealthChecks(app, services.db)
  setUpStaticPages(app)

  await app.register(signInRoutes, {
    signIn: services.signIn,
    users: services.users,
    signInRateLimit: config.signInRateLimit,
  })
  await app.register(homeRoutes, { directory: services.directory, returns: services.returns })
  await app.register(directoryRoutes, {
    directory: services.directory,
    locationEdits: services.locationEdits,
    users: services.users,
    contactLog: services.contactLog,
    casework: services.casework,
  })
  await app.register(cqcImportRoutes, { imports: services.cqcImports })
  await app.register(completenessRoutes, { completeness: services.completeness })
  await app.register(returnsRoutes, { returns: services.returns })
  await app.register(returnsUploadRoutes, { upload: services.returnsUpload })
  await app.register(apiRoutes, { api: services.api, returns: services.returns, baseUrl: config.baseUrl })
  await app.register(adminRoutes, { users: services.users, organisations: services.organisations })
  await app.register(auditRoutes, { audit: services.audit })
  await app.register(outboxRoutes, { outbox: services.outbox })
  await app.register(contactLogRoutes, { contactLog: services.contactLog })
  await app.register(enquiryRoutes, { enquiries: services.enquiries })
  await app.register(dashboardRoutes, {
    dashboards: services.dashboards,
    exports: services.dashboardExports,
    contactLog: services.contactLog,
    enquiries: services.enquiries,
  })
  await app.register(caseworkRoutes, {
    casework: services.casework,
    followUpsDue: (actor) => services.contactLog.followUpsDue(actor),
    contactsForLocation: (actor, locationId) => services.contactLog.listForLocation(actor, locationId),
  })
  await app.register(riskRulesRoutes, { riskRules: services.riskRules })
  return app
}
