import type { FastifyInstance } from 'fastify'
import type { z } from 'zod'
import { notFound } from '../../web/errors.ts'
import { parseForm } from '../../web/form-schema.ts'
import { toFirstDateField } from '../../web/forms.ts'
import { requireSignIn, signedInActor } from '../../web/session.ts'
import type { FieldError } from './domain/dataset.ts'
import { type ExceptionDraft, exceptionInWords, nilReasons } from './domain/exceptions.ts'
import type { NilReturnService } from './nil-return.ts'
import {
  endExceptionForm,
  endExceptionFormMessages,
  exceptionForm,
  exceptionFormMessages,
  nilReturnForm,
  nilReturnFormMessages,
} from './return-exceptions.forms.ts'
import type { ReturnExceptionsService } from './return-exceptions.service.ts'
import { returnsPaths as paths } from './returns.paths.ts'
import type { ReturnsService } from './returns.service.ts'

// The pages of nil returns ("nothing to report" for a location's period) and of agreed exceptions (a
// location's list and history; an officer's grant, checked before it is saved; ending one).

const errorsOf = (errors: FieldError[]) => ({
  errors: Object.fromEntries(errors.map((e) => [e.field, e.message])),
  errorList: toFirstDateField(errors.map((e) => ({ text: e.message, href: `#${e.field}` }))),
})

function draftOf(v: z.output<typeof exceptionForm>): ExceptionDraft {
  return {
    kind: v.kind,
    extraHours: v.extraHours,
    startsDay: v['startsDate-day'],
    startsMonth: v['startsDate-month'],
    startsYear: v['startsDate-year'],
    lastDay: v['lastDate-day'],
    lastMonth: v['lastDate-month'],
    lastYear: v['lastDate-year'],
    reason: v.reason,
  }
}

