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
        // 'auto': Secure when the request came over HTTPS (behind a trusted proxy, by X-Forwarded-Proto).
        secure: options.cookieSecure,
      },
      // Ordinary forms give the token as a string; multipart forms (file uploads) as a field object.
      getToken: (request) => {
        const field = (request.body as Record<string, unknown> | undefined)?._csrf
        if (typeof field === 'string') return field
        if (field && typeof field === 'object' && 'value' in field)
          return String((field as { value: unknown }).value)
        return undefined
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
