import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import type { Actor } from '../domain/policy.ts'
import { paths } from './paths.ts'

export const sessionCookieName = 'carehub_session'

// Who is signed in, as the layout shows them.
export type SignedInUser = { id: string; email: string; displayName: string; organisationName: string }
// A session gives an actor once signed in; one part-way through (a two-step code due) gives only the
// page to continue at, where requireSignIn sends them.
export type ResolvedSession = { actor: Actor; user: SignedInUser } | { continueAt: string } | null
export type ResolveSession = (token: string | undefined) => Promise<ResolvedSession>

declare module 'fastify' {
  interface FastifyRequest {
    actor: Actor | null
    signedInUser: SignedInUser | null
    continueSignInAt: string | null
  }
}

// Only this hook writes request.actor and request.signedInUser.
export const sessionPlugin = fp(
  async (
    app: FastifyInstance,
    options: { resolveSession: ResolveSession; cookieSecure: 'auto' | boolean },
  ) => {
    app.decorateRequest('actor', null)
    app.decorateRequest('signedInUser', null)
    app.decorateRequest('continueSignInAt', null)
    // As the request arrives, before its body is read: a route can then refuse a body it would not use.
    app.addHook('onRequest', async (request) => {
      const loaded = await options.resolveSession(request.cookies[sessionCookieName])
      const signedIn = loaded && 'actor' in loaded ? loaded : null
      request.actor = signedIn?.actor ?? null
      request.signedInUser = signedIn?.user ?? null
      request.continueSignInAt = loaded && 'continueAt' in loaded ? loaded.continueAt : null
    })
    app.decorateReply('startSession', function (this: FastifyReply, token: string) {
      const secure =
        options.cookieSecure === 'auto' ? this.request.protocol === 'https' : options.cookieSecure
      this.setCookie(sessionCookieName, token, { path: '/', httpOnly: true, sameSite: 'lax', secure })
    })
  },
)

declare module 'fastify' {
  interface FastifyReply {
    startSession: (token: string) => void
  }
}

// Route guard: pages for signed-in users send everyone else to sign in, then back; one part-way through
// signing in (a two-step code or its set-up due) to that step, whatever page they asked for.
export async function requireSignIn(request: FastifyRequest, reply: FastifyReply) {
  if (!request.actor && request.continueSignInAt) return reply.redirect(request.continueSignInAt)
  if (!request.actor) {
    const returnTo = request.method === 'GET' ? `?returnTo=${encodeURIComponent(request.url)}` : ''
    return reply.redirect(`${paths.signIn()}${returnTo}`)
  }
}

export function signedInActor(request: FastifyRequest): Actor {
  if (!request.actor) throw new Error('requireSignIn must run before this handler')
  return request.actor
}
