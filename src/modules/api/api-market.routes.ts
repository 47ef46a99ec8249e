import rateLimit from '@fastify/rate-limit'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { type CsvCell, csvText } from '../../domain/csv.ts'
import { type Actor, can } from '../../domain/policy.ts'
import { tokenHash } from '../access/index.ts'
import { currentDataset } from '../returns/index.ts'
import { apiPaths, withinApiV1 } from './api.paths.ts'
import type { ApiClient, ApiService } from './api.service.ts'
import {
  marketAlertsOperation,
  marketCasesOperation,
  marketCompletenessOperation,
  marketLocationOperation,
  marketLocationsOperation,
  marketReturnsOperation,
} from './api-market.operations.ts'
import { decodeCursor, encodeCursor } from './api-market.repository.ts'
import type { ReturnResource } from './api-returns.repository.ts'
import { fieldProblem, problem, sendProblem } from './problem.ts'
import { RequestProblem } from './schema-problems.ts'

// The read API for councils and partners, under /api/v1/market: the market's locations with their RAG,
// returns for a date range (by cursor), open alerts and cases, and completeness, as JSON or CSV. It
// runs inside the /api/v1 plugin (bearer tokens, problem JSON), as the token's creator in the token's
// role: the same scope as the pages, so a location outside it is 404. Rate limited per token.

type Tally = {
  expected: number
  onTime: number
  late: number
  missing: number
  percentReported: number | null
}

// What the read API needs of the returns' completeness (returns' completeness service).
export type MarketCompleteness = {
  forPeriod: (
    actor: Actor,
    frequency: 'daily' | 'weekly',
    date: string,
  ) => Promise<{
    period: { start: string }
    result: {
      overall: Tally
      byArea: (Tally & { area: string })[]
      byServiceType: (Tally & { serviceType: string })[]
      missing: string[]
    }
  } | null>
}

export type MarketOptions = { api: ApiService; completeness: MarketCompleteness; readRateLimit: number }

function clientOf(request: { apiClient: ApiClient | null }): ApiClient {
  if (!request.apiClient) throw new Error('the bearer-token hook must run before this handler')
  return request.apiClient
}

const forbiddenProblem = (what: string) =>
  problem(
    'forbidden',
    `This token may not read ${what}: use a council’s or partner’s token, made by an officer who may.`,
  )

function wantsCsv(request: FastifyRequest, format: 'json' | 'csv' | undefined): boolean {
  if (format) return format === 'csv'
  return /(^|,)\s*text\/csv\b/i.test(request.headers.accept ?? '')
}

function sendCsv(reply: FastifyReply, name: string, header: readonly string[], rows: CsvCell[][]) {
  return reply
    .type('text/csv; charset=utf-8')
    .header('content-disposition', `attachment; filename="${name}.csv"`)
    .send(csvText([header, ...rows]))
}

// Rows of plain objects as CSV, one column per key of the first shape.
function objectsCsv(reply: FastifyReply, name: string, header: readonly string[], items: object[]) {
  const rows = items.map((item) => header.map((key) => (item as Record<string, CsvCell>)[key] ?? null))
  return sendCsv(reply, name, header, rows)
}

const locationColumns = [
  'id',
  'cqcLocationId',
  'name',
  'providerId',
  'providerName',
  'serviceType',
  'area',
  'councilId',
  'registeredBeds',
  'status',
  'rag',
  'openAlerts',
  'openCaseId',
  'ragUpdatedAt',
] as const
const alertColumns = [
  'id',
  'locationId',
  'locationName',
  'caseId',
  'source',
  'severity',
  'title',
  'message',
  'raisedAt',
  'evidenceUpdatedAt',
] as const
const caseColumns = [
  'id',
  'locationId',
  'locationName',
  'status',
  'openedAt',
  'owningOrganisationName',
  'ownerName',
  'openAlerts',
  'worstSeverity',
  'nextActionDue',
  'rag',
] as const
const returnColumns = [
  'id',
  'locationId',
  'cqcLocationId',
  'locationName',
  'frequency',
  'periodStart',
  'version',
  'isCurrent',
  'source',
  'timing',
  'nothingChanged',
  'submittedAt',
  'amendmentReason',
  'datasetVersion',
] as const
// Each field of the dataset is a column after the return's own (a choice lists its values with "; ").
const valueKeys = currentDataset.sections.flatMap((s) => s.fields.map((f) => f.key))

