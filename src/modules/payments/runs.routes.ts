import type { FastifyInstance } from 'fastify'
import { csvText } from '../../domain/csv.ts'
import { can } from '../../domain/policy.ts'
import { xlsxStream } from '../../domain/xlsx.ts'
import { forbidden, notFound } from '../../web/errors.ts'
import { errorSummary, pageNumber, pagination, toFirstDateField } from '../../web/forms.ts'
import { requireSignIn, signedInActor } from '../../web/session.ts'
import { roundingRule } from './domain/calculation.ts'
import { dayInWords } from './domain/dates.ts'
import { pounds, poundsPlain } from './domain/money.ts'
import { paymentsPaths as paths } from './payments.paths.ts'
import { correctFormFrom, holdFormFrom, postedDate } from './payments.schemas.ts'
import type { RunService } from './runs.service.ts'

const pageSize = 50
const view = { pounds, dayInWords, roundingRule }

const exportHeader = [
  'Run',
  'Provider',
  'Location',
  'Package',
  'Scheme',
  'Amount (£)',
  'How it is worked out',
  'Held',
  'Why held',
  'Paid on',
] as const

// Payment runs: prepared for a period, reviewed, a line held, approved by a second officer, paid.
export async function runRoutes(app: FastifyInstance, deps: { runs: RunService }) {
  const { runs } = deps
  app.addHook('preHandler', requireSignIn)

  const runForm = (values: Record<string, string>, errors?: Record<string, string>) => ({
    pageTitle: 'Prepare a payment run',
    values,
    errors,
    errorList: errors ? toFirstDateField(errorSummary(errors, ['fromDate', 'toDate'])) : undefined,
  })

  app.get(paths.newRun.pattern, async (request, reply) => {
    if (!can(signedInActor(request), 'payments:prepare')) throw forbidden()
    return reply.render('payments/views/run-form.njk', runForm({}))
  })

  app.post(paths.newRun.pattern, async (request, reply) => {
    const actor = signedInActor(request)
    const body = request.body as Record<string, string>
    const result = await runs.prepare(actor, {
      from: postedDate(body, 'fromDate'),
      to: postedDate(body, 'toDate'),
    })
    if (!result) throw forbidden()
    if (!result.ok) return reply.code(400).render('payments/views/run-form.njk', runForm(body, result.errors))
    return reply.redirect(paths.paymentRun.build(result.value.id))
  })

  async function runPage(
    request: { params: { id: string }; query: unknown },
    errors?: Record<string, string>,
  ) {
    const actor = signedInActor(request as never)
    const page = pageNumber((request.query as Record<string, unknown>)?.page)
    const found = await runs.get(actor, request.params.id, page, pageSize)
    if (!found) throw notFound()
    return {
      pageTitle: `Payment run ${found.run.reference}`,
      ...found,
      pagination: pagination(paths.paymentRun.build(found.run.id), {}, page, pageSize, found.lineCount),
      errors,
      errorList: errors ? toFirstDateField(errorSummary(errors)) : undefined,
      ...view,
    }
  }

  app.get<{ Params: { id: string } }>(paths.paymentRun.pattern, async (request, reply) =>
    reply.render('payments/views/run.njk', await runPage(request)),
  )

  // Check before approving: what the run pays, then the button.
  app.get<{ Params: { id: string } }>(paths.approveRun.pattern, async (request, reply) => {
    const page = await runPage(request)
    if (!page.mayApprove) throw notFound()
    return reply.render('payments/views/approve-check.njk', {
      ...page,
      pageTitle: `Approve payment run ${page.run.reference}`,
    })
  })

  app.post<{ Params: { id: string } }>(paths.approveRun.pattern, async (request, reply) => {
    const result = await runs.approve(signedInActor(request), request.params.id)
    if (!result) throw notFound()
    if (!result.ok)
      return reply.code(400).render('payments/views/run.njk', await runPage(request, result.errors))
    return reply.redirect(paths.paymentRun.build(request.params.id))
  })

  app.post<{ Params: { id: string } }>(paths.recordPayment.pattern, async (request, reply) => {
    const result = await runs.recordPayment(
      signedInActor(request),
      request.params.id,
      postedDate(request.body, 'paidDate'),
    )
    if (!result) throw notFound()
    if (!result.ok)
      return reply.code(400).render('payments/views/run.njk', await runPage(request, result.errors))
    return reply.redirect(paths.paymentRun.build(request.params.id))
  })

  async function linePage(
    actor: ReturnType<typeof signedInActor>,
    id: string,
    extra: Record<string, unknown> = {},
  ) {
    const found = await runs.getLine(actor, id)
    if (!found) throw notFound()
    return { pageTitle: `Payment to ${found.line.providerName}`, ...found, ...view, ...extra }
  }

  app.get<{ Params: { id: string } }>(paths.paymentLine.pattern, async (request, reply) =>
    reply.render('payments/views/line.njk', await linePage(signedInActor(request), request.params.id)),
  )

  app.post<{ Params: { id: string } }>(paths.holdLine.pattern, async (request, reply) => {
    const actor = signedInActor(request)
    const form = holdFormFrom(request.body)
    const reason = form.ok ? form.value.reason : ''
    const result = await runs.hold(actor, request.params.id, reason)
    if (!result) throw notFound()
    if (!result.ok)
      return reply.code(400).render(
        'payments/views/line.njk',
        await linePage(actor, request.params.id, {
          errors: result.errors,
          errorList: errorSummary(result.errors),
          values: { reason },
        }),
      )
    return reply.redirect(paths.paymentRun.build(result.value.runId))
  })

  app.post<{ Params: { id: string } }>(paths.correctLine.pattern, async (request, reply) => {
    const actor = signedInActor(request)
    const form = correctFormFrom(request.body)
    const values = form.ok ? form.value : { amount: '', reason: '' }
    const result = await runs.correct(actor, request.params.id, values)
    if (!result) throw notFound()
    if (!result.ok)
      return reply.code(400).render(
        'payments/views/line.njk',
        await linePage(actor, request.params.id, {
          errors: result.errors,
          errorList: errorSummary(result.errors, ['amount', 'reason']),
          values,
        }),
      )
    return reply.redirect(paths.paymentRun.build(result.value.id))
  })

  const cells = (
    l: Awaited<ReturnType<RunService['exportLines']>> extends infer R
      ? R extends { lines: (infer L)[] }
        ? L
        : never
      : never,
  ) => [
    l.runReference,
    l.providerName,
    l.locationName,
    l.packageReference,
    l.schemeName ?? (l.correctsLineId ? 'Correction' : ''),
    poundsPlain(l.amountPence),
    l.explanation,
    l.held ? 'Yes' : 'No',
    l.holdReason,
    l.paidOn,
  ]

  app.get<{ Params: { id: string } }>(paths.paymentRunCsv.pattern, async (request, reply) => {
    const found = await runs.exportLines(signedInActor(request), request.params.id)
    if (!found) throw notFound()
    return reply
      .header('content-type', 'text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="payment-run-${found.run.reference}.csv"`)
      .send(csvText([exportHeader, ...found.lines.map(cells)]))
  })

  app.get<{ Params: { id: string } }>(paths.paymentRunXlsx.pattern, async (request, reply) => {
    const found = await runs.exportLines(signedInActor(request), request.params.id)
    if (!found) throw notFound()
    async function* batches() {
      yield found!.lines
    }
    return reply
      .header('content-type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
      .header('content-disposition', `attachment; filename="payment-run-${found.run.reference}.xlsx"`)
      .send(xlsxStream(exportHeader, batches(), cells, `Run ${found.run.reference}`))
  })
}
