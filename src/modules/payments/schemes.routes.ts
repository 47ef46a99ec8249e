import type { FastifyInstance } from 'fastify'
import { can } from '../../domain/policy.ts'
import { serviceTypeNames, serviceTypes } from '../../domain/service-types.ts'
import { forbidden } from '../../web/errors.ts'
import { errorSummary, toFirstDateField } from '../../web/forms.ts'
import { requireSignIn, signedInActor } from '../../web/session.ts'
import { roundingRule } from './domain/calculation.ts'
import { dayInWords } from './domain/dates.ts'
import { percentText, pounds } from './domain/money.ts'
import { schemeFieldOrder } from './domain/scheme-form.ts'
import { funderNames, schemeKindNames, schemeKinds } from './domain/schemes.ts'
import { paymentsPaths as paths } from './payments.paths.ts'
import { schemeFormFrom } from './payments.schemas.ts'
import type { SchemeService } from './schemes.service.ts'

const view = {
  pounds,
  percentText,
  dayInWords,
  schemeKinds,
  schemeKindNames,
  serviceTypes,
  serviceTypeNames,
  funderNames,
  voidSourceNames: {
    returns: 'The returns: beds the home reports vacant, from its latest return each week',
    list: 'A list of void beds uploaded by finance',
  },
  areaNames: { in: 'In the council’s area', out: 'Out of the council’s area', any: 'In or out of the area' },
}

// The payment schemes: the list, and a finance officer's form to add one (check your answers, then
// saved). Errors name the field; a scheme with any error saves nothing.
export async function schemeRoutes(app: FastifyInstance, deps: { schemes: SchemeService }) {
  const { schemes } = deps
  app.addHook('preHandler', requireSignIn)

  app.get(paths.schemes.pattern, async (request, reply) => {
    const actor = signedInActor(request)
    const list = await schemes.list(actor)
    if (!list) throw forbidden()
    return reply.render('payments/views/schemes.njk', {
      pageTitle: 'Payment schemes',
      schemes: list.map((s) => ({
        ...s,
        serviceTypesText: s.eligibility.serviceTypes.map((t) => serviceTypeNames[t]).join(', '),
      })),
      mayPrepare: can(actor, 'payments:prepare'),
      roundingRule,
      ...view,
    })
  })

  const form = (values: Record<string, unknown>, errors?: Record<string, string>) => ({
    pageTitle: 'Add a payment scheme',
    values,
    errors,
    errorList: errors ? toFirstDateField(errorSummary(errors, schemeFieldOrder)) : undefined,
    kindItems: schemeKinds.map((k) => ({ value: k, text: schemeKindNames[k], checked: values.kind === k })),
    typeItems: serviceTypes.map((t) => ({
      value: t,
      text: serviceTypeNames[t],
      checked: Array.isArray(values.serviceTypes) && values.serviceTypes.includes(t),
    })),
    ...view,
  })

  app.get(paths.newScheme.pattern, async (request, reply) => {
    if (!can(signedInActor(request), 'payments:prepare')) throw forbidden()
    return reply.render(
      'payments/views/scheme-form.njk',
      form({ contractedOnly: 'yes', area: 'any', funder: 'council', serviceTypes: [] }),
    )
  })

  // "check" shows the answers; "change" goes back to the form; "save" saves.
  app.post(paths.newScheme.pattern, async (request, reply) => {
    const actor = signedInActor(request)
    if (!can(actor, 'payments:prepare')) throw forbidden()
    const { input, action, posted } = schemeFormFrom(request.body)
    if (action === 'change') return reply.render('payments/views/scheme-form.njk', form(posted))
    const checked = await schemes.add(actor, input, action === 'save')
    if (!checked) throw forbidden()
    if (!checked.ok)
      return reply.code(400).render('payments/views/scheme-form.njk', form(posted, checked.errors))
    if (action === 'save') return reply.redirect(paths.schemes.build())
    return reply.render('payments/views/scheme-check.njk', {
      pageTitle: 'Check the scheme before saving it',
      scheme: checked.value,
      typesText: checked.value.serviceTypes.map((t) => serviceTypeNames[t]).join(', '),
      posted,
      ...view,
    })
  })
}
