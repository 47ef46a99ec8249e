import type { FastifyInstance } from 'fastify'
import { webPaths } from './paths.ts'

// Pages anyone can read, signed in or not.
export function setUpStaticPages(app: FastifyInstance) {
  app.get(webPaths.accessibility.pattern, (_q, reply) =>
    reply.render('pages/accessibility.njk', { pageTitle: 'Accessibility statement' }),
  )
  app.get(webPaths.cookies.pattern, (_q, reply) =>
    reply.render('pages/cookies.njk', { pageTitle: 'Cookies' }),
  )
  app.get(webPaths.privacy.pattern, (_q, reply) =>
    reply.render('pages/privacy.njk', { pageTitle: 'Privacy notice' }),
  )
}
