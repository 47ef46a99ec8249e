import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { sessionCookieName } from './session.ts'
import { staticPrefixes } from './static.ts'

// What a signed-in user is sent (pages, exports, downloads, error pages) is for them alone: no browser
// or proxy keeps a copy, which the back button or the cache of a shared computer would show the next
// person. The static assets, the same for everyone, stay cacheable. A request refused before its
// session was read (a body too large, say) counts as signed in when it carries a session cookie.
export const noStorePlugin = fp(async (app: FastifyInstance) => {
  app.addHook('onSend', async (request, reply, payload) => {
    const signedIn = request.actor !== null || Boolean(request.cookies?.[sessionCookieName])
    if (signedIn && !staticPrefixes.some((prefix) => request.url.startsWith(prefix)))
      reply.header('cache-control', 'no-store')
    return payload
  })
})
