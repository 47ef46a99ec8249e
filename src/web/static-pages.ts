import type { FastifyInstance } from 'fastify'

// Pages anyone can read, signed in or not.
export function setUpStaticPages(app: FastifyInstance) {
  app.get('/accessibility', (_q, reply) =>
    reply.render('pages/accessibility.njk', { pageTitle: 'Accessibility statement' }),
  )
  app.get('/cookies', (_q, reply) => reply.render('pages/cookies.njk', { pageTitle: 'Cookies' }))
  app.get('/privacy', (_q, reply) => reply.render('pages/privacy.njk', { pageTitle: 'Privacy notice' }))
}
