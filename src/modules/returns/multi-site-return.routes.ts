import type { FastifyInstance } from 'fastify'
import { forbidden } from '../../web/errors.ts'
import { requireSignIn, signedInActor } from '../../web/session.ts'
import { siteColumns } from './domain/multi-site-return.ts'
import type { MultiSiteReturnService, SiteError, SiteRow } from './multi-site-return.service.ts'
import { returnsPaths as paths } from './returns.paths.ts'

const page = 'returns/views/multi-site-return.njk'

// Today's return for all of a provider manager's locations, on one page that works without JavaScript
// and stacks its rows as cards on a phone (issue 19).
export async function multiSiteReturnRoutes(
  app: FastifyInstance,
  options: { multiSite: MultiSiteReturnService },
) {
  const { multiSite } = options
  app.addHook('preHandler', requireSignIn)

  const context = (
    rows: SiteRow[],
    extra: { typed?: Record<string, string>; errors?: SiteError[]; sent?: number } = {},
  ) => {
    const byInput = Object.fromEntries((extra.errors ?? []).map((e) => [e.input, e.message]))
    const rowsWithErrors = new Set((extra.errors ?? []).map((e) => e.locationId))
    return {
      pageTitle: `${extra.errors?.length ? 'Error: ' : ''}Today’s returns for all your locations`,
      rows: rows.map((r) => ({ ...r, hasError: rowsWithErrors.has(r.locationId) })),
      headings: siteColumns.map((c) => c.heading),
      toReport: rows.filter((r) => r.state === 'to-report').length,
      typed: extra.typed ?? {},
      fieldErrors: byInput,
      // One entry per problem, each linking to its exact input (GOV.UK error summary).
      errorList: (extra.errors ?? []).map((e) => ({ text: e.message, href: `#${e.input}` })),
      sent: extra.sent,
    }
  }

  app.get(paths.multiSiteReturn.pattern, async (request, reply) => {
    const rows = await multiSite.table(signedInActor(request))
    if (!rows) throw forbidden()
    const sent = Number.parseInt(String((request.query as Record<string, unknown>).sent ?? ''), 10)
    return reply.render(page, context(rows, { sent: Number.isFinite(sent) && sent > 0 ? sent : undefined }))
  })

  app.post(paths.multiSiteReturn.pattern, async (request, reply) => {
    const actor = signedInActor(request)
    const outcome = await multiSite.submit(actor, (request.body ?? {}) as Record<string, unknown>)
    if (!outcome) throw forbidden()
    if (outcome.ok) return reply.redirect(paths.multiSiteReturn.build({ sent: outcome.saved }))
    const rows = (await multiSite.table(actor)) ?? []
    return reply.code(400).render(page, context(rows, { typed: outcome.typed, errors: outcome.errors }))
  })
}
