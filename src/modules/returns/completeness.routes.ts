import type { FastifyInstance } from 'fastify'
import type { Frequency } from '../../domain/returns/periods.ts'
import { serviceTypeNames } from '../../domain/service-types.ts'
import { forbidden, notFound } from '../../web/errors.ts'
import { text } from '../../web/forms.ts'
import { paths } from '../../web/paths.ts'
import { requireSignIn, signedInActor } from '../../web/session.ts'
import type { CompletenessService } from './completeness.service.ts'

const frequencies: Frequency[] = ['daily', 'weekly', 'monthly']

export async function completenessRoutes(
  app: FastifyInstance,
  options: { completeness: CompletenessService },
) {
  const { completeness } = options
  app.addHook('preHandler', requireSignIn)

  app.get('/returns/completeness', async (request, reply) => {
    const actor = signedInActor(request)
    const query = request.query as Record<string, unknown>
    const frequency = (frequencies as string[]).includes(text(query.frequency))
      ? (text(query.frequency) as Frequency)
      : 'daily'
    const date = /^\d{4}-\d{2}-\d{2}$/.test(text(query.date)) ? text(query.date) : undefined
    const found = await completeness.forPeriod(actor, frequency, date)
    if (!found) throw forbidden()
    return reply.render('returns/views/completeness.njk', {
      pageTitle: 'Who has reported',
      ...found,
      frequency,
      frequencyItems: frequencies.map((f) => ({
        value: f,
        text: f[0]!.toUpperCase() + f.slice(1),
        selected: f === frequency,
      })),
      date: date ?? found.period.start,
      serviceTypeNames,
      canChase: actor.role !== 'viewer' && actor.role !== 'regional_viewer',
      flash: query,
    })
  })

  app.post('/returns/completeness/chase', async (request, reply) => {
    const body = request.body as Record<string, unknown>
    const periodStart = text(body.periodStart)
    const result = await completeness.recordChase(
      signedInActor(request),
      text(body.locationId),
      periodStart,
      text(body.note),
    )
    if (!result) throw notFound()
    const back = `${paths.completeness()}?frequency=${encodeURIComponent(text(body.frequency) || 'daily')}&date=${encodeURIComponent(periodStart)}`
    if (!result.ok)
      return reply.redirect(`${back}&chaseError=${encodeURIComponent(text(body.locationId))}#missing`)
    return reply.redirect(`${back}&chased=1#missing`)
  })
}
