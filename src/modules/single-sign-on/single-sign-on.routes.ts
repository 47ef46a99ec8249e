import rateLimit from '@fastify/rate-limit'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { roleNames, rolesForOrganisationKind } from '../../domain/roles.ts'
import { notFound } from '../../web/errors.ts'
import { errorSummary } from '../../web/forms.ts'
import { paths as shellPaths } from '../../web/paths.ts'
import { requireSignIn, sessionCookieName, signedInActor } from '../../web/session.ts'
import type { SignInService } from '../access/index.ts'
import type { OrganisationSignInService } from './organisation-sign-in.service.ts'
import { settingsFields } from './single-sign-on.forms.ts'
import { singleSignOnPaths as paths } from './single-sign-on.paths.ts'
import type { SingleSignOnSettingsService } from './single-sign-on.service.ts'

// The browser's half of a sign-in under way: the state it must bring back from the provider.
const stateCookie = 'carehub_sso_state'
const stateCookiePath = paths.organisationAccountSignIn.build()

export async function singleSignOnRoutes(
  app: FastifyInstance,
  deps: {
    organisationSignIn: OrganisationSignInService
    singleSignOnSettings: SingleSignOnSettingsService
    signIn: SignInService
    baseUrl: string
    cookieSecure: 'auto' | boolean
    signInRateLimit: number
  },
) {
  const { organisationSignIn, singleSignOnSettings, signIn } = deps
  // Starting and finishing a sign-in each write a row and call the provider: limited as password sign-in is.
  await app.register(rateLimit, { global: false })
  const limited = { config: { rateLimit: { max: deps.signInRateLimit, timeWindow: '1 minute' } } }
  const secure = (request: FastifyRequest) =>
    deps.cookieSecure === 'auto' ? request.protocol === 'https' : deps.cookieSecure
  const signInFailed = (reply: FastifyReply, code: number) =>
    reply.code(code).render('single-sign-on/views/sign-in-failed.njk', { pageTitle: 'Sign-in did not work' })

  app.get(paths.organisationAccountSignIn.pattern, async (request, reply) => {
    if (request.actor) return reply.redirect(shellPaths.home())
    return reply.render('single-sign-on/views/choose-organisation.njk', {
      pageTitle: 'Sign in with your organisation’s account',
      organisations: await organisationSignIn.organisationsOffered(),
    })
  })

  app.get(paths.organisationAccountCallback.pattern, limited, async (request, reply) => {
    const browserState = request.cookies[stateCookie]
    reply.clearCookie(stateCookie, { path: stateCookiePath })
    const outcome = await organisationSignIn.finish(new URL(request.url, deps.baseUrl), browserState)
    switch (outcome.kind) {
      case 'signed-in':
        // A new session id, and whatever session the browser came with ended (as password sign-in does).
        await signIn.signOut(request.cookies[sessionCookieName])
        reply.startSession(outcome.sessionToken)
        return reply.redirect(shellPaths.home())
      case 'no-mapped-group':
        return reply.code(403).render('single-sign-on/views/cannot-use.njk', {
          pageTitle: 'You cannot use CareHub with this account',
          organisationName: outcome.organisationName,
        })
      case 'refused':
        return reply.code(403).render('single-sign-on/views/refused.njk', {
          pageTitle: 'You cannot sign in with this account',
          reason: outcome.reason,
        })
      default:
        return signInFailed(reply, 400)
    }
  })

  app.get<{ Params: { organisationId: string } }>(
    paths.startOrganisationAccountSignIn.pattern,
    limited,
    async (request, reply) => {
      const { organisationId } = request.params
      if (!/^[0-9a-f-]{36}$/i.test(organisationId)) throw notFound()
      let started: Awaited<ReturnType<OrganisationSignInService['start']>>
      try {
        started = await organisationSignIn.start(organisationId)
      } catch (error) {
        // The provider could not be reached or answered badly: say so, log no personal data.
        request.log.warn({ err: error, organisationId }, 'single sign-on provider unavailable')
        return signInFailed(reply, 502)
      }
      if (!started) throw notFound()
      reply.setCookie(stateCookie, started.state, {
        path: stateCookiePath,
        httpOnly: true,
        // Lax: the provider sends the browser back with a top-level GET from its own site.
        sameSite: 'lax',
        secure: secure(request),
        maxAge: 10 * 60,
      })
      return reply.redirect(started.url)
    },
  )

  app.get<{ Params: { organisationId: string } }>(
    paths.signedOutOfOrganisationAccount.pattern,
    async (request, reply) => {
      const { organisationId } = request.params
      if (!/^[0-9a-f-]{36}$/i.test(organisationId)) throw notFound()
      let signOut: Awaited<ReturnType<OrganisationSignInService['providerSignOut']>> = null
      try {
        signOut = await organisationSignIn.providerSignOut(organisationId)
        if (!signOut) throw notFound()
      } catch (error) {
        if (!signOut) throw notFound()
        request.log.warn({ err: error, organisationId }, 'single sign-on provider unavailable')
      }
      return reply.render('single-sign-on/views/signed-out.njk', {
        pageTitle: 'You have signed out of CareHub',
        providerSignOutUrl: signOut.url,
        organisationName: signOut.organisationName,
      })
    },
  )

  // Admin: an organisation's identity provider.
  await app.register(async (admin) => {
    admin.addHook('preHandler', requireSignIn)
    const settingsView = (
      page: NonNullable<Awaited<ReturnType<SingleSignOnSettingsService['settingsPage']>>>,
      values: Record<string, unknown>,
      errors?: Record<string, string>,
    ) => ({
      pageTitle: `Single sign-on for ${page.organisation.name}`,
      ...page,
      values,
      errors,
      errorList: errors ? errorSummary(errors, settingsFields) : undefined,
      redirectUri: `${deps.baseUrl}${paths.organisationAccountCallback.build()}`,
      signedOutUri: `${deps.baseUrl}${shellPaths.signIn()}?signedOut=1`,
      roleList: rolesForOrganisationKind[page.organisation.kind]
        .map((role) => `${role} (${roleNames[role]})`)
        .join(', '),
    })
    admin.get<{ Params: { id: string } }>(paths.singleSignOnSettings.pattern, async (request, reply) => {
      const page = await singleSignOnSettings.settingsPage(signedInActor(request), request.params.id)
      if (!page) throw notFound()
      return reply.render('single-sign-on/views/settings.njk', {
        ...settingsView(page, page.values),
        saved: (request.query as Record<string, unknown>).saved === '1',
      })
    })
    admin.post<{ Params: { id: string } }>(paths.singleSignOnSettings.pattern, async (request, reply) => {
      const actor = signedInActor(request)
      const result = await singleSignOnSettings.save(actor, request.params.id, request.body)
      if (!result) throw notFound()
      if (result.ok) return reply.redirect(`${paths.singleSignOnSettings.build(request.params.id)}?saved=1`)
      const page = await singleSignOnSettings.settingsPage(actor, request.params.id)
      if (!page) throw notFound()
      // The secret typed is never sent back: the admin types it again (or leaves it, if one is set).
      const { clientSecret: _secret, ...values } = (request.body ?? {}) as Record<string, unknown>
      return reply
        .code(400)
        .render('single-sign-on/views/settings.njk', settingsView(page, values, result.errors))
    })
  })
}
