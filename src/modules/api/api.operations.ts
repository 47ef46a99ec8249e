import { z } from 'zod'
import { exampleCreated, exampleValidationProblem } from './api.examples.ts'
import {
  idempotencyKeyHeaders,
  problemDetails,
  returnIdParams,
  returnList,
  returnListQuery,
  returnResource,
  returnSubmission,
  submittedReturn,
} from './api.schemas.ts'

// Each /api/v1 route's schema: what it takes, what it answers and why. The routes are declared with
// these (api.routes.ts) and the OpenAPI document is made from them (openapi-document.ts).

export const pageSize = 50

const problem = (description: string, example?: unknown) => ({
  description,
  content: {
    'application/problem+json': { schema: problemDetails, ...(example ? { example } : {}) },
  },
})
const unauthenticated = problem('The bearer token is missing, unknown or revoked')

export const submitReturnOperation = {
  tags: ['Returns'],
  operationId: 'submitReturn',
  summary: 'Send a return',
  description:
    'Sends one location’s return for one period: its figures (`values`), or a nil return (`nilReturn`: no figures this period, and why; the same reasons as the web form’s “Nothing to report”). A second return for the same period is refused with 409 unless it gives an `amendmentReason`; it then becomes the next version. Give `amendsVersion`, the version you are changing, and a version saved by someone else since is answered with 409 rather than replaced. Send an `Idempotency-Key` to retry safely: a retry with the same key and the same body gets the first answer again, and creates nothing. The answer comes once the return is saved; the council’s early-warning rules are run for the location within a second or two after.',
  headers: idempotencyKeyHeaders,
  // Only JSON is checked against the schema: any other body is answered 415 by the route.
  body: { content: { 'application/json': { schema: returnSubmission } } },
  response: {
    201: {
      description: 'Saved',
      headers: {
        Location: z.string().describe('The new return'),
        'Idempotent-Replayed': z
          .string()
          .describe('`true` when this is the stored answer to an earlier request with the same key'),
      },
      content: { 'application/json': { schema: submittedReturn, example: exampleCreated } },
    },
    400: problem(
      'The body is not JSON, or not shaped like a return submission (neither values nor nilReturn, or both)',
    ),
    401: unauthenticated,
    403: problem('The token is a council’s or partner’s: it reads the market and sends nothing'),
    404: problem('No such location, or not one of this token’s provider’s'),
    409: problem(
      'A return for this period exists and no amendmentReason was given; the return was changed by someone else since the version it changes (`amendsVersion`); or a request with the same Idempotency-Key is still in progress',
    ),
    415: problem('The body is not application/json'),
    422: problem(
      'The return has errors (each named in `errors`: a figure, the period, a nil return’s reason or details), or the Idempotency-Key was used before with a different body',
      exampleValidationProblem,
    ),
    503: problem(
      'The service cannot take requests for a moment (its database is restarting, say). Retry after the seconds in the `Retry-After` header with the same Idempotency-Key: the retry saves the return, or gets the first answer if it was saved after all',
    ),
  },
}

export const listReturnsOperation = {
  tags: ['Returns'],
  operationId: 'listReturns',
  summary: 'List returns',
  description: `The current version of each return from this token’s provider’s locations (a council’s or partner’s token: its market’s), newest period first, ${pageSize} to a page. To read a market’s returns for a date range in full, use listMarketReturns.`,
  querystring: returnListQuery,
  response: {
    200: { description: 'A page of returns', content: { 'application/json': { schema: returnList } } },
    400: problem('A query parameter is not valid'),
    401: unauthenticated,
    404: problem('No such location, or not one of this token’s provider’s'),
  },
}

export const getReturnOperation = {
  tags: ['Returns'],
  operationId: 'getReturn',
  summary: 'Read one return',
  description: 'Any version of a return, by its id.',
  params: returnIdParams,
  response: {
    200: { description: 'The return', content: { 'application/json': { schema: returnResource } } },
    401: unauthenticated,
    404: problem('No such return, or not one of this token’s provider’s'),
  },
}
