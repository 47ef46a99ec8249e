import rateLimit from '@fastify/rate-limit'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { parseForm } from '../../web/form-schema.ts'
import { errorSummary } from '../../web/forms.ts'
import { paths as shellPaths } from '../../web/paths.ts'
import { requireSignIn, sessionCookieName, signedInActor } from '../../web/session.ts'
import { accessPaths } from './access.paths.ts'
import { displayRecoveryCode, recoveryCodeCount } from './domain/two-step.rules.ts'
import {
  twoStepCodeForm,
  twoStepCodeMessages,
  twoStepSetUpForm,
  twoStepSetUpMessages,
} from './sign-in.forms.ts'
import { safeReturnTo } from './sign-in.routes.ts'
import type { TwoStepService } from './two-step.service.ts'
import { keyForTyping, keyUri, qrCodeSvg } from './two-step-codes.ts'
import { keyBeingSetUpMinutes } from './two-step-key-being-set-up.ts'

// The set-up page's sealed key, kept by the browser too so that the page refreshed, or opened in a
// second tab, shows the key already added to the app (two-step-key-being-set-up.ts).
const keyBeingSetUpCookie = 'carehub_two_step_set_up'
const keyBeingSetUpCookiePath = accessPaths.twoStepSetUp.build()

const lockedMessage =
  'This account is locked after too many wrong passwords or codes. Try again in 15 minutes, or reset your password.'

