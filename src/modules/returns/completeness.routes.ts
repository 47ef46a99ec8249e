import type { FastifyInstance } from 'fastify'
import { isIsoDate } from '../../domain/dates.ts'
import { serviceTypeNames } from '../../domain/service-types.ts'
import { forbidden, notFound } from '../../web/errors.ts'
import { flashFrom } from '../../web/flash.ts'
import { parseForm } from '../../web/form-schema.ts'
import { pageNumber, pagination, text } from '../../web/forms.ts'
import { requireSignIn, signedInActor } from '../../web/session.ts'
import type { CompletenessService } from './completeness.service.ts'
import type { Frequency } from './domain/periods.ts'
import { noArea, reportingFilter, reportingStatuses, reportingStatusNames } from './domain/reporting-list.ts'
import { chaseForm, chaseFormMessages } from './returns.forms.ts'
import { returnsPaths as paths } from './returns.paths.ts'

const frequencies: Frequency[] = ['daily', 'weekly', 'monthly']
// Who has reported, 50 locations a page (issue 18: one page of 532 rows was 70,000 px long).
const listPageSize = 50

export async function completenessRoutes(
  app: FastifyInstance,
  options: { completeness: CompletenessService },
) {
  const { completeness } = options
  app.addHook('preHandler', requireSignIn)

  app.get(paths.completeness.pattern, async (request, reply) => {
    const actor = signedInActor(request)
    const query = request.query as Record<string, unknown>
    const frequency = (frequencies as string[]).includes(text(query.frequency))
      ? (text(query.frequency) as Frequency)
      : 'daily'
    const date = isIsoDate(text(query.date)) ? text(query.date) : undefined
    const filter = reportingFilter(query)
    const found = await completeness.forPeriod(actor, frequency, date, {
      filter,
      page: pageNumber(query.page),
      pageSize: listPageSize,
    })
    if (!found) throw forbidden()
    const page = found.page
    const shown = { frequency, date: date ?? found.period.start, ...filter }
    // The counts beside each status are the chosen area's, as the list will show them.
    const tally = found.result.byArea.find((a) => a.area === filter.area) ?? found.result.overall
    const counts = { missing: tally.missing, late: tally.late, 'on-time': tally.onTime }
    return reply.render('returns/views/completeness.njk', {
      pageTitle: page > 1 ? `Who has reported (page ${page})` : 'Who has reported',
      ...found,
      page,
      filter,
      filtered: Boolean(filter.status || filter.area),
      pagination: pagination(paths.completeness.build(), shown, page, listPageSize, found.locationsTotal),
      statusItems: [
        { value: '', text: `All, missing first (${tally.expected})` },
        ...reportingStatuses.map((s) => ({
          value: s,
          text: `${reportingStatusNames[s]} (${counts[s]})`,
          selected: s === filter.status,
        })),
      ],
      areaItems: [
        { value: '', text: 'All areas' },
        ...found.areas.map((a) => ({
          value: a,
          text: a === noArea ? 'No area set' : a,
          selected: a === filter.area,
        })),
      ],
      statusNames: reportingStatusNames,
      frequency,
      frequencyItems: frequencies.map((f) => ({
        value: f,
        text: f[0]!.toUpperCase() + f.slice(1),
        selected: f === frequency,
      })),
      date: date ?? found.period.start,
      serviceTypeNames,
      canChase: actor.role !== 'viewer' && actor.role !== 'regional_viewer',
      flash: flashFrom(query),
    })
  })

  app.post(paths.recordChase.pattern, async (request, reply) => {
    // (Its fields are taken as typed: the completeness service decides what is wrong with them.)
    const parsed = parseForm(chaseForm, request.body, chaseFormMessages)
    if (!parsed.ok) throw notFound()
    const { locationId, periodStart, frequency, note, page } = parsed.value
    const filter = reportingFilter(parsed.value)
    const result = await completeness.recordChase(signedInActor(request), locationId, periodStart, note)
    if (!result) throw notFound()
    const back = { frequency: frequency || 'daily', date: periodStart, ...filter, page: pageNumber(page) }
    if (!result.ok) return reply.redirect(paths.completeness.build({ ...back, chaseError: locationId }))
    return reply.redirect(paths.completeness.build({ ...back, chased: true }))
  })
}
