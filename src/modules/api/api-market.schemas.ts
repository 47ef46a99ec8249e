import { z } from 'zod'
import { serviceTypes } from '../../domain/service-types.ts'
import { returnResource } from './api.schemas.ts'
import { requestMessages } from './schema-problems.ts'

// The read API's schemas (councils' and partners' tokens): what each /api/v1/market route takes and
// answers. Like the returns API's, they check requests, type the handlers and make the OpenAPI document.

// ---- Requests

const queryText = (value: unknown) => (typeof value === 'string' ? value.trim() || undefined : value)
const wholeNumberText = (value: unknown) =>
  typeof value === 'string' && /^\d{1,6}$/.test(value.trim()) ? Number(value.trim()) : value

const format = z
  .preprocess(queryText, z.enum(['json', 'csv']).optional())
  .describe('csv for a CSV file (so does the header Accept: text/csv); JSON if not given')
const formatMessage = 'format must be json or csv'

export const marketListQuery = z.strictObject({ format })
requestMessages.set(marketListQuery, {
  type: 'malformed-request',
  detail: 'A query parameter is not valid.',
  unknownField: (name) => `${name} is not a query parameter of this list`,
  fields: { format: formatMessage },
})

export const marketLocationParams = z.object({
  id: z.string().max(100).describe('The CareHub location id (a UUID) or the CQC location ID'),
})
requestMessages.set(marketLocationParams, {
  type: 'not-found',
  detail: 'There is no location with this id that this token may read.',
  fields: {},
  listsFields: false,
})

export const maxReturnsPage = 1000
export const returnsPageQuery = z.strictObject({
  from: z.preprocess(queryText, z.iso.date()).describe('Periods starting on or after this date'),
  to: z.preprocess(queryText, z.iso.date()).describe('Periods starting on or before this date'),
  cursor: z
    .preprocess(queryText, z.string().max(200).optional())
    .describe('Where to carry on from: the `nextCursor` of the page before (not given: from the start)'),
  limit: z
    .preprocess(wholeNumberText, z.int().min(1).max(maxReturnsPage).default(200))
    .describe(`Returns to a page, 1 to ${maxReturnsPage}`),
  format,
})
requestMessages.set(returnsPageQuery, {
  type: 'malformed-request',
  detail: 'A query parameter is not valid.',
  unknownField: (name) => `${name} is not a query parameter of the returns`,
  fields: {
    from: 'Give from: a date like 2020-04-01',
    to: 'Give to: a date like 2020-04-30',
    cursor: 'cursor must be the nextCursor of an earlier page',
    limit: `limit must be a whole number from 1 to ${maxReturnsPage}`,
    format: formatMessage,
  },
})

export const completenessQuery = z.strictObject({
  date: z
    .preprocess(queryText, z.iso.date().optional())
    .describe('The day (daily returns) or a day of the week (weekly returns); today if not given'),
  format,
})
requestMessages.set(completenessQuery, {
  type: 'malformed-request',
  detail: 'A query parameter is not valid.',
  unknownField: (name) => `${name} is not a query parameter of completeness`,
  fields: { date: 'date must be a date like 2020-04-14', format: formatMessage },
})

// ---- Answers

const rag = z.enum(['red', 'amber', 'green'])

export const marketLocation = z.object({
  id: z.guid(),
  cqcLocationId: z.string().nullable(),
  name: z.string(),
  providerId: z.guid(),
  providerName: z.string(),
  serviceType: z.enum(serviceTypes),
  area: z.string().nullable().describe('The area within the council'),
  councilId: z.guid().nullable().describe('The council whose area the location is in'),
  registeredBeds: z.int().nullable(),
  status: z.string().describe('open, dormant or closed, as the CQC registers it'),
  rag: rag.describe('Red, amber or green now, by the council’s risk rules'),
  openAlerts: z.int().min(0),
  openCaseId: z.guid().nullable(),
  ragUpdatedAt: z.iso.datetime().nullable(),
})

export const marketLocationList = z.object({ items: z.array(marketLocation) })

export const returnsPage = z.object({
  items: z.array(returnResource).describe('The current version of each return, oldest saved first'),
  nextCursor: z
    .string()
    .nullable()
    .describe(
      'Where the next page starts. Keep it to carry on later: the returns saved since follow it. Null when this page is empty and no cursor was given.',
    ),
  hasMore: z.boolean().describe('More returns follow now: read `links.next`'),
  links: z.object({ self: z.string(), next: z.string().optional() }),
})

export const marketAlert = z.object({
  id: z.guid(),
  locationId: z.guid(),
  locationName: z.string(),
  caseId: z.guid(),
  source: z.enum(['rule', 'capacity_tracker', 'intelligence']),
  severity: z.enum(['red', 'amber']),
  title: z.string(),
  message: z.string(),
  raisedAt: z.iso.datetime(),
  evidenceUpdatedAt: z.iso.datetime(),
})

export const marketAlertList = z.object({ items: z.array(marketAlert) })

export const marketCase = z.object({
  id: z.guid(),
  locationId: z.guid(),
  locationName: z.string(),
  status: z.enum(['open', 'owned', 'action_taken']),
  openedAt: z.iso.datetime(),
  owningOrganisationName: z.string().nullable(),
  ownerName: z.string().nullable(),
  openAlerts: z.int().min(0),
  worstSeverity: z.enum(['red', 'amber']).nullable(),
  nextActionDue: z.iso.date().nullable(),
  rag,
})

export const marketCaseList = z.object({ items: z.array(marketCase) })

const tally = {
  expected: z.int().min(0).describe('Locations open and expected to report'),
  onTime: z.int().min(0),
  late: z.int().min(0),
  missing: z.int().min(0),
  percentReported: z.number().nullable(),
}

export const marketCompleteness = z.object({
  date: z.iso.date(),
  periods: z.array(
    z.object({
      frequency: z.enum(['daily', 'weekly']),
      periodStart: z.iso.date(),
      ...tally,
      byArea: z.array(z.object({ area: z.string(), ...tally })),
      byServiceType: z.array(z.object({ serviceType: z.string(), ...tally })),
      missingLocationIds: z.array(z.guid()),
    }),
  ),
})

export const csvFile = z.string().describe('A CSV file with a header row (RFC 4180, UTF-8)')
