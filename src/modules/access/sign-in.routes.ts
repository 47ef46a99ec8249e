import rateLimit from '@fastify/rate-limit'
import type { FastifyInstance } from 'fastify'
import { parseForm } from '../../web/form-schema.ts'
import { errorSummary, text } from '../../web/forms.ts'
import { paths as shellPaths, webPaths } from '../../web/paths.ts'
import { sessionCookieName } from '../../web/session.ts'
import { accessPaths } from './access.paths.ts'
import type { TokenPurpose } from './one-time-tokens.ts'
import {
  forgotPasswordForm,
  forgotPasswordMessages,
  setPasswordForm,
  setPasswordMessages,
  signInForm,
  signInMessages,
} from './sign-in.forms.ts'
import type { SignInService } from './sign-in.service.ts'
import type { UserService } from './users.service.ts'

// Only a path on this service is followed after sign-in, so a link cannot send anyone elsewhere. A
// browser drops tabs and line breaks from a URL and reads a backslash as a slash, so "/<tab>/evil"
// would be "//evil", another site: any whitespace, control character or backslash is refused.
const ownOrigin = 'http://carehub.invalid'
export function safeReturnTo(value: unknown): string {
  const target = text(value)
  if (!target.startsWith('/') || target.startsWith('//') || /[\s\p{Cc}\p{Cf}\\]/u.test(target))
    return shellPaths.home()
  try {
    const url = new URL(target, ownOrigin)
    return url.origin === ownOrigin && !url.pathname.startsWith('//') ? target : shellPaths.home()
  } catch {
    return shellPaths.home()
  }
}

// Accepting an invitation and resetting a password: the same page, through different single-use links.
const passwordJourneys: { path: string; purpose: TokenPurpose; title: string }[] = [
  { path: accessPaths.acceptInvitation.pattern, purpose: 'invitation', title: 'Set your password' },
  { path: accessPaths.resetPassword.pattern, purpose: 'password_reset', title: 'Choose a new password' },
]

export async function signInRoutes(
  app: FastifyInstance,
  options: { signIn: SignInService; users: UserService; signInRateLimit: number },
) {
  const { signIn, users } = options
  await app.register(rateLimit, { global: false })
  const limited = { config: { rateLimit: { max: options.signInRateLimit, timeWindow: '1 minute' } } }

  // The sign-in page's path is the shell's (it sends everyone who is not signed in there).
  app.get(webPaths.signIn.pattern, async (request, reply) => {
    if (request.actor) return reply.redirect(shellPaths.home())
    const query = request.query as Record<string, unknown>
    return reply.render('access/views/sign-in.njk', {
      pageTitle: 'Sign in',
      returnTo: safeReturnTo(query.returnTo),
      values: {},
    })
  })

  app.post(webPaths.signIn.pattern, limited, async (request, reply) => {
    const body = request.body as Record<string, unknown>
    const form = parseForm(signInForm, body, signInMessages)
    const returnTo = safeReturnTo(form.ok ? form.value.returnTo : body.returnTo)
    let errors = form.ok ? {} : form.errors
    if (form.ok) {
      const result = await signIn.signIn(form.value.email, form.value.password)
      if (result.ok) {
        // A new session id at every sign-in, and the one the browser came with ended (ASVS 3.2.1): no
        // id known before signing in (one planted in a shared browser, say) is good after it.
        await signIn.signOut(request.cookies[sessionCookieName])
        reply.startSession(result.sessionToken)
        if (result.stage === 'signed_in') return reply.redirect(returnTo)
        // Only the code page or the set-up journey will honour this session (two-step.routes.ts).
        const next = result.stage === 'two_step_due' ? accessPaths.twoStepCode : accessPaths.twoStepSetUp
        return reply.redirect(`${next.build()}?returnTo=${encodeURIComponent(returnTo)}`)
      }
      errors = {
        email:
          result.reason === 'locked'
            ? 'This account is locked after too many wrong passwords. Try again in 15 minutes, or reset your password.'
            : result.reason === 'single-sign-on'
              ? 'Your organisation has turned off password sign-in. Use “Sign in with your organisation’s account”.'
              : 'Enter a correct e-mail address and password',
      }
    }
    reply.code(400)
    return reply.render('access/views/sign-in.njk', {
      pageTitle: 'Sign in',
      returnTo,
      values: { email: form.ok ? form.value.email : text(body.email) },
      errors,
      errorList: errorSummary(errors, ['email', 'password']),
    })
  })

  app.post(accessPaths.signOut.pattern, async (request, reply) => {
    const next = await signIn.signOut(request.cookies[sessionCookieName])
    reply.clearCookie(sessionCookieName, { path: '/' })
    return reply.redirect(next ?? `${shellPaths.signIn()}?signedOut=1`)
  })

  app.get(accessPaths.forgotPassword.pattern, async (_request, reply) =>
    reply.render('access/views/forgot-password.njk', { pageTitle: 'Reset your password', values: {} }),
  )

  app.post(accessPaths.forgotPassword.pattern, limited, async (request, reply) => {
    const form = parseForm(forgotPasswordForm, request.body, forgotPasswordMessages)
    if (!form.ok) {
      reply.code(400)
      return reply.render('access/views/forgot-password.njk', {
        pageTitle: 'Reset your password',
        values: {},
        errors: form.errors,
        errorList: errorSummary(form.errors),
      })
    }
    await users.requestPasswordReset(form.value.email)
    return reply.render('access/views/check-your-email.njk', { pageTitle: 'Check your e-mail' })
  })

  for (const journey of passwordJourneys) {
    const linkExpired = { pageTitle: 'This link has expired or been used' }
    // A link e-mailed before the organisation turned password sign-in off: no form, nothing set.
    const ownAccounts = { pageTitle: 'Your organisation signs in with its own accounts' }
    app.get<{ Params: { token: string } }>(journey.path, async (request, reply) => {
      const live = await users.checkToken(request.params.token, journey.purpose)
      if (!live) return reply.code(404).render('access/views/link-expired.njk', linkExpired)
      if (live.passwordSignInOff)
        return reply.code(403).render('access/views/signs-in-with-own-accounts.njk', ownAccounts)
      return reply.render('access/views/set-password.njk', {
        pageTitle: journey.title,
        email: live.email,
        action: request.url,
      })
    })
    app.post<{ Params: { token: string } }>(journey.path, limited, async (request, reply) => {
      const form = parseForm(setPasswordForm, request.body, setPasswordMessages)
      // The form's fields are text whatever is sent: it cannot fail (the service checks the password).
      const { password, confirmPassword } = form.ok ? form.value : { password: '', confirmPassword: '' }
      const token = request.params.token
      const result = await users.setPasswordWithToken(token, journey.purpose, password, confirmPassword)
      if (!result) return reply.code(404).render('access/views/link-expired.njk', linkExpired)
      if (result === 'password-sign-in-off')
        return reply.code(403).render('access/views/signs-in-with-own-accounts.njk', ownAccounts)
      if (!result.ok) {
        const live = await users.checkToken(token, journey.purpose)
        reply.code(400)
        return reply.render('access/views/set-password.njk', {
          pageTitle: journey.title,
          email: live?.email,
          action: request.url,
          errors: result.errors,
          errorList: errorSummary(result.errors, ['password', 'confirmPassword']),
        })
      }
      return reply.redirect(`${shellPaths.signIn()}?passwordSet=1`)
    })
  }
}