// Two-step sign-in's pages: the code after the password, setting it up (required roles are sent here
// until they have), and each person's own page to set it up, get new recovery codes or turn it off.
export async function twoStepRoutes(
  app: FastifyInstance,
  options: { twoStep: TwoStepService; signInRateLimit: number; cookieSecure: 'auto' | boolean },
) {
  const { twoStep } = options
  const secure = (request: FastifyRequest) =>
    options.cookieSecure === 'auto' ? request.protocol === 'https' : options.cookieSecure
  await app.register(rateLimit, { global: false })
  const limited = { config: { rateLimit: { max: options.signInRateLimit, timeWindow: '1 minute' } } }
  const form = (request: FastifyRequest) => {
    const parsed = parseForm(twoStepCodeForm, request.body, twoStepCodeMessages)
    return parsed.ok ? parsed.value : { code: '', returnTo: '' }
  }
  const query = (request: FastifyRequest) => request.query as Record<string, unknown>
  // Shown this once: only their hashes are kept.
  const renderRecoveryCodes = (reply: FastifyReply, codes: string[], banner: string, continueTo: string) =>
    reply.render('access/views/two-step-recovery-codes.njk', {
      pageTitle: 'Save your recovery codes',
      banner,
      recoveryCodes: codes.map(displayRecoveryCode),
      continueTo,
    })

  // ---- The code after the password
  const renderCode = (reply: FastifyReply, returnTo: string, errors?: Record<string, string>) =>
    reply.render('access/views/two-step-code.njk', {
      pageTitle: 'Enter the code from your authenticator app',
      returnTo,
      errors,
      errorList: errors ? errorSummary(errors, ['code']) : undefined,
    })

  app.get(accessPaths.twoStepCode.pattern, async (request, reply) => {
    if (request.actor) return reply.redirect(shellPaths.home())
    const pending = await twoStep.partialSession(request.cookies[sessionCookieName])
    if (!pending) return reply.redirect(shellPaths.signIn())
    if (pending.stage !== 'two_step_due') return reply.redirect(accessPaths.twoStepSetUp.build())
    return renderCode(reply, safeReturnTo(query(request).returnTo))
  })

  app.post(accessPaths.twoStepCode.pattern, limited, async (request, reply) => {
    if (request.actor) return reply.redirect(shellPaths.home())
    const { code, returnTo: typedReturnTo } = form(request)
    const returnTo = safeReturnTo(typedReturnTo)
    const result = await twoStep.enterCode(request.cookies[sessionCookieName], code)
    if (result.ok) {
      reply.startSession(result.sessionToken)
      return reply.redirect(returnTo)
    }
    if (result.reason === 'no-session') return reply.redirect(shellPaths.signIn())
    reply.code(400)
    if (result.reason === 'locked') {
      reply.clearCookie(sessionCookieName, { path: '/' })
      const errors = { email: lockedMessage }
      return reply.render('access/views/sign-in.njk', {
        pageTitle: 'Sign in',
        returnTo,
        values: {},
        errors,
        errorList: errorSummary(errors, ['email']),
      })
    }
    const errors = {
      code: code.trim()
        ? 'The code is not right: enter the 6-digit code your app shows now, or an unused recovery code'
        : 'Enter the 6-digit code from your authenticator app',
    }
    return renderCode(reply, returnTo, errors)
  })

  // ---- Setting it up: one whose role needs it (part signed in), or anyone signed in who chooses to
  async function whoIsSettingUp(request: FastifyRequest) {
    const sessionToken = request.cookies[sessionCookieName] ?? ''
    if (request.actor && request.signedInUser)
      return { userId: request.actor.userId, email: request.signedInUser.email, sessionToken }
    const pending = await twoStep.partialSession(sessionToken)
    if (pending?.stage !== 'two_step_setup_due') return null
    return { userId: pending.userId, email: pending.email, sessionToken, partialToken: sessionToken }
  }

  // `carried`: the sealed keys this browser was shown (the form's, then the cookie's): the first still
  // good is shown again, or a new one.
  async function renderSetUp(
    request: FastifyRequest,
    reply: FastifyReply,
    who: { userId: string; email: string; sessionToken: string; partialToken?: string },
    returnTo: string,
    carried: (string | undefined)[],
    errors?: Record<string, string>,
  ) {
    const shown = await twoStep.keyToSetUp(who, carried)
    // Set up already (in another window): one part signed in signs in again, and is asked for a code.
    if (!shown) {
      reply.clearCookie(keyBeingSetUpCookie, { path: keyBeingSetUpCookiePath })
      return reply.redirect(who.partialToken ? shellPaths.signIn() : accessPaths.twoStep.build(), 302)
    }
    reply.setCookie(keyBeingSetUpCookie, shown.sealed, {
      path: keyBeingSetUpCookiePath,
      httpOnly: true,
      sameSite: 'strict',
      secure: secure(request),
      maxAge: keyBeingSetUpMinutes * 60,
    })
    return reply.render('access/views/two-step-set-up.njk', {
      pageTitle: 'Set up two-step sign-in',
      qrCode: await qrCodeSvg(keyUri(shown.key, who.email)),
      key: keyForTyping(shown.key),
      keyBeingSetUp: shown.sealed,
      required: Boolean(who.partialToken),
      returnTo,
      errors,
      errorList: errors ? errorSummary(errors, ['code']) : undefined,
    })
  }

  // Shows a key and changes nothing on the server: the key is kept only once a code confirms it.
  app.get(accessPaths.twoStepSetUp.pattern, async (request, reply) => {
    const who = await whoIsSettingUp(request)
    if (!who) return requireSignIn(request, reply)
    const returnTo = safeReturnTo(query(request).returnTo)
    return renderSetUp(request, reply, who, returnTo, [request.cookies[keyBeingSetUpCookie]])
  })

  app.post(accessPaths.twoStepSetUp.pattern, limited, async (request, reply) => {
    const who = await whoIsSettingUp(request)
    if (!who) return requireSignIn(request, reply)
    const parsed = parseForm(twoStepSetUpForm, request.body, twoStepSetUpMessages)
    const {
      code,
      returnTo: typedReturnTo,
      keyBeingSetUp,
    } = parsed.ok ? parsed.value : { code: '', returnTo: '', keyBeingSetUp: '' }
    const returnTo = safeReturnTo(typedReturnTo)
    const result = await twoStep.confirmSetUp(who, keyBeingSetUp, code, who.partialToken)
    if (!result.ok)
      return renderSetUp(
        request,
        reply.code(400),
        who,
        returnTo,
        [keyBeingSetUp, request.cookies[keyBeingSetUpCookie]],
        result.errors,
      )
    reply.clearCookie(keyBeingSetUpCookie, { path: keyBeingSetUpCookiePath })
    if (result.value.sessionToken) reply.startSession(result.value.sessionToken)
    const continueTo = who.partialToken ? returnTo : accessPaths.twoStep.build()
    return renderRecoveryCodes(reply, result.value.recoveryCodes, 'Two-step sign-in is set up', continueTo)
  })

  // ---- Each person's own page
  const renderOwn = async (request: FastifyRequest, reply: FastifyReply, errors?: Record<string, string>) =>
    reply.render('access/views/two-step.njk', {
      pageTitle: 'Two-step sign-in',
      status: await twoStep.status(signedInActor(request)),
      flash: query(request),
      errors,
      errorList: errors ? errorSummary(errors, ['code']) : undefined,
    })

  app.get(accessPaths.twoStep.pattern, { preHandler: requireSignIn }, async (request, reply) =>
    renderOwn(request, reply),
  )

  app.post(
    accessPaths.twoStepTurnOff.pattern,
    { ...limited, preHandler: requireSignIn },
    async (request, reply) => {
      const token = request.cookies[sessionCookieName] ?? ''
      const result = await twoStep.turnOff(signedInActor(request), form(request).code, token)
      if (result.ok) return reply.redirect(`${accessPaths.twoStep.build()}?turnedOff=1`)
      if (result.reason === 'invalid') return renderOwn(request, reply.code(400), result.errors)
      return lockedOut(reply, result.signedOut, (r) => renderOwn(request, r, { code: lockedMessage }))
    },
  )

  // ---- New recovery codes, in place of the old ones, for one who has used some up or lost the list
  const renderNewCodes = (reply: FastifyReply, errors?: Record<string, string>) =>
    reply.render('access/views/two-step-new-recovery-codes.njk', {
      pageTitle: 'Get new recovery codes',
      recoveryCodeCount,
      errors,
      errorList: errors ? errorSummary(errors, ['code']) : undefined,
    })

  app.get(
    accessPaths.twoStepNewRecoveryCodes.pattern,
    { preHandler: requireSignIn },
    async (request, reply) => {
      const { setUpAt } = await twoStep.status(signedInActor(request))
      return setUpAt ? renderNewCodes(reply) : reply.redirect(accessPaths.twoStep.build())
    },
  )

  app.post(
    accessPaths.twoStepNewRecoveryCodes.pattern,
    { ...limited, preHandler: requireSignIn },
    async (request, reply) => {
      const token = request.cookies[sessionCookieName] ?? ''
      const result = await twoStep.replaceRecoveryCodes(signedInActor(request), form(request).code, token)
      if (result.ok) {
        const banner = 'You have new recovery codes: your old ones no longer work'
        return renderRecoveryCodes(reply, result.recoveryCodes, banner, accessPaths.twoStep.build())
      }
      if (result.reason === 'not-set-up') return reply.redirect(accessPaths.twoStep.build())
      if (result.reason === 'invalid') return renderNewCodes(reply.code(400), result.errors)
      return lockedOut(reply, result.signedOut, (r) => renderNewCodes(r, { code: lockedMessage }))
    },
  )

  // Locked by wrong codes: when that ended this session, sent to sign in, which says why; else the
  // page again, saying the account is locked.
  function lockedOut(reply: FastifyReply, signedOut: boolean, renderLocked: (r: FastifyReply) => unknown) {
    if (!signedOut) return renderLocked(reply.code(400))
    reply.clearCookie(sessionCookieName, { path: '/' })
    return reply.redirect(`${shellPaths.signIn()}?locked=1`)
  }
}
