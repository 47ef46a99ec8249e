import type { FastifyInstance, FastifyReply } from 'fastify'
import { csvText } from '../../domain/csv.ts'
import type { Actor } from '../../domain/policy.ts'
import { serviceTypeNames } from '../../domain/service-types.ts'
import { xlsxStream } from '../../domain/xlsx.ts'
import { notFound } from '../../web/errors.ts'
import { noticeFrom, signedNotice } from '../../web/flash.ts'
import { errorSummary, text } from '../../web/forms.ts'
import { requireSignIn, signedInActor } from '../../web/session.ts'
import { penceText } from './domain/charging.rules.ts'
import {
  moveKindNames,
  receiptSourceNames,
  receiptSources,
  storeKindNames,
  writeOffReasonNames,
  writeOffReasons,
} from './domain/stock.rules.ts'
import { ppePaths as paths } from './ppe-supply.paths.ts'
import { chargingFormFrom, moveFormFrom, thresholdFormFrom } from './ppe-supply.schemas.ts'
import type { PpeSupplyService } from './ppe-supply.service.ts'
import { type StoreMoveKind, storeMoveKinds } from './stock.service.ts'

const moveTitles: Record<StoreMoveKind, string> = {
  receipt: 'Record stock received',
  transfer: 'Transfer stock to another store',
  return: 'Record stock returned by a provider',
  write_off: 'Write off stock',
  count: 'Record a stock count',
}
const names = { moveKindNames, penceText, serviceTypeNames, moveTitles, storeKindNames }

