import cookie from '@fastify/cookie'
import csrf from '@fastify/csrf-protection'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'

// Every form post carries a CSRF token (double-submit, the secret in a signed HttpOnly cookie).
// Machine APIs under /api authenticate with bearer tokens instead, so are not cookie-driven.
export const csrfPlugin = fp(
  async (app: FastifyInstance, options: { cookieSecret: string; cookieSecure: 'auto' | boolean }) => {
    await app.register(cookie, { secret: options.cookieSecret })
    await app.register(csrf, {
      cookieKey: 'carehub_csrf',
      cookieOpts: {
        path: '/',
        httpOnly: true,
        sameSite: 'strict',
        signed: true,
        secure: options.cookieSecure === true,
      },
    })
    app.addHook('preHandler', (request, reply, done) => {
      const unsafe = !['GET', 'HEAD', 'OPTIONS'].includes(request.method)
      if (unsafe && !request.url.startsWith('/api/')) {
        app.csrfProtection(request, reply, done)
        return
      }
      done()
    })
  },
)
