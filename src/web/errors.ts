import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { isDatabaseUnavailable, retryAfterSeconds } from '../db/database-unavailable.ts'

// Styled error pages. A CSRF failure or a forbidden page is a 403; nothing leaks in a 500.
export function setUpErrorPages(app: FastifyInstance) {
  app.setNotFoundHandler((request, reply) => {
    reply.code(404)
    if (request.url.startsWith('/api/')) return reply.send({ title: 'Not found', status: 404 })
    return reply.render('pages/not-found.njk', { pageTitle: 'Page not found' })
  })
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (isDatabaseUnavailable(error)) return serviceUnavailable(request, reply, error)
    const status =
      error.statusCode && error.statusCode >= 400 && error.statusCode < 600 ? error.statusCode : 500
    if (status >= 500) request.log.error({ err: error }, 'request failed')
    else request.log.info({ code: error.code, status }, 'request refused')
    reply.code(status)
    if (request.url.startsWith('/api/'))
      return reply.send({ title: status >= 500 ? 'Internal error' : error.message, status })
    if (status === 403)
      return reply.render('pages/forbidden.njk', {
        pageTitle: 'You cannot do that',
        csrfFailure: String(error.code ?? '').startsWith('FST_CSRF'),
      })
    if (status === 404) return reply.render('pages/not-found.njk', { pageTitle: 'Page not found' })
    if (status === 429) return reply.render('pages/too-many-requests.njk', { pageTitle: 'Too many attempts' })
    if (status < 500)
      return reply.render('pages/bad-request.njk', {
        pageTitle: 'Sorry, there is a problem with your request',
      })
    return reply.render('pages/server-error.njk', { pageTitle: 'Sorry, there is a problem with the service' })
  })
}

// The database cannot be reached just now (a restart, a dropped connection): the request may be sent
// again in a moment, and nothing of it was saved unless the user saw a confirmation.
function serviceUnavailable(request: FastifyRequest, reply: FastifyReply, error: FastifyError) {
  request.log.warn({ err: error }, 'database unavailable')
  reply.code(503).header('retry-after', String(retryAfterSeconds))
  if (request.url.startsWith('/api/')) return reply.send({ title: 'Service unavailable', status: 503 })
  return reply.render('pages/service-unavailable.njk', { pageTitle: 'Sorry, the service is unavailable' })
}

export function forbidden(): Error {
  return Object.assign(new Error('Forbidden'), { statusCode: 403 })
}

export function notFound(): Error {
  return Object.assign(new Error('Not found'), { statusCode: 404 })
}