// A nil return's reason and details after the return's own columns (empty for any other return).
const nilColumns = ['nilReason', 'nilDetails'] as const

function returnCells(item: ReturnResource): CsvCell[] {
  return [
    ...returnColumns.map((key) => item[key] as CsvCell),
    item.nilReturn?.reason ?? null,
    item.nilReturn?.details ?? null,
    ...valueKeys.map((key) => {
      const value = item.values[key]
      return Array.isArray(value) ? value.join('; ') : (value as CsvCell)
    }),
  ]
}

export async function marketRoutes(app: FastifyInstance, options: MarketOptions) {
  const { api, completeness } = options

  // Counted per token (by its hash), after the token is checked: a request without a good token is
  // answered 401 and not counted against anybody. Counted in each instance's memory.
  await app.register(rateLimit, {
    global: true,
    max: options.readRateLimit,
    timeWindow: '1 minute',
    hook: 'preHandler',
    keyGenerator: (request) =>
      tokenHash(/^Bearer +(\S+) *$/i.exec(request.headers.authorization ?? '')?.[1] ?? ''),
    errorResponseBuilder: (_request, context) =>
      new RequestProblem(
        problem(
          'too-many-requests',
          `This token has made more than ${context.max} requests in a minute. Retry in ${context.after}.`,
        ),
      ),
  })

  // A provider's token (a care-record system's) does not read the market: the location by id is
  // "not found" to it, as anything out of scope is; the lists are refused.
  app.addHook('preHandler', async (request, reply) => {
    if (clientOf(request).readsMarket) return
    if (request.routeOptions.url === apiPaths.marketLocation.pattern)
      return sendProblem(
        reply,
        problem('not-found', 'There is no location with this id that this token may read.'),
      )
    return sendProblem(reply, forbiddenProblem('the market'))
  })

  const v1 = app.withTypeProvider<ZodTypeProvider>()

  v1.get(
    withinApiV1(apiPaths.marketLocations.pattern),
    { schema: marketLocationsOperation },
    async (request, reply) => {
      const { actor } = clientOf(request)
      if (!can(actor, 'locations:read')) return sendProblem(reply, forbiddenProblem('locations'))
      const items = await api.market.locations(actor)
      if (wantsCsv(request, request.query.format))
        return objectsCsv(reply, 'locations', locationColumns, items)
      return reply.send({ items })
    },
  )

  v1.get(
    withinApiV1(apiPaths.marketLocation.pattern),
    { schema: marketLocationOperation },
    async (request, reply) => {
      const { actor } = clientOf(request)
      const location = can(actor, 'locations:read')
        ? await api.market.location(actor, request.params.id)
        : null
      if (!location)
        return sendProblem(
          reply,
          problem('not-found', 'There is no location with this id that this token may read.'),
        )
      return reply.send(location)
    },
  )

  v1.get(
    withinApiV1(apiPaths.marketReturns.pattern),
    { schema: marketReturnsOperation },
    async (request, reply) => {
      const { actor } = clientOf(request)
      if (!can(actor, 'locations:read')) return sendProblem(reply, forbiddenProblem('returns'))
      const { from, to, cursor, limit, format } = request.query
      if (to < from)
        return sendProblem(
          reply,
          problem('malformed-request', 'A query parameter is not valid.', [
            fieldProblem('to', 'to must be the same as or after from'),
          ]),
        )
      const after = cursor === undefined ? null : decodeCursor(cursor)
      if (cursor !== undefined && !after)
        return sendProblem(
          reply,
          problem('malformed-request', 'A query parameter is not valid.', [
            fieldProblem('cursor', 'cursor must be the nextCursor of an earlier page'),
          ]),
        )
      const page = await api.market.returns(actor, { from, to, after, limit })
      const link = (position: typeof page.next) => {
        const params = new URLSearchParams({ from, to, limit: String(limit) })
        if (position) params.set('cursor', encodeCursor(position))
        if (format) params.set('format', format)
        return `${apiPaths.marketReturns.build()}?${params.toString()}`
      }
      const next = page.hasMore ? link(page.next) : undefined
      if (next) reply.header('link', `<${next}>; rel="next"`)
      if (page.next) reply.header('x-next-cursor', encodeCursor(page.next))
      if (wantsCsv(request, format))
        return sendCsv(
          reply,
          `returns-${from}-to-${to}`,
          [...returnColumns, ...nilColumns, ...valueKeys],
          page.items.map(returnCells),
        )
      return reply.send({
        items: page.items,
        nextCursor: page.next ? encodeCursor(page.next) : null,
        hasMore: page.hasMore,
        links: { self: link(after), ...(next ? { next } : {}) },
      })
    },
  )

  v1.get(
    withinApiV1(apiPaths.marketAlerts.pattern),
    { schema: marketAlertsOperation },
    async (request, reply) => {
      const { actor } = clientOf(request)
      if (!can(actor, 'cases:read')) return sendProblem(reply, forbiddenProblem('alerts'))
      const items = await api.market.alerts(actor)
      if (wantsCsv(request, request.query.format))
        return objectsCsv(reply, 'open-alerts', alertColumns, items)
      return reply.send({ items })
    },
  )

  v1.get(
    withinApiV1(apiPaths.marketCases.pattern),
    { schema: marketCasesOperation },
    async (request, reply) => {
      const { actor } = clientOf(request)
      if (!can(actor, 'cases:read')) return sendProblem(reply, forbiddenProblem('cases'))
      const items = await api.market.cases(actor)
      if (wantsCsv(request, request.query.format)) return objectsCsv(reply, 'open-cases', caseColumns, items)
      return reply.send({ items })
    },
  )

  v1.get(
    withinApiV1(apiPaths.marketCompleteness.pattern),
    { schema: marketCompletenessOperation },
    async (request, reply) => {
      const { actor } = clientOf(request)
      const date = request.query.date ?? api.market.today()
      const periods = []
      for (const frequency of ['daily', 'weekly'] as const) {
        const found = await completeness.forPeriod(actor, frequency, date)
        if (!found) return sendProblem(reply, forbiddenProblem('completeness'))
        const { overall, byArea, byServiceType, missing } = found.result
        periods.push({
          frequency,
          periodStart: found.period.start,
          ...overall,
          byArea,
          byServiceType,
          missingLocationIds: missing,
        })
      }
      if (wantsCsv(request, request.query.format)) {
        const tallyOf = (t: Tally) => [t.expected, t.onTime, t.late, t.missing, t.percentReported]
        const rows: CsvCell[][] = periods.flatMap((p) => [
          [p.frequency, p.periodStart, 'overall', 'All', ...tallyOf(p)],
          ...p.byArea.map((a) => [p.frequency, p.periodStart, 'area', a.area, ...tallyOf(a)]),
          ...p.byServiceType.map((s) => [
            p.frequency,
            p.periodStart,
            'serviceType',
            s.serviceType,
            ...tallyOf(s),
          ]),
        ])
        const header = [
          'frequency',
          'periodStart',
          'groupBy',
          'group',
          'expected',
          'onTime',
          'late',
          'missing',
          'percentReported',
        ]
        return sendCsv(reply, `completeness-${date}`, header, rows)
      }
      return reply.send({ date, periods })
    },
  )
}
