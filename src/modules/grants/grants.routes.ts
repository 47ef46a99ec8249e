import type { FastifyInstance, FastifyReply } from 'fastify'
import { csvText } from '../../domain/csv.ts'
import { dateInWords } from '../../domain/dates.ts'
import type { Actor } from '../../domain/policy.ts'
import { xlsxStream } from '../../domain/xlsx.ts'
import { notFound } from '../../web/errors.ts'
import { flashFrom } from '../../web/flash.ts'
import { errorSummary, text, toFirstDateField } from '../../web/forms.ts'
import { requireSignIn, signedInActor } from '../../web/session.ts'
import { acceptUploads, receiveUpload } from '../../web/uploads.ts'
import { defaultFundColumn } from './domain/fund-table.ts'
import { pounds } from './domain/money.ts'
import { type RoundForm, roundFieldOrder } from './domain/round-rules.ts'
import { allocationRoutes } from './grant-allocations.routes.ts'
import { grantsPaths as paths } from './grants.paths.ts'
import { roundFormFrom } from './grants.schemas.ts'
import { type GrantsService, mayManageGrants } from './grants.service.ts'
import { basisItems, roundFormValues, roundPageView, ruleItems } from './grants.view-model.ts'

const fundTableMaxBytes = 2 * 1024 * 1024

