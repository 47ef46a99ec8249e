import type { FastifyInstance } from 'fastify'
import { svgChart } from '../../domain/charts.ts'
import { addDaysToIsoDate } from '../../domain/dates.ts'
import { type Actor, can } from '../../domain/policy.ts'
import { serviceTypeNames, serviceTypes } from '../../domain/service-types.ts'
import { forbidden, notFound } from '../../web/errors.ts'
import { pageNumber, pagination } from '../../web/forms.ts'
import { requireSignIn, signedInActor } from '../../web/session.ts'
import { type ContactLogService, mayReadContactLog, mayReadRestricted } from '../contact-log/index.ts'
import { derivedMeasures, type ReturnValues } from '../returns/index.ts'
import { type DashboardService, type FilterInput, maySeeDashboard } from './dashboard.service.ts'
import { dashboardsPaths as paths } from './dashboards.paths.ts'
import { dashboardQuery, filterOf } from './dashboards.schemas.ts'
import { type FigureKey, figureTitles, isFigureKey, stateWindowDays } from './domain/figures.ts'
import { alertColumns, contactColumns, returnColumns } from './export-columns.ts'
import type { DashboardExportService } from './exports.service.ts'
import { isRiskFigure } from './figures.repository.ts'
import { type Column, safeName, sendTable } from './table-export.ts'
import { keyMeasures, locationCharts, returnComparison } from './view-model.ts'

const pageSize = 50

// Why a download was refused, carried back to the exports page in its query: only these are shown, so
// a link cannot put words of its own in the page's error summary.
const exportProblems = [
  'Enter the first date as a real date, for example 2020-04-01',
  'Enter the last date as a real date, today or earlier',
  'The first date must be on or before the last date',
] as const
const exportProblem = (value: unknown) => exportProblems.find((known) => known === value)

// Enquiries are listed through their own service (which applies its own visibility), when it exists.
export type EnquiriesForLocation = {
  listForLocation: (actor: Actor, locationId: string) => Promise<unknown[] | null>
}

// The filters as query parameters, for links to lists and exports (empty ones left out).
function queryOf(filter: Record<string, string | undefined>, extra: Record<string, string> = {}) {
  const params = new URLSearchParams()
  for (const [k, v] of Object.entries({ ...filter, ...extra })) if (v) params.set(k === 'day' ? 'date' : k, v)
  const s = params.toString()
  return s ? `?${s}` : ''
}

const options = (pairs: [string, string][], selected: string | undefined) =>
  pairs.map(([value, label]) => ({ value, text: label, selected: value === (selected ?? '') }))

// Made once: building an Intl formatter costs far more than using one, and a page formats ~150 dates.
const shortDateFormat = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', timeZone: 'UTC' })
const shortDate = (iso: string) => shortDateFormat.format(new Date(`${iso}T12:00:00Z`))

