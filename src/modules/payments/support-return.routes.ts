import type { FastifyInstance } from 'fastify'
import { can } from '../../domain/policy.ts'
import { forbidden } from '../../web/errors.ts'
import { errorSummary, text } from '../../web/forms.ts'
import { requireSignIn, signedInActor } from '../../web/session.ts'
import { publishingPaths } from '../publishing/index.ts'
import { dayInWords } from './domain/dates.ts'
import { pounds } from './domain/money.ts'
import { supportCategories, supportCategoryNames } from './domain/schemes.ts'
import { paymentsPaths as paths } from './payments.paths.ts'
import {
  ppeTitle,
  sideTitle,
  spentNote,
  spentTitle,
  supportReturnCsv,
  supportReturnDocx,
  transparencyCsv,
} from './support-return.files.ts'
import type { SupportReturnService } from './support-return.service.ts'

const view = {
  pounds,
  dayInWords,
  supportCategories,
  supportCategoryNames,
  sideTitle,
  spentTitle,
  ppeTitle,
  spentNote,
}

// The provider-support return as a page, a DOCX and a CSV; its words; the payments behind each
// figure; and the Transparency Code spending file.
export async function supportReturnRoutes(
  app: FastifyInstance,
  deps: { supportReturn: SupportReturnService },
) {
  const { supportReturn } = deps
  app.addHook('preHandler', requireSignIn)
  // A query parameter given twice arrives as a list: only text is a date to read.
  const asAtOf = (request: { query: unknown }) => text((request.query as Record<string, unknown>).asAt)

  app.get(paths.supportReturn.pattern, async (request, reply) => {
    const actor = signedInActor(request)
    const built = await supportReturn.build(actor, asAtOf(request))
    if (!built) throw forbidden()
    return reply.render('payments/views/support-return.njk', {
      pageTitle: 'COVID-19 provider support return',
      report: built,
      mayChangeWording: can(actor, 'payments:prepare'),
      // Published through publishing's workflow: a draft, the providers' check, sign-off.
      publishHref: can(actor, 'publications:prepare') ? publishingPaths.publications.build() : null,
      ...view,
    })
  })

  app.get(paths.supportReturnDocx.pattern, async (request, reply) => {
    const built = await supportReturn.build(signedInActor(request), asAtOf(request))
    if (!built) throw forbidden()
    return reply
      .header('content-type', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document')
      .header('content-disposition', `attachment; filename="provider-support-${built.asAt}.docx"`)
      .send(await supportReturnDocx(built))
  })

  app.get(paths.supportReturnCsv.pattern, async (request, reply) => {
    const built = await supportReturn.build(signedInActor(request), asAtOf(request))
    if (!built) throw forbidden()
    return reply
      .header('content-type', 'text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="provider-support-${built.asAt}.csv"`)
      .send(supportReturnCsv(built))
  })

  app.get(paths.supportPayments.pattern, async (request, reply) => {
    const query = request.query as Record<string, unknown>
    const found = await supportReturn.paymentsBehind(signedInActor(request), {
      asAt: text(query.asAt),
      contracted: text(query.contracted),
      category: text(query.category),
    })
    if (!found) throw forbidden()
    return reply.render('payments/views/support-payments.njk', {
      pageTitle: 'Payments behind the figure',
      found,
      ...view,
    })
  })

  const wordingPage = async (
    actor: ReturnType<typeof signedInActor>,
    values?: Record<string, string>,
    errors?: Record<string, string>,
  ) => {
    const built = await supportReturn.build(actor)
    if (!built) throw forbidden()
    const current: Record<string, string> = {}
    for (const side of [built.contracted, built.notContracted])
      for (const c of supportCategories)
        current[`${side.contracted ? 'contracted' : 'notContracted'}-${c}`] = side.wording[c]
    return {
      pageTitle: 'Change the words of the provider-support return',
      values: values ?? current,
      errors,
      errorList: errors ? errorSummary(errors) : undefined,
      ...view,
    }
  }

  app.get(paths.supportWording.pattern, async (request, reply) => {
    const actor = signedInActor(request)
    if (!can(actor, 'payments:prepare')) throw forbidden()
    return reply.render('payments/views/support-wording.njk', await wordingPage(actor))
  })

  app.post(paths.supportWording.pattern, async (request, reply) => {
    const actor = signedInActor(request)
    const body = Object.fromEntries(
      Object.entries((request.body ?? {}) as Record<string, unknown>).map(([k, v]) => [
        k,
        typeof v === 'string' ? v : '',
      ]),
    )
    const result = await supportReturn.changeWording(actor, body)
    if (!result) throw forbidden()
    if (!result.ok)
      return reply
        .code(400)
        .render('payments/views/support-wording.njk', await wordingPage(actor, body, result.errors))
    return reply.redirect(paths.supportReturn.build())
  })

  app.get(paths.transparencyCsv.pattern, async (request, reply) => {
    const query = request.query as Record<string, string | undefined>
    const rows = await supportReturn.transparency(signedInActor(request), { from: query.from, to: query.to })
    if (!rows) throw forbidden()
    return reply
      .header('content-type', 'text/csv; charset=utf-8')
      .header('content-disposition', 'attachment; filename="spending-over-500.csv"')
      .send(transparencyCsv(rows))
  })
}
