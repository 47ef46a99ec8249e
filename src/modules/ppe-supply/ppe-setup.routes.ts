import type { FastifyInstance, FastifyReply } from 'fastify'
import type { Actor } from '../../domain/policy.ts'
import { notFound } from '../../web/errors.ts'
import { signedNotice } from '../../web/flash.ts'
import { errorSummary } from '../../web/forms.ts'
import { requireSignIn, signedInActor } from '../../web/session.ts'
import { penceText } from './domain/charging.rules.ts'
import { storeKindNames, storeKinds } from './domain/stock.rules.ts'
import { ppePaths as paths } from './ppe-supply.paths.ts'
import { itemFormFrom, priceFormFrom, storeFormFrom } from './ppe-supply.schemas.ts'
import type { PpeSupplyService } from './ppe-supply.service.ts'

// Setting up the council's PPE: its stores, its items and their dated prices (the PPE team's pages).
export async function ppeSetupRoutes(app: FastifyInstance, deps: { ppeSupply: PpeSupplyService }) {
  const { stock } = deps.ppeSupply
  app.addHook('preHandler', requireSignIn)

  const storeForm = (values: Record<string, string>, errors?: Record<string, string>) => ({
    pageTitle: 'Add a PPE store',
    values,
    kindItems: storeKinds.map((k) => ({ value: k, text: storeKindNames[k], checked: values.kind === k })),
    errors,
    errorList: errors
      ? errorSummary(
          errors,
          ['name', 'kind', 'address'].filter((k) => errors[k]),
        )
      : undefined,
  })

  app.get(paths.newPpeStore.pattern, async (request, reply) => {
    if (!stock.mayAddStore(signedInActor(request))) throw notFound()
    return reply.render('ppe-supply/views/new-store.njk', storeForm({}))
  })

  app.post(paths.newPpeStore.pattern, async (request, reply) => {
    const actor = signedInActor(request)
    const form = storeFormFrom(request.body)
    const values = form.ok ? form.value : {}
    const result = form.ok ? await stock.addStore(actor, values) : form
    if (!result) throw notFound()
    if (!result.ok)
      return reply.code(400).render('ppe-supply/views/new-store.njk', storeForm(values, result.errors))
    return reply.redirect(
      `${paths.ppeStore.build(result.value.id)}?done=${signedNotice(reply, `${result.value.name} added`)}`,
    )
  })

  const itemsPage = async (reply: FastifyReply, actor: Actor, extra: Record<string, unknown> = {}) => {
    const items = await stock.items(actor)
    if (!items) throw notFound()
    return reply.render('ppe-supply/views/items.njk', {
      pageTitle: 'PPE items and prices',
      items,
      mayManage: stock.mayAddStore(actor),
      penceText,
      ...extra,
    })
  }

  app.get(paths.ppeItems.pattern, async (request, reply) =>
    itemsPage(reply, signedInActor(request), { flash: request.query }),
  )

  const itemForm = (values: Record<string, string>, errors?: Record<string, string>) => ({
    pageTitle: 'Add a PPE item',
    values,
    errors,
    // A date's error links to its day box (GOV.UK date input pattern).
    errorList: errors
      ? errorSummary(
          errors,
          ['name', 'unit', 'packSize', 'price', 'effectiveFrom'].filter((k) => errors[k]),
        ).map((e) => (e.href === '#effectiveFrom' ? { ...e, href: '#effectiveFrom-day' } : e))
      : undefined,
  })

  app.get(paths.newPpeItem.pattern, async (request, reply) => {
    if (!stock.mayAddStore(signedInActor(request))) throw notFound()
    return reply.render('ppe-supply/views/new-item.njk', itemForm({}))
  })

  app.post(paths.newPpeItem.pattern, async (request, reply) => {
    const actor = signedInActor(request)
    const form = itemFormFrom(request.body)
    const values = form.ok ? form.value : {}
    const result = form.ok ? await stock.addItem(actor, values) : form
    if (!result) throw notFound()
    if (!result.ok)
      return reply.code(400).render('ppe-supply/views/new-item.njk', itemForm(values, result.errors))
    return reply.redirect(`${paths.ppeItems.build()}?added=1`)
  })

  app.post<{ Params: { id: string } }>(paths.ppeItemPrice.pattern, async (request, reply) => {
    const actor = signedInActor(request)
    const form = priceFormFrom(request.body)
    const result = form.ok ? await stock.setPrice(actor, request.params.id, form.value) : form
    if (!result) throw notFound()
    if (!result.ok)
      return itemsPage(reply.code(400), actor, {
        priceFor: request.params.id,
        priceValues: form.ok ? form.value : {},
        errors: result.errors,
        // Each item has its own price form: the summary links to this item's fields.
        errorList: errorSummary(result.errors).map((e) => ({
          ...e,
          href:
            e.href === '#price' ? `#price-${request.params.id}` : `#effectiveFrom-${request.params.id}-day`,
        })),
      })
    return reply.redirect(`${paths.ppeItems.build()}?priced=1`)
  })
}
