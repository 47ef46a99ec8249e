import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { isRole, roleNames } from '../../domain/roles.ts'
import { forbidden, notFound } from '../../web/errors.ts'
import { parseForm } from '../../web/form-schema.ts'
import { errorSummary, text } from '../../web/forms.ts'
import { requireSignIn, signedInActor } from '../../web/session.ts'
import { apiPaths } from './api.paths.ts'
import type { ApiService } from './api.service.ts'
import { tokenForm, tokenFormMessages } from './api-token.form.ts'
import { mayManageTokens, tokenHolder } from './api-tokens.ts'

// The "API tokens" pages: a provider manager makes tokens for their care-record system, a council's or
// partner's officer for their business-intelligence tools (the read API); each is seen once, and revoked.
export async function apiTokenPages(app: FastifyInstance, options: { api: ApiService }) {
  const { api } = options
  app.addHook('preHandler', requireSignIn)

  async function renderList(
    request: FastifyRequest,
    reply: FastifyReply,
    context: { values?: Record<string, string>; errors?: Record<string, string> } = {},
  ) {
    const actor = signedInActor(request)
    const tokens = await api.listTokens(actor)
    if (!tokens) throw forbidden()
    const revoked = text((request.query as Record<string, unknown> | undefined)?.revoked)
    return reply.render('api/views/api-tokens.njk', {
      pageTitle: 'API tokens',
      forMarket: tokenHolder(actor)?.kind === 'market',
      roleName: roleNames[actor.role],
      tokens: tokens.map((t) => ({ ...t, roleName: isRole(t.role) ? roleNames[t.role] : undefined })),
      revokedName: revoked ? tokens.find((t) => t.id === revoked && t.revokedAt)?.name : undefined,
      values: context.values ?? {},
      errors: context.errors,
      errorList: context.errors ? errorSummary(context.errors, ['name']) : undefined,
    })
  }

  app.get(apiPaths.apiTokens.pattern, (request, reply) => renderList(request, reply))

  // The token is shown on the answer to this post and nowhere else: it is not kept, so there is no
  // page to redirect to.
  app.post(apiPaths.apiTokens.pattern, async (request, reply) => {
    const actor = signedInActor(request)
    if (!mayManageTokens(actor)) throw forbidden()
    const form = parseForm(tokenForm, request.body, tokenFormMessages)
    const result = form.ok ? await api.createToken(actor, form.value.name) : form
    if (!result) throw forbidden()
    if (!result.ok) {
      const values = { name: text((request.body as Record<string, unknown> | undefined)?.name) }
      return renderList(request, reply.code(400), { values, errors: result.errors })
    }
    return reply.header('cache-control', 'no-store').render('api/views/api-token-created.njk', {
      pageTitle: 'API token created',
      name: result.name,
      token: result.token,
      forMarket: result.holder.kind === 'market',
    })
  })

  app.post<{ Params: { id: string } }>(apiPaths.revokeApiToken.pattern, async (request, reply) => {
    const actor = signedInActor(request)
    if (!mayManageTokens(actor)) throw forbidden()
    const revoked = await api.revokeToken(actor, request.params.id)
    if (!revoked) throw notFound()
    return reply.redirect(`${apiPaths.apiTokens.build()}?revoked=${encodeURIComponent(request.params.id)}`)
  })
}