export async function dashboardRoutes(
  app: FastifyInstance,
  deps: {
    dashboards: DashboardService
    exports: DashboardExportService
    contactLog?: Pick<ContactLogService, 'listForLocation'>
    enquiries?: EnquiriesForLocation
  },
) {
  const { dashboards, exports } = deps
  app.addHook('preHandler', requireSignIn)

  async function filterItems(actor: Actor, filter: FilterInput) {
    const areas = await dashboards.areas(actor)
    const isRegional = actor.organisationKind === 'region'
    return {
      serviceTypeItems: [
        { value: '', text: 'All service types' },
        ...serviceTypes.map((t) => ({
          value: t,
          text: serviceTypeNames[t],
          selected: t === filter.serviceType,
        })),
      ],
      areaItems: [
        { value: '', text: 'All areas' },
        ...areas.map((a) => ({ value: a, text: a, selected: a === filter.area })),
      ],
      contractedItems: options(
        [
          ['', 'Contracted or not'],
          ['yes', isRegional ? 'Contracted by a council' : 'Contracted'],
          ['no', 'Not contracted'],
        ],
        filter.contracted,
      ),
      inAreaItems: isRegional
        ? null
        : options(
            [
              ['', 'In or out of area'],
              ['in', 'In our area'],
              ['out', 'Out of our area'],
            ],
            filter.inArea,
          ),
    }
  }

  app.get(paths.dashboard.pattern, async (request, reply) => {
    const actor = signedInActor(request)
    const query = dashboardQuery(request.query)
    const input = filterOf(query)
    // The filter choices do not depend on the figures: both at once.
    const [found, items] = await Promise.all([dashboards.situation(actor, input), filterItems(actor, input)])
    if (!found) throw forbidden()
    const { filter } = found
    const listHref = (figure: FigureKey, extra: Record<string, string> = {}) =>
      `${paths.dashboardLocations.build()}${queryOf({ ...filter }, { figure, ...extra })}`
    // Today's point is partial: the day's reporting is not over, so it says so in the chart and table.
    const pointLabel = (p: { day: string; partial: boolean }) =>
      p.partial ? `${shortDate(p.day)} (today so far)` : shortDate(p.day)
    const charts = found.trends.map((trend) => ({
      ...trend,
      svg: svgChart(
        trend.points.map((p) => ({ label: pointLabel(p), value: p.value })),
        {
          id: `chart-${trend.key}`,
          title: `${trend.title}, 12 weeks to ${shortDate(filter.day)}`,
          description: trend.description,
          unit: trend.unit,
          kind: trend.unit === '%' ? 'line' : 'bar',
        },
      ),
      rows: trend.points.map((p) => ({
        label: pointLabel(p),
        day: p.day,
        value: p.value,
        partial: p.partial,
      })),
    }))
    return reply.render('dashboards/views/dashboard.njk', {
      pageTitle: 'Situation dashboard',
      filter,
      headline: found.headline,
      riskShown: found.riskShown,
      charts,
      source: found.source,
      isToday: filter.day === dashboards.today(),
      errorList: found.error ? [{ text: found.error, href: '#date' }] : undefined,
      errors: found.error ? { date: found.error } : undefined,
      dateValue: found.error ? query.date : filter.day,
      listHref,
      serviceTypeNames,
      windowDays: stateWindowDays,
      exportQuery: queryOf({ ...filter, day: undefined }),
      ...items,
    })
  })

  app.get(paths.dashboardLocations.pattern, async (request, reply) => {
    const actor = signedInActor(request)
    if (!maySeeDashboard(actor)) throw forbidden()
    const query = dashboardQuery(request.query)
    const figure = query.figure
    if (!isFigureKey(figure)) throw notFound()
    const page = pageNumber(query.page)
    const organisation = query.organisation || undefined
    const result = await dashboards.figureLocations(
      actor,
      filterOf(query),
      figure,
      page,
      pageSize,
      organisation,
    )
    if (!result) throw forbidden()
    const keep = { ...result.filter, figure, organisation }
    const linkQuery = Object.fromEntries(
      Object.entries(keep)
        .filter(([, v]) => v)
        .map(([k, v]) => [k === 'day' ? 'date' : k, String(v)]),
    )
    return reply.render('dashboards/views/figure-locations.njk', {
      pageTitle: figureTitles[figure],
      figure,
      title: figureTitles[figure],
      filter: result.filter,
      error: result.error,
      locations: result.locations,
      kind: result.kind,
      riskShown: result.riskShown,
      serviceTypeNames,
      pagination: pagination(paths.dashboardLocations.build(), linkQuery, page, pageSize, result.total),
      backHref: `${paths.dashboard.build()}${queryOf({ ...result.filter })}`,
      exportCsv: `${paths.dashboardLocationsExport.build('csv')}${queryOf({ ...keep })}`,
      exportXlsx: `${paths.dashboardLocationsExport.build('xlsx')}${queryOf({ ...keep })}`,
    })
  })

  // The list behind a figure as a file: every page of it, in batches.
  for (const format of ['csv', 'xlsx'] as const) {
    app.get(paths.dashboardLocationsExport.build(format), async (request, reply) => {
      const actor = signedInActor(request)
      if (!maySeeDashboard(actor)) throw forbidden()
      const query = dashboardQuery(request.query)
      const figure = query.figure
      if (!isFigureKey(figure)) throw notFound()
      const organisation = query.organisation || undefined
      const input = filterOf(query)
      const pageOf = (page: number) =>
        dashboards.figureLocations(actor, input, figure as FigureKey, page, 5000, organisation)
      // The first page before the file: a list refused to the actor (a RAG list to one who may not see
      // RAG) is a 403, as its page is, not an empty file.
      const first = await pageOf(1)
      if (!first) throw forbidden()
      async function* batches() {
        let result: typeof first = first
        for (let page = 1; result && result.locations.length > 0; result = await pageOf(++page)) {
          yield result.locations as Record<string, unknown>[]
          if (result.locations.length < 5000) return
        }
      }
      // The figures the list shows: a RAG or open-alerts list its alerts, a list of the day's returns
      // their measures (issue 17, item 8: the risk lists' files had only empty measure columns); RAG and
      // open alerts only for one who may see them, as the service read them.
      const shown = first.riskShown
      const figures = isRiskFigure(figure) ? (shown.alerts ? riskListColumns : []) : measureListColumns
      const columns: Column<Record<string, unknown>>[] = [
        ['Location name', (r) => r.name as string],
        ['Provider name', (r) => r.providerName as string],
        ['Service type', (r) => serviceTypeNames[r.serviceType as keyof typeof serviceTypeNames]],
        ['Area', (r) => r.area as string | null],
        ...(shown.rag ? [ragColumn] : []),
        ...figures,
      ]
      return sendTable(
        reply,
        format,
        `${figure}-${input.day ?? dashboards.today()}`,
        columns,
        batches(),
        'Locations',
      )
    })
  }

  app.get(paths.dashboardExports.pattern, async (request, reply) => {
    const actor = signedInActor(request)
    if (!maySeeDashboard(actor)) throw forbidden()
    const query = dashboardQuery(request.query)
    const filter = filterOf(query)
    const today = dashboards.today()
    const known = exportProblem(query.error)
    return reply.render('dashboards/views/exports.njk', {
      pageTitle: 'Download data',
      filter,
      mayReadContactLog: mayReadContactLog(actor),
      mayReadRestricted: mayReadRestricted(actor),
      from: query.from || addDaysToIsoDate(today, -27),
      to: query.to || today,
      errorList: known ? [{ text: known, href: '#from' }] : undefined,
      ...(await filterItems(actor, filter)),
    })
  })

  const exportKinds = ['directory', 'returns', 'alerts', 'contacts'] as const
  for (const kind of exportKinds) {
    for (const format of ['csv', 'xlsx'] as const) {
      app.get(paths.dashboardExport.build(kind, format), async (request, reply) => {
        const actor = signedInActor(request)
        if (!maySeeDashboard(actor)) throw forbidden()
        const query = dashboardQuery(request.query)
        const filter = filterOf(query)
        const { from, to } = query
        // Alerts are refused (403) to one who may not read cases, whatever the dates.
        const alerts = kind === 'alerts' ? exports.alerts(actor, { ...filter, from, to }) : undefined
        if (alerts === null) throw forbidden()
        if (kind !== 'directory') {
          const fromOk = dashboards.checkDay(from)
          const toOk = dashboards.checkDay(to)
          const problem =
            !from || fromOk.error
              ? exportProblems[0]
              : !to || toOk.error
                ? exportProblems[1]
                : from > to
                  ? exportProblems[2]
                  : null
          if (problem)
            return reply.redirect(
              `${paths.dashboardExports.build()}${queryOf({ ...filter, day: undefined }, { from, to, error: problem })}`,
            )
        }
        const stamp = dashboards.today()
        if (kind === 'directory')
          return sendTable(
            reply,
            format,
            `locations-status-${stamp}`,
            exports.directoryColumns(actor),
            exports.directory(actor, filter),
            'Locations',
          )
        // The returns' CSV comes straight from the database (COPY), audited by the service.
        if (kind === 'returns' && format === 'csv') {
          const csv = await exports.returnsCsv(actor, { ...filter, from, to })
          if (!csv) throw forbidden()
          return reply
            .header(
              'content-disposition',
              `attachment; filename="${safeName(`returns-${from}-to-${to}`)}.csv"`,
            )
            .type('text/csv; charset=utf-8')
            .send(csv)
        }
        if (kind === 'returns')
          return sendTable(
            reply,
            format,
            `returns-${from}-to-${to}`,
            returnColumns,
            exports.returns(actor, { ...filter, from, to }),
            'Returns',
          )
        if (kind === 'contacts')
          return sendTable(
            reply,
            format,
            `contact-log-${from}-to-${to}`,
            contactColumns,
            exports.contacts(actor, { ...filter, from, to }),
            'Contact log',
          )
        return sendTable(reply, format, `alerts-${from}-to-${to}`, alertColumns, alerts!, 'Alerts')
      })
    }
  }

  app.get<{ Params: { id: string } }>(paths.locationOverview.pattern, async (request, reply) => {
    const actor = signedInActor(request)
    // The contact log and enquiries come through their own services, which know who may see what; each
    // checks the location itself, so all three are asked at once.
    const [found, contacts, enquiries] = await Promise.all([
      dashboards.locationView(actor, request.params.id),
      deps.contactLog?.listForLocation(actor, request.params.id) ?? null,
      deps.enquiries?.listForLocation(actor, request.params.id) ?? null,
    ])
    if (!found) throw notFound()
    const latestValues = (found.latest?.values ?? null) as ReturnValues | null
    return reply.render('dashboards/views/location-overview.njk', {
      pageTitle: `${found.location.name}: overview`,
      ...found,
      contactLog: contacts,
      enquiries,
      serviceTypeNames,
      isProvider: actor.role === 'provider_manager',
      comparison: returnComparison(found.location.serviceType, found.latest, found.previous),
      measures: latestValues ? derivedMeasures(latestValues) : null,
      keyMeasures: keyMeasures(found.latest),
      charts: locationCharts(found.location.id, found.returns, found.day, shortDate),
      openAlerts: found.alerts?.filter((a) => a.status === 'open') ?? null,
      canSeeDirectory: can(actor, 'locations:read'),
    })
  })

  app.get<{ Params: { id: string } }>(paths.providerOverview.pattern, async (request, reply) => {
    const actor = signedInActor(request)
    const found = await dashboards.providerView(actor, request.params.id)
    if (!found) throw notFound()
    return reply.render('dashboards/views/provider-overview.njk', {
      pageTitle: `${found.provider.name}: overview`,
      ...found,
      serviceTypeNames,
    })
  })
}

type ListRow = Record<string, unknown>
const count = (v: unknown) => (v === undefined || v === null ? null : Number(v))
const ragColumn: Column<ListRow> = [
  'RAG',
  (r) => (r.rag === 'red' ? 'Red' : r.rag === 'amber' ? 'Amber' : 'Green'),
]
const riskListColumns: Column<ListRow>[] = [['Open alerts', (r) => count(r.openAlerts) ?? 0]]
const measureListColumns: Column<ListRow>[] = [
  ['Return', (r) => (r.returnId ? (r.timing === 'on-time' ? 'On time' : 'Late') : 'Not sent')],
  ['Lowest days of PPE', (r) => count(r.lowestPpe)],
  ['Staff absent', (r) => count(r.staffAbsent)],
  ['Staff employed', (r) => count(r.staffEmployed)],
  ['Vacant beds', (r) => count(r.vacantBeds)],
  ['Closed to admissions', (r) => (r.closedToAdmissions as boolean | null) ?? null],
  ['Confirmed cases in 14 days', (r) => count(r.confirmed14d)],
  ['Suspected cases in 14 days', (r) => count(r.suspected14d)],
  ['Deaths in 7 days', (r) => count(r.deaths7d)],
]
