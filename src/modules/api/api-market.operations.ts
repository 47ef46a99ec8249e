import type { z } from 'zod'
import { problemDetails } from './api.schemas.ts'
import {
  completenessQuery,
  csvFile,
  marketAlertList,
  marketCaseList,
  marketCompleteness,
  marketListQuery,
  marketLocation,
  marketLocationList,
  marketLocationParams,
  returnsPage,
  returnsPageQuery,
} from './api-market.schemas.ts'

// Each /api/v1/market route's schema (the read API for councils and partners): what it takes, what it
// answers and why. The routes are declared with these (api-market.routes.ts) and the OpenAPI document
// is made from them.

const problem = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: problemDetails } },
})

// Every list answers JSON, or CSV when asked (?format=csv, or Accept: text/csv).
const jsonOrCsv = (description: string, schema: z.ZodType) => ({
  description,
  content: { 'application/json': { schema }, 'text/csv': { schema: csvFile } },
})

const common = {
  400: problem('A query parameter is not valid'),
  401: problem('The bearer token is missing, unknown or revoked'),
  403: problem(
    'The token is a care-record system’s (a provider’s): the market is read with a council’s or partner’s token, by a role that may read this',
  ),
  429: problem('Too many requests with this token in the last minute: wait for the seconds in `Retry-After`'),
}

const scope =
  'A council’s token reads its own area and the locations it contracts with elsewhere; a partner’s, those of the councils it serves (as on the pages).'

export const marketLocationsOperation = {
  tags: ['Market'],
  operationId: 'listMarketLocations',
  summary: 'List the market’s locations with their RAG',
  description: `Every location in this token’s market, with its red, amber or green status now, its open alerts and open case. ${scope}`,
  querystring: marketListQuery,
  response: { 200: jsonOrCsv('The locations, by name', marketLocationList), ...common },
}

export const marketLocationOperation = {
  tags: ['Market'],
  operationId: 'getMarketLocation',
  summary: 'Read one location with its RAG',
  description: `One location, by CareHub id or CQC location ID. A location outside this token’s market is “not found”. ${scope}`,
  params: marketLocationParams,
  response: {
    200: {
      description: 'The location',
      content: { 'application/json': { schema: marketLocation } },
    },
    401: common[401],
    404: problem('No such location, or not one in this token’s market'),
    429: common[429],
  },
}

export const marketReturnsOperation = {
  tags: ['Market'],
  operationId: 'listMarketReturns',
  summary: 'Read the returns for a date range, a page at a time',
  description: `The current version of each return for the periods starting from \`from\` to \`to\`, oldest saved first, a page at a time: carry on with \`cursor\` set to the page’s \`nextCursor\` (the \`next\` link; in CSV, the \`Link\` and \`X-Next-Cursor\` headers) until \`hasMore\` is false. Every return is on exactly one page, even while new returns arrive: a return saved while you page comes after the ones you have read, so keep the last \`nextCursor\` and start from it next time to read only what was saved since. A return amended meanwhile comes again as its new version (a new id, the next \`version\`); the latest version of a location’s period is the current one. Only returns saved at least 10 seconds ago are listed. ${scope}`,
  querystring: returnsPageQuery,
  response: { 200: jsonOrCsv('A page of returns', returnsPage), ...common },
}

export const marketAlertsOperation = {
  tags: ['Market'],
  operationId: 'listMarketAlerts',
  summary: 'List the market’s open alerts',
  description: `Every open alert of the locations in this token’s market, oldest first: from the risk rules, the capacity tracker and partners’ intelligence. ${scope}`,
  querystring: marketListQuery,
  response: { 200: jsonOrCsv('The open alerts', marketAlertList), ...common },
}

export const marketCasesOperation = {
  tags: ['Market'],
  operationId: 'listMarketCases',
  summary: 'List the market’s open cases',
  description: `Every case not yet resolved of the locations in this token’s market, oldest first, with who owns it, its open alerts and the next action due. ${scope}`,
  querystring: marketListQuery,
  response: { 200: jsonOrCsv('The open cases', marketCaseList), ...common },
}

export const marketCompletenessOperation = {
  tags: ['Market'],
  operationId: 'getMarketCompleteness',
  summary: 'Who has reported for a date',
  description: `For the daily period of the date and the weekly period it falls in: the locations expected to report (open then, by their dated status history), on time, late and missing, overall, by area and by kind of service, and which are missing. In CSV, one row per figure’s group. ${scope}`,
  querystring: completenessQuery,
  response: { 200: jsonOrCsv('Completeness', marketCompleteness), ...common },
}

export const marketOperations = [
  marketLocationsOperation,
  marketLocationOperation,
  marketReturnsOperation,
  marketAlertsOperation,
  marketCasesOperation,
  marketCompletenessOperation,
]