export async function ppeStoreRoutes(app: FastifyInstance, deps: { ppeSupply: PpeSupplyService }) {
  const { stock, figures } = deps.ppeSupply
  app.addHook('preHandler', requireSignIn)

  app.get(paths.ppeStores.pattern, async (request, reply) => {
    const actor = signedInActor(request)
    const stores = await stock.stores(actor)
    if (!stores) throw notFound()
    return reply.render('ppe-supply/views/stores.njk', {
      pageTitle: 'PPE stores',
      stores,
      panel: await figures.panel(actor),
      mayManage: stock.mayAddStore(actor),
      flash: { done: noticeFrom(request, (request.query as Record<string, unknown>).done) },
      ...names,
    })
  })

  app.get<{ Params: { id: string } }>(paths.ppeStore.pattern, async (request, reply) => {
    const actor = signedInActor(request)
    const page = await stock.storePage(actor, request.params.id)
    if (!page) throw notFound()
    return reply.render('ppe-supply/views/store.njk', {
      pageTitle: page.store.name,
      ...page,
      flash: { done: noticeFrom(request, (request.query as Record<string, unknown>).done) },
      ...names,
    })
  })

  const moveView = async (
    actor: Actor,
    storeId: string,
    kind: StoreMoveKind,
    values: Record<string, string>,
    errors?: Record<string, string>,
  ) => {
    const context = await stock.moveFormFor(actor, storeId)
    if (!context) throw notFound()
    return {
      pageTitle: moveTitles[kind],
      kind,
      store: context.store,
      values,
      itemItems: [
        { value: '', text: 'Choose an item' },
        ...context.items.map((i) => ({
          value: i.id,
          text: `${i.name} (per ${i.unit})`,
          selected: i.id === values.itemId,
        })),
      ],
      storeItems: [
        { value: '', text: 'Choose a store' },
        ...context.otherStores.map((s) => ({
          value: s.id,
          text: s.name,
          selected: s.id === values.toStoreId,
        })),
      ],
      sourceItems: receiptSources.map((s) => ({
        value: s,
        text: receiptSourceNames[s],
        checked: values.source === s,
      })),
      reasonItems: writeOffReasons.map((r) => ({
        value: r,
        text: writeOffReasonNames[r],
        checked: values.reason === r,
      })),
      errors,
      errorList: errors
        ? errorSummary(
            errors,
            [
              'itemId',
              'quantity',
              'counted',
              'source',
              'supplier',
              'cost',
              'invoiceReference',
              'expiresOn',
              'toStoreId',
              'reason',
            ].filter((k) => errors[k]),
          )
        : undefined,
    }
  }
  const kindOf = (query: unknown): StoreMoveKind => {
    const kind = text((query as Record<string, unknown>).kind)
    return (storeMoveKinds as readonly string[]).includes(kind) ? (kind as StoreMoveKind) : 'receipt'
  }

  app.get<{ Params: { id: string } }>(paths.ppeStoreMove.pattern, async (request, reply) => {
    const actor = signedInActor(request)
    return reply.render(
      'ppe-supply/views/move.njk',
      await moveView(actor, request.params.id, kindOf(request.query), {}),
    )
  })

  app.post<{ Params: { id: string } }>(paths.ppeStoreMove.pattern, async (request, reply) => {
    const actor = signedInActor(request)
    const kind = kindOf(request.query)
    const form = moveFormFrom(request.body)
    const values = form.ok ? form.value : {}
    const result = form.ok ? await stock.recordMove(actor, request.params.id, kind, values) : form
    if (!result) throw notFound()
    if (!result.ok)
      return reply
        .code(400)
        .render(
          'ppe-supply/views/move.njk',
          await moveView(actor, request.params.id, kind, values, result.errors),
        )
    return reply.redirect(
      `${paths.ppeStore.build(request.params.id)}?done=${signedNotice(reply, result.value.message)}`,
    )
  })

  app.post<{ Params: { id: string } }>(paths.ppeThreshold.pattern, async (request, reply) => {
    const actor = signedInActor(request)
    const form = thresholdFormFrom(request.body)
    const result = form.ok ? await stock.setThreshold(actor, request.params.id, form.value) : form
    if (!result) throw notFound()
    if (!result.ok) {
      const page = await stock.storePage(actor, request.params.id)
      if (!page) throw notFound()
      return reply.code(400).render('ppe-supply/views/store.njk', {
        pageTitle: page.store.name,
        ...page,
        flash: {},
        errors: result.errors,
        errorList: errorSummary(result.errors),
        ...names,
      })
    }
    return reply.redirect(
      `${paths.ppeStore.build(request.params.id)}?done=${signedNotice(reply, 'Low-stock threshold saved')}`,
    )
  })

  const chargingPage = async (reply: FastifyReply, actor: Actor, extra: Record<string, unknown> = {}) => {
    const policy = await figures.policy(actor)
    if (!policy) throw notFound()
    return reply.render('ppe-supply/views/charging.njk', {
      pageTitle: 'PPE charging policy',
      ...policy,
      itemItems: [
        { value: '', text: 'Every item' },
        ...policy.items.map((i) => ({ value: i.id, text: i.name })),
      ],
      values: {},
      ...extra,
    })
  }

  app.get(paths.ppeCharging.pattern, async (request, reply) =>
    chargingPage(reply, signedInActor(request), { flash: request.query }),
  )

  app.post(paths.ppeCharging.pattern, async (request, reply) => {
    const actor = signedInActor(request)
    const form = chargingFormFrom(request.body)
    const values = form.ok ? form.value : {}
    const result = !form.ok
      ? form
      : values.form === 'recovery'
        ? await figures.changeRecovery(actor, values)
        : await figures.addChargingRule(actor, values)
    if (!result) throw notFound()
    if (!result.ok)
      return chargingPage(reply.code(400), actor, {
        values,
        errors: result.errors,
        errorList: errorSummary(result.errors),
      })
    return reply.redirect(`${paths.ppeCharging.build()}?saved=1`)
  })

  // The chargeable issues for invoicing, per provider: on a page, as CSV and as XLSX.
  const chargeableFor = async (actor: Actor, query: Record<string, unknown>) => {
    const range = figures.rangeFrom({ from: text(query.from), to: text(query.to) })
    const provider = text(query.provider)
    const list = range.ok ? await figures.chargeable(actor, range.value, provider) : null
    if (range.ok && !list) throw notFound()
    return { range, provider, list }
  }
  const invoiceHeader = [
    'Provider',
    'Location',
    'Request',
    'Date issued',
    'Item',
    'Quantity',
    'Unit price (£)',
    'Charge (£)',
  ]

  app.get(paths.ppeChargeable.pattern, async (request, reply) => {
    const actor = signedInActor(request)
    const query = request.query as Record<string, unknown>
    const { range, provider, list } = await chargeableFor(actor, query)
    const values = { from: text(query.from), to: text(query.to), provider }
    return reply.code(range.ok ? 200 : 400).render('ppe-supply/views/chargeable.njk', {
      pageTitle: 'Chargeable PPE issues',
      list,
      range: range.ok ? range.value : null,
      values: range.ok ? { ...values, ...range.value } : values,
      errors: range.ok ? undefined : range.errors,
      errorList: range.ok ? undefined : errorSummary(range.errors),
      exportQuery: range.ok ? { ...range.value, ...(provider ? { provider } : {}) } : {},
      ...names,
    })
  })

  app.get(paths.ppeChargeableCsv.pattern, async (request, reply) => {
    const { range, list } = await chargeableFor(
      signedInActor(request),
      request.query as Record<string, unknown>,
    )
    if (!range.ok || !list) throw notFound()
    const csv = csvText([
      invoiceHeader,
      ...list.rows.map((r) => [
        r.providerName,
        r.locationName,
        r.reference ?? '',
        r.occurredOn,
        r.itemName,
        r.quantity,
        (r.unitPricePence / 100).toFixed(2),
        (r.chargedPence / 100).toFixed(2),
      ]),
      ['Total', '', '', '', '', '', '', (list.totalPence / 100).toFixed(2)],
    ])
    reply.header(
      'content-disposition',
      `attachment; filename="ppe-chargeable-${range.value.from}-to-${range.value.to}.csv"`,
    )
    return reply.type('text/csv; charset=utf-8').send(csv)
  })

  app.get(paths.ppeChargeableXlsx.pattern, async (request, reply) => {
    const { range, list } = await chargeableFor(
      signedInActor(request),
      request.query as Record<string, unknown>,
    )
    if (!range.ok || !list) throw notFound()
    type Line = (typeof list.rows)[number] | { total: number }
    const lines: Line[] = [...list.rows, { total: list.totalPence }]
    const stream = xlsxStream(
      invoiceHeader,
      (async function* () {
        yield lines
      })(),
      (r: Line) =>
        'total' in r
          ? ['Total', '', '', '', '', null, null, r.total / 100]
          : [
              r.providerName,
              r.locationName,
              r.reference ?? '',
              r.occurredOn,
              r.itemName,
              r.quantity,
              r.unitPricePence / 100,
              r.chargedPence / 100,
            ],
      'Chargeable PPE',
    )
    reply.header(
      'content-disposition',
      `attachment; filename="ppe-chargeable-${range.value.from}-to-${range.value.to}.xlsx"`,
    )
    return reply.type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet').send(stream)
  })

  app.get(paths.ppeFigures.pattern, async (request, reply) => {
    const actor = signedInActor(request)
    const query = request.query as Record<string, unknown>
    const range = figures.rangeFrom({ from: text(query.from), to: text(query.to) })
    const result = range.ok ? await figures.figures(actor, range.value) : null
    if (range.ok && !result) throw notFound()
    return reply.code(range.ok ? 200 : 400).render('ppe-supply/views/figures.njk', {
      pageTitle: 'PPE figures',
      ...(result ?? {}),
      range: range.ok ? range.value : null,
      values: range.ok ? range.value : { from: text(query.from), to: text(query.to) },
      errors: range.ok ? undefined : range.errors,
      errorList: range.ok ? undefined : errorSummary(range.errors),
      ...names,
    })
  })
}
