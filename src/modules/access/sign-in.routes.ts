import rateLimit from '@fastify/rate-limit'
import type { FastifyInstance } from 'fastify'
import { errorSummary, text } from '../../web/forms.ts'
import { paths } from '../../web/paths.ts'
import { sessionCookieName } from '../../web/session.ts'
import type { SignInService } from './sign-in.service.ts'
import type { UserService } from './users.service.ts'

// Only a path on this service is followed after sign-in, so a link cannot send anyone elsewhere. A
// browser drops tabs and line breaks from a URL and reads a backslash as a slash, so "/<tab>/evil"
// would be "//evil", another site: any whitespace, control character or backslash is refused.
const ownOrigin = 'http://carehub.invalid'
function safeReturnTo(value: unknown): string {
  const target = text(value)
  if (!target.startsWith('/') || target.startsWith('//') || /[\s\p{Cc}\p{Cf}\\]/u.test(target))
    return paths.home()
  try {
    const url = new URL(target, ownOrigin)
    return url.origin === ownOrigin && !url.pathname.startsWith('//') ? target : paths.home()
  } catch {
    return paths.home()
  }
}

export async function signInRoutes(
  app: FastifyInstance,
  options: { signIn: SignInService; users: UserService; signInRateLimit: number },
) {
  const { signIn, users } = options
  await app.register(rateLimit, { global: false })
  const limited = { config: { rateLimit: { max: options.signInRateLimit, timeWindow: '1 minute' } } }

  app.get('/sign-in', async (request, reply) => {
    if (request.actor) return reply.redirect(paths.home())
    const query = request.query as Record<string, unknown>
    return reply.render('access/views/sign-in.njk', {
      pageTitle: 'Sign in',
      returnTo: safeReturnTo(query.returnTo),
      values: {},
    })
  })

  app.post('/sign-in', limited, async (request, reply) => {
    const body = request.body as Record<string, unknown>
    const email = text(body.email)
    const password = text(body.password)
    const returnTo = safeReturnTo(body.returnTo)
    const errors: Record<string, string> = {}
    if (!email.trim()) errors.email = 'Enter your e-mail address'
    if (!password) errors.password = 'Enter your password'
    if (!Object.keys(errors).length) {
      const result = await signIn.signIn(email, password)
      if (result.ok) {
        reply.startSession(result.sessionToken)
        return reply.redirect(returnTo)
      }
      if (result.reason === 'locked') {
        errors.email =
          'This account is locked after too many wrong passwords. Try again in 15 minutes, or reset your password.'
      } else {
        errors.email = 'Enter a correct e-mail address and password'
      }
    }
    reply.code(Object.keys(errors).length ? 400 : 200)
    return reply.render('access/views/sign-in.njk', {
      pageTitle: 'Sign in',
      returnTo,
      values: { email },
      errors,
      errorList: errorSummary(errors, ['email', 'password']),
    })
  })

  app.post('/sign-out', async (request, reply) => {
    await signIn.signOut(request.cookies[sessionCookieName])
    reply.clearCookie(sessionCookieName, { path: '/' })
    return reply.redirect(`${paths.signIn()}?signedOut=1`)
  })

  app.get('/forgot-password', async (_request, reply) =>
    reply.render('access/views/forgot-password.njk', { pageTitle: 'Reset your password', values: {} }),
  )

  app.post('/forgot-password', limited, async (request, reply) => {
    const email = text((request.body as Record<string, unknown>).email)
    if (!email.trim()) {
      const errors = { email: 'Enter your e-mail address' }
      reply.code(400)
      return reply.render('access/views/forgot-password.njk', {
        pageTitle: 'Reset your password',
        values: {},
        errors,
        errorList: errorSummary(errors),
      })
    }
    await users.requestPasswordReset(email)
    return reply.render('access/views/check-your-email.njk', { pageTitle: 'Check your e-mail' })
  })

  for (const journey of [
    { prefix: '/accept-invitation', purpose: 'invitation', title: 'Set your password' },
    { prefix: '/reset-password', purpose: 'password_reset', title: 'Choose a new password' },
  ] as const) {
    app.get<{ Params: { token: string } }>(`${journey.prefix}/:token`, async (request, reply) => {
      const live = await users.checkToken(request.params.token, journey.purpose)
      if (!live)
        return reply
          .code(404)
          .render('access/views/link-expired.njk', { pageTitle: 'This link has expired or been used' })
      return reply.render('access/views/set-password.njk', {
        pageTitle: journey.title,
        email: live.email,
        action: request.url,
      })
    })
    app.post<{ Params: { token: string } }>(`${journey.prefix}/:token`, limited, async (request, reply) => {
      const body = request.body as Record<string, unknown>
      const result = await users.setPasswordWithToken(
        request.params.token,
        journey.purpose,
        text(body.password),
        text(body.confirmPassword),
      )
      if (!result)
        return reply
          .code(404)
          .render('access/views/link-expired.njk', { pageTitle: 'This link has expired or been used' })
      if (!result.ok) {
        const live = await users.checkToken(request.params.token, journey.purpose)
        reply.code(400)
        return reply.render('access/views/set-password.njk', {
          pageTitle: journey.title,
          email: live?.email,
          action: request.url,
          errors: result.errors,
          errorList: errorSummary(result.errors, ['password', 'confirmPassword']),
        })
      }
      return reply.redirect(`${paths.signIn()}?passwordSet=1`)
    })
  }
}