export async function returnExceptionsRoutes(
  app: FastifyInstance,
  options: { returns: ReturnsService; nilReturns: NilReturnService; exceptions: ReturnExceptionsService },
) {
  const { returns, nilReturns, exceptions } = options
  app.addHook('preHandler', requireSignIn)

  type Form = NonNullable<Awaited<ReturnType<ReturnsService['formFor']>>>
  const nilPage = (form: Form, values: Record<string, string>, extra: Record<string, unknown> = {}) => ({
    pageTitle: `Nothing to report for ${form.location.name}`,
    form,
    values,
    reasonItems: nilReasons.map((r, i) => ({
      value: r.value,
      text: r.label,
      id: i === 0 ? 'nilReason' : undefined,
      checked: values.nilReason === r.value,
    })),
    ...extra,
  })

  app.get<{ Params: { id: string } }>(paths.nilReturn.pattern, async (request, reply) => {
    const form = await returns.formFor(signedInActor(request), request.params.id)
    if (!form) throw notFound()
    return reply.render('returns/views/nil-return.njk', nilPage(form, {}))
  })

  app.post<{ Params: { id: string } }>(paths.nilReturn.pattern, async (request, reply) => {
    const actor = signedInActor(request)
    const parsed = parseForm(nilReturnForm, request.body, nilReturnFormMessages)
    if (!parsed.ok) throw new Error('the nil return form’s schema refuses nothing')
    // For the period the page offered (the one before, while this one's return is not open yet).
    const offered = await returns.formFor(actor, request.params.id)
    if (!offered) throw notFound()
    const result = await nilReturns.submitNil(actor, request.params.id, parsed.value, {
      periodStart: offered.period.start,
    })
    if (result.ok) return reply.redirect(paths.situationReturn.build(result.returnId, { submitted: true }))
    if ('notFound' in result || 'unclaimed' in result) throw notFound()
    // Read again: a version may have arrived meanwhile.
    const form = await returns.formFor(actor, request.params.id)
    if (!form) throw notFound()
    const errors =
      'conflict' in result
        ? [
            {
              field: 'amendmentReason',
              message: 'A return for this period arrived meanwhile: check it first',
            },
          ]
        : result.errors
    return reply
      .code(400)
      .render('returns/views/nil-return.njk', nilPage(form, parsed.value, errorsOf(errors)))
  })

  app.get<{ Params: { id: string }; Querystring: { granted?: string; ended?: string } }>(
    paths.returnExceptions.pattern,
    async (request, reply) => {
      const found = await exceptions.forLocation(signedInActor(request), request.params.id)
      if (!found) throw notFound()
      return reply.render('returns/views/return-exceptions.njk', {
        pageTitle: `Agreed exceptions for ${found.location.name}`,
        ...found,
        granted: Boolean(request.query.granted),
        ended: Boolean(request.query.ended),
      })
    },
  )

  const exceptionPage = (
    location: { id: string; name: string },
    values: Record<string, string>,
    extra: Record<string, unknown> = {},
  ) => ({
    pageTitle: `Agree an exception for ${location.name}`,
    location,
    values,
    ...extra,
  })

  app.get<{ Params: { id: string } }>(paths.newReturnException.pattern, async (request, reply) => {
    const found = await exceptions.forLocation(signedInActor(request), request.params.id)
    if (!found?.mayManage) throw notFound()
    return reply.render('returns/views/return-exception-form.njk', exceptionPage(found.location, {}))
  })

  // The form posts here: with errors it comes back; without, the exception is shown to check; from the
  // check page (`action: confirm`) it is saved.
  app.post<{ Params: { id: string } }>(paths.newReturnException.pattern, async (request, reply) => {
    const actor = signedInActor(request)
    const parsed = parseForm(exceptionForm, request.body, exceptionFormMessages)
    if (!parsed.ok) throw new Error('the exception form’s schema refuses nothing')
    const found = await exceptions.forLocation(actor, request.params.id)
    if (!found?.mayManage) throw notFound()
    const values = parsed.value
    const draft = draftOf(values)
    const result =
      values.action === 'confirm'
        ? await exceptions.grant(actor, found.location.id, draft)
        : await exceptions.check(actor, found.location.id, draft)
    if (!result) throw notFound()
    if (!result.ok)
      return reply
        .code(400)
        .render(
          'returns/views/return-exception-form.njk',
          exceptionPage(found.location, values, errorsOf(result.errors)),
        )
    if (values.action === 'confirm')
      return reply.redirect(paths.returnExceptions.build(found.location.id, 'granted'))
    const checked = 'value' in result ? result.value : null
    if (values.action === 'change' || !checked)
      return reply.render('returns/views/return-exception-form.njk', exceptionPage(found.location, values))
    return reply.render('returns/views/return-exception-check.njk', {
      ...exceptionPage(found.location, values),
      pageTitle: 'Check the exception before saving it',
      checked,
      inWords: exceptionInWords(checked),
      hidden: Object.entries(values)
        .filter(([k]) => k !== 'action')
        .map(([name, value]) => ({ name, value })),
    })
  })

  app.get<{ Params: { id: string } }>(paths.endReturnException.pattern, async (request, reply) => {
    const found = await exceptions.toEnd(signedInActor(request), request.params.id)
    if (!found) throw notFound()
    return reply.render('returns/views/end-return-exception.njk', {
      pageTitle: `End the exception for ${found.location.name}`,
      ...found,
      values: {},
    })
  })

  app.post<{ Params: { id: string } }>(paths.endReturnException.pattern, async (request, reply) => {
    const actor = signedInActor(request)
    const parsed = parseForm(endExceptionForm, request.body, endExceptionFormMessages)
    if (!parsed.ok) throw new Error('the end form’s schema refuses nothing')
    const result = await exceptions.end(actor, request.params.id, parsed.value.endReason)
    if (!result) throw notFound()
    if (result.ok) return reply.redirect(paths.returnExceptions.build(result.locationId, 'ended'))
    const found = await exceptions.toEnd(actor, request.params.id)
    if (!found) throw notFound()
    return reply.code(400).render('returns/views/end-return-exception.njk', {
      pageTitle: `End the exception for ${found.location.name}`,
      ...found,
      values: parsed.value,
      ...errorsOf(result.errors),
    })
  })
}