export async function grantRoutes(app: FastifyInstance, deps: { grants: GrantsService }) {
  const { grants } = deps
  app.addHook('onRequest', requireSignIn)
  await acceptUploads(app, { maxBytes: fundTableMaxBytes, fields: 5 })
  await app.register(allocationRoutes, { grants })

  app.get(paths.grants.pattern, async (request, reply) => {
    const actor = signedInActor(request)
    const found = await grants.list(actor)
    if (!found) throw notFound()
    return reply.render('grants/views/rounds.njk', {
      pageTitle: 'Grants',
      rounds: found.rounds.map((r) => ({
        ...r,
        pot: pounds(BigInt(r.potPence)),
        on: dateInWords(r.roundDate),
      })),
      mayManage: found.mayManage,
    })
  })

  const formView = (
    title: string,
    action: string,
    values: RoundForm,
    errors?: Record<string, string>,
    back = paths.grants.build(),
  ) => ({
    pageTitle: title,
    action,
    back,
    values,
    basisItems: basisItems(values.basis),
    ruleItems: ruleItems(values.rules),
    errors,
    errorList: errors ? toFirstDateField(errorSummary(errors, roundFieldOrder)) : undefined,
  })

  app.get(paths.newGrantRound.pattern, async (request, reply) => {
    const actor = signedInActor(request)
    if (!mayManageGrants(actor)) throw notFound()
    return reply.render(
      'grants/views/round-form.njk',
      formView('Set up a grant round', paths.newGrantRound.build(), roundFormValues()),
    )
  })

  app.post(paths.newGrantRound.pattern, async (request, reply) => {
    const actor = signedInActor(request)
    const form = roundFormFrom(request.body)
    const values = form.ok ? form.value : roundFormValues()
    const result = form.ok ? await grants.createRound(actor, form.value) : form
    if (!result) throw notFound()
    if (!result.ok)
      return reply
        .code(400)
        .render(
          'grants/views/round-form.njk',
          formView('Set up a grant round', paths.newGrantRound.build(), values, result.errors),
        )
    return reply.redirect(`${paths.grantRound.build(result.value.id)}?created=1`)
  })

  app.get<{ Params: { id: string } }>(paths.changeGrantRound.pattern, async (request, reply) => {
    const actor = signedInActor(request)
    const page = await grants.round(actor, request.params.id)
    if (!page?.mayManage || page.round.status !== 'draft') throw notFound()
    const id = request.params.id
    return reply.render(
      'grants/views/round-form.njk',
      formView(
        'Change the round',
        paths.changeGrantRound.build(id),
        roundFormValues(page.round, page.tranches),
        undefined,
        paths.grantRound.build(id),
      ),
    )
  })

  app.post<{ Params: { id: string } }>(paths.changeGrantRound.pattern, async (request, reply) => {
    const actor = signedInActor(request)
    const id = request.params.id
    const form = roundFormFrom(request.body)
    const result = form.ok ? await grants.changeRound(actor, id, form.value) : form
    if (!result) throw notFound()
    if (!result.ok) {
      if (!(await grants.roundFor(actor, id))) throw notFound()
      return reply
        .code(400)
        .render(
          'grants/views/round-form.njk',
          formView(
            'Change the round',
            paths.changeGrantRound.build(id),
            form.ok ? form.value : roundFormValues(),
            result.errors,
            paths.grantRound.build(id),
          ),
        )
    }
    return reply.redirect(`${paths.grantRound.build(id)}?changed=1`)
  })

  const renderRound = async (
    actor: Actor,
    id: string,
    reply: FastifyReply,
    extra: Record<string, unknown> = {},
    status = 200,
  ) => {
    const page = await grants.round(actor, id)
    if (!page) throw notFound()
    return reply.code(status).render('grants/views/round.njk', {
      pageTitle: page.round.name,
      page,
      view: roundPageView(page),
      defaultFundColumn,
      today: grants.today(),
      ...extra,
    })
  }

  app.get<{ Params: { id: string } }>(paths.grantRound.pattern, async (request, reply) =>
    renderRound(signedInActor(request), request.params.id, reply, { flash: flashFrom(request.query) }),
  )

  // The pot from the government's fund table (a CSV in its layout): the council's row.
  app.post<{ Params: { id: string } }>(paths.grantRoundPot.pattern, async (request, reply) => {
    const actor = signedInActor(request)
    const upload = await receiveUpload(request, fundTableMaxBytes)
    const file = upload.ok ? { fileName: upload.fileName, content: upload.content } : null
    const result = await grants.importPot(actor, request.params.id, file, text(upload.fields.column))
    if (!result) throw notFound()
    if (!result.ok) {
      const errors =
        upload.ok || upload.problem === 'no-file'
          ? result.errors
          : { file: 'The fund table must be smaller than 2 MB' }
      return renderRound(
        actor,
        request.params.id,
        reply,
        { potErrors: errors, potErrorList: errorSummary(errors) },
        400,
      )
    }
    return reply.redirect(`${paths.grantRound.build(request.params.id)}?pot=1`)
  })

  app.post<{ Params: { id: string } }>(paths.grantRoundPreview.pattern, async (request, reply) => {
    const result = await grants.preview(signedInActor(request), request.params.id)
    if (!result) throw notFound()
    return reply.redirect(`${paths.grantRound.build(request.params.id)}?previewed=1#preview`)
  })

  // Check before committing: what will be the round's, and that it cannot be undone.
  app.get<{ Params: { id: string } }>(paths.grantRoundCommit.pattern, async (request, reply) => {
    const actor = signedInActor(request)
    const page = await grants.round(actor, request.params.id)
    if (!page?.mayManage || page.round.status !== 'draft' || !page.preview) throw notFound()
    return reply.render('grants/views/commit.njk', {
      pageTitle: `Check the allocation of ${page.round.name} before committing it`,
      page,
      view: roundPageView(page),
    })
  })

  app.post<{ Params: { id: string }; Body: Record<string, unknown> }>(
    paths.grantRoundCommit.pattern,
    async (request, reply) => {
      const actor = signedInActor(request)
      const seen = request.body?.previewId
      const result = await grants.commit(
        actor,
        request.params.id,
        typeof seen === 'string' ? seen : undefined,
      )
      if (!result) throw notFound()
      if (!result.ok)
        return renderRound(actor, request.params.id, reply, { commitError: result.errors.commit }, 400)
      return reply.redirect(`${paths.grantRound.build(request.params.id)}?committed=1`)
    },
  )

  app.post<{ Params: { id: string; trancheId: string } }>(
    paths.grantTranchePayments.pattern,
    async (request, reply) => {
      const actor = signedInActor(request)
      const body = (request.body ?? {}) as Record<string, unknown>
      const result = await grants.recordTranche(actor, request.params.id, request.params.trancheId, {
        day: text(body.day),
        month: text(body.month),
        year: text(body.year),
      })
      if (!result) throw notFound()
      if (!result.ok)
        return renderRound(
          actor,
          request.params.id,
          reply,
          { paymentError: result.errors.paidOn, paymentTranche: request.params.trancheId },
          400,
        )
      return reply.redirect(
        `${paths.grantRound.build(request.params.id)}?paid=${result.value.payments}#tranches`,
      )
    },
  )

  app.get<{ Params: { id: string } }>(paths.grantRoundOpenData.pattern, async (request, reply) => {
    const found = await grants.openData(signedInActor(request), request.params.id)
    if (!found) throw notFound()
    reply.header('content-disposition', `attachment; filename="360giving-${request.params.id}.json"`)
    return reply.type('application/json; charset=utf-8').send(JSON.stringify(found, null, 2))
  })

  // The council's return to government: spending by measure, as CSV and XLSX.
  const summaryRows = async (request: { query: unknown }, actor: Actor) => {
    const found = await grants.spendReport(actor, text((request.query as Record<string, unknown>).round))
    if (!found) throw notFound()
    const { summary, round } = found
    const header = ['Measure', 'Spent (£)', 'Share of spending (%)']
    const rows: (string | number)[][] = summary.rows.map((r) => [
      r.measure,
      Number(r.spentPence) / 100,
      r.percent,
    ])
    rows.push(['All measures', Number(summary.totalPence) / 100, summary.totalPercent])
    return { header, rows, name: round ? `spend-by-measure-${round.name}` : 'spend-by-measure' }
  }
  const fileName = (name: string, ext: string) => `${name.replace(/[^a-z0-9-]+/gi, '-').toLowerCase()}.${ext}`

  app.get(paths.grantSpendSummaryCsv.pattern, async (request, reply) => {
    const { header, rows, name } = await summaryRows(request, signedInActor(request))
    reply.header('content-disposition', `attachment; filename="${fileName(name, 'csv')}"`)
    return reply.type('text/csv; charset=utf-8').send(csvText([header, ...rows]))
  })

  app.get(paths.grantSpendSummaryXlsx.pattern, async (request, reply) => {
    const { header, rows, name } = await summaryRows(request, signedInActor(request))
    reply.header('content-disposition', `attachment; filename="${fileName(name, 'xlsx')}"`)
    async function* batches() {
      yield rows
    }
    return reply
      .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
      .send(xlsxStream(header, batches(), (row) => row, 'Spend by measure'))
  })
}
