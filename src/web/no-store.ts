import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { staticPrefixes } from './static.ts'

// What a signed-in user is sent (pages, exports, downloads, error pages) is for them alone: no browser
// or proxy keeps a copy, which the back button or the cache of a shared computer would show the next
// person. The static assets, the same for everyone, stay cacheable.
export const noStorePlugin = fp(async (app: FastifyInstance) => {
  app.addHook('onSend', async (request, reply, payload) => {
    if (request.actor && !staticPrefixes.some((prefix) => request.url.startsWith(prefix)))
      reply.header('cache-control', 'no-store')
    return payload
  })
})
