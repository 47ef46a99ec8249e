import type { FastifyInstance } from 'fastify'
import { londonDate, londonTime, partsFromIsoDate } from '../../domain/dates.ts'
import type { Actor } from '../../domain/policy.ts'
import { notFound } from '../../web/errors.ts'
import { errorSummary, text } from '../../web/forms.ts'
import { requireSignIn, signedInActor } from '../../web/session.ts'
import { penceText } from './domain/charging.rules.ts'
import { requestStatusNames, requestStatusTagClasses } from './domain/request.rules.ts'
import { ppePaths as paths } from './ppe-supply.paths.ts'
import { decisionFormFrom, deliveryFormFrom, pickFormFrom, requestFormFrom } from './ppe-supply.schemas.ts'
import type { PpeSupplyService } from './ppe-supply.service.ts'

const names = { ppeStatusNames: requestStatusNames, ppeStatusTags: requestStatusTagClasses, penceText }
const yesNo = (value: string | undefined) => [
  { value: 'yes', text: 'Yes', checked: value === 'yes' },
  { value: 'no', text: 'No', checked: value === 'no' },
]

const fromReturnReason = 'We asked for help with PPE in our situation return.'

export async function ppeRequestRoutes(app: FastifyInstance, deps: { ppeSupply: PpeSupplyService }) {
  const requests = deps.ppeSupply.requests
  app.addHook('preHandler', requireSignIn)

  app.get(paths.ppeRequests.pattern, async (request, reply) => {
    const actor = signedInActor(request)
    const status = text((request.query as Record<string, unknown>).status)
    const list = await requests.list(actor, { status })
    if (!list) throw notFound()
    const isProvider = actor.role === 'provider_manager'
    return reply.render('ppe-supply/views/requests.njk', {
      pageTitle: isProvider ? 'Your PPE requests' : 'Emergency PPE requests',
      isProvider,
      requests: list,
      status,
      statusItems: [
        { value: '', text: 'Open requests', selected: status === '' },
        ...Object.entries(requestStatusNames).map(([value, t]) => ({
          value,
          text: t,
          selected: status === value,
        })),
      ],
      ...names,
    })
  })

  const formView = async (actor: Actor, values: Record<string, string>, errors?: Record<string, string>) => {
    const context = await requests.formFor(actor)
    if (!context) throw notFound()
    const locationId = values.locationId || (context.locations.length === 1 ? context.locations[0]!.id : '')
    const items = locationId
      ? await requests.itemsForLocation(locationId)
      : await requests.itemsForLocation(context.locations[0]?.id ?? '')
    const order = [
      'locationId',
      'items',
      ...items.flatMap((i) => [`quantity-${i.id}`, `cover-${i.id}`]),
      'hasCases',
      'outbreak',
      'notes',
    ]
    return {
      pageTitle: 'Ask for emergency PPE',
      isProvider: context.channel === 'web',
      values: { ...values, locationId },
      items,
      locationItems: [
        { value: '', text: 'Choose a location' },
        ...context.locations.map((l) => ({ value: l.id, text: l.name, selected: l.id === locationId })),
      ],
      hasCasesItems: yesNo(values.hasCases),
      outbreakItems: yesNo(values.outbreak),
      errors,
      errorList: errors
        ? errorSummary(
            errors,
            order.filter((k) => errors[k]),
          )
        : undefined,
    }
  }

  app.get(paths.newPpeRequest.pattern, async (request, reply) => {
    const actor = signedInActor(request)
    const query = request.query as Record<string, unknown>
    const locationId = text(query.locationId)
    // From the return's "help requested: PPE": the location is chosen and the reason given.
    const notes = text(query.from) === 'return' ? fromReturnReason : ''
    return reply.render('ppe-supply/views/new-request.njk', await formView(actor, { locationId, notes }))
  })

  app.post(paths.newPpeRequest.pattern, async (request, reply) => {
    const actor = signedInActor(request)
    const form = requestFormFrom(request.body)
    const values = form.ok ? form.value : {}
    // The CSRF token is the form's own, not the request's: it is not carried to the check page.
    const { action, _csrf: _token, ...typed } = values
    if (action === 'change')
      return reply.render('ppe-supply/views/new-request.njk', await formView(actor, typed))
    if (action === 'send') {
      const sent = await requests.send(actor, typed)
      if (!sent) throw notFound()
      if (!sent.ok)
        return reply
          .code(400)
          .render('ppe-supply/views/new-request.njk', await formView(actor, typed, sent.errors))
      return reply.redirect(`${paths.ppeRequest.build(sent.value.id)}?sent=1`)
    }
    const checked = await requests.check(actor, typed)
    if (!checked) throw notFound()
    if (!checked.ok)
      return reply
        .code(400)
        .render('ppe-supply/views/new-request.njk', await formView(actor, typed, checked.errors))
    return reply.render('ppe-supply/views/check-request.njk', {
      pageTitle: 'Check your request before sending it',
      checked: checked.value,
      hidden: Object.entries(typed).filter(([, v]) => v !== ''),
    })
  })

  const requestPage = async (actor: Actor, id: string, extra: Record<string, unknown> = {}) => {
    const found = await requests.get(actor, id)
    if (!found) throw notFound()
    const r = found.request
    const now = deps.ppeSupply.now()
    const today = partsFromIsoDate(londonDate(now))
    const errors = (extra.errors ?? undefined) as Record<string, string> | undefined
    return {
      pageTitle: `PPE request ${r.reference}`,
      ...found,
      isProvider: actor.role === 'provider_manager',
      storeItems: [
        { value: '', text: 'Choose a store' },
        ...found.stores.map((s) => ({ value: s.id, text: s.name })),
      ],
      deliveryDefaults: { ...today, time: londonTime(now) },
      values: {},
      ...names,
      ...extra,
      errorList: errors ? errorSummary(errors) : undefined,
    }
  }

  app.get<{ Params: { id: string } }>(paths.ppeRequest.pattern, async (request, reply) => {
    const actor = signedInActor(request)
    return reply.render(
      'ppe-supply/views/request.njk',
      await requestPage(actor, request.params.id, { flash: request.query }),
    )
  })

  // Each step: the form's fields, the service's step, back to the request (or its errors, 400).
  const stepRoute = (
    pattern: string,
    parse: (
      body: unknown,
    ) => { ok: true; value: Record<string, string> } | { ok: false; errors: Record<string, string> },
    run: (actor: Actor, id: string, form: Record<string, string>) => ReturnType<typeof requests.decide>,
    done: string,
  ) =>
    app.post<{ Params: { id: string } }>(pattern, async (request, reply) => {
      const actor = signedInActor(request)
      const form = parse(request.body)
      const result = form.ok ? await run(actor, request.params.id, form.value) : form
      if (!result) throw notFound()
      if (!result.ok)
        return reply.code(400).render(
          'ppe-supply/views/request.njk',
          await requestPage(actor, request.params.id, {
            errors: result.errors,
            values: form.ok ? form.value : {},
            flash: {},
          }),
        )
      return reply.redirect(`${paths.ppeRequest.build(request.params.id)}?${done}=1`)
    })

  stepRoute(paths.decidePpeRequest.pattern, decisionFormFrom, requests.decide, 'decided')
  stepRoute(paths.pickPpeRequest.pattern, pickFormFrom, requests.pick, 'picked')
  stepRoute(
    paths.dispatchPpeRequest.pattern,
    (body) => ({ ok: true, value: (body ?? {}) as Record<string, string> }),
    (actor, id) => requests.dispatch(actor, id),
    'dispatched',
  )
  stepRoute(paths.deliverPpeRequest.pattern, deliveryFormFrom, requests.deliver, 'delivered')
}
