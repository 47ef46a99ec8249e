import swagger from '@fastify/swagger'
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { isDatabaseUnavailable, retryAfterSeconds } from '../../db/database-unavailable.ts'
import { UnsafeInputError } from '../../web/input-safety.ts'
import type { NilReturnService, ReturnsService, SubmissionHook } from '../returns/index.ts'
import {
  getReturnOperation,
  listReturnsOperation,
  pageSize,
  submitReturnOperation,
} from './api.operations.ts'
import { apiPaths, apiV1Prefix, withinApiV1 } from './api.paths.ts'
import type { ApiClient, ApiService } from './api.service.ts'
import { apiDocs } from './api-docs.routes.ts'
import { type MarketCompleteness, marketRoutes } from './api-market.routes.ts'
import { apiTokenPages } from './api-tokens.routes.ts'
import { swaggerOptions } from './openapi-document.ts'
import { fieldProblem, problem, sendProblem } from './problem.ts'
import { RequestProblem, serializerCompiler, validatorCompiler } from './schema-problems.ts'
import { type ApiAnswer, idempotentAnswer, requestHash, submitReturn } from './submit-return.ts'

declare module 'fastify' {
  interface FastifyRequest {
    // Set by the bearer-token hook on /api/v1 routes only.
    apiClient: ApiClient | null
  }
  interface FastifyContextConfig {
    // The route answers a request its schema refuses itself (request.validationError).
    answersInvalidInput?: boolean
  }
}

type Options = {
  api: ApiService
  returns: ReturnsService
  nilReturns: NilReturnService
  completeness: MarketCompleteness
  baseUrl: string
  readRateLimit: number
}

// The returns API and everything around it: the token pages, the JSON API under /api/v1 (bearer tokens,
// not cookies, so no CSRF) and its documentation, which @fastify/swagger makes from the routes' schemas.
export async function apiRoutes(app: FastifyInstance, options: Options) {
  await app.register(swagger, swaggerOptions(options.baseUrl))
  await app.register(apiTokenPages, { api: options.api })
  await app.register(apiV1, { ...options, prefix: apiV1Prefix })
  await app.register(apiDocs, { readRateLimit: options.readRateLimit })
}

const idempotencyKeyPattern = /^[\x20-\x7e]{1,255}$/
const jsonContentType = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i

function bearerToken(request: FastifyRequest): string | null {
  return /^Bearer +(\S+) *$/i.exec(request.headers.authorization ?? '')?.[1] ?? null
}

// A client served by a recent lookup of its token, looked up afresh before any answer that does not
// come from a claim (which checks the token itself): null when the token no longer stands.
async function standing(api: ApiService, request: FastifyRequest): Promise<ApiClient | null> {
  const client = request.apiClient
  if (!client?.recent) return client
  const token = bearerToken(request)
  request.apiClient = token ? await api.authenticate(token) : null
  return request.apiClient
}

function sendUnauthenticated(reply: FastifyReply) {
  return sendProblem(
    reply.header('www-authenticate', 'Bearer realm="CareHub", error="invalid_token"'),
    problem('unauthenticated', 'The bearer token is unknown or has been revoked.'),
  )
}

function clientOf(request: { apiClient: ApiClient | null }): ApiClient {
  if (!request.apiClient) throw new Error('the bearer-token hook must run before this handler')
  return request.apiClient
}

function send(reply: FastifyReply, answer: ApiAnswer) {
  if (answer.location) reply.header('location', answer.location)
  if (answer.status >= 400)
    return reply.code(answer.status).type('application/problem+json; charset=utf-8').send(answer.body)
  return reply.code(answer.status).send(answer.body)
}

async function apiV1(app: FastifyInstance, options: Options) {
  const { api, returns, nilReturns, completeness, readRateLimit } = options
  app.decorateRequest('apiClient', null)
  app.setValidatorCompiler(validatorCompiler)
  app.setSerializerCompiler(serializerCompiler)
  // A request its schema refuses is answered after the app's input-safety check (a preHandler), as
  // before the routes had schemas: unsafe input is named first.
  app.addHook('onRoute', (route) => {
    route.attachValidation = true
  })
  app.addHook('preHandler', async (request) => {
    if (request.validationError && !request.routeOptions.config.answersInvalidInput)
      throw request.validationError
  })

  // Problem JSON for everything that goes wrong, including bodies Fastify cannot parse.
  app.setErrorHandler(async (error: FastifyError, request, reply) => {
    if (isDatabaseUnavailable(error)) {
      request.log.warn({ err: error }, 'API request failed: database unavailable')
      return sendProblem(
        reply.header('retry-after', String(retryAfterSeconds)),
        problem(
          'service-unavailable',
          `The service cannot take requests for a moment. Retry after ${retryAfterSeconds} seconds, with the same Idempotency-Key.`,
        ),
      )
    }
    const status =
      error.statusCode && error.statusCode >= 400 && error.statusCode < 600 ? error.statusCode : 500
    if (status < 500 && request.apiClient?.recent && !(await standing(api, request)))
      return sendUnauthenticated(reply)
    if (status >= 500) {
      request.log.error({ err: error }, 'API request failed')
      return sendProblem(
        reply,
        problem(
          'internal-error',
          'Something went wrong on our side. Retry later, with the same Idempotency-Key.',
        ),
      )
    }
    request.log.info({ code: error.code, status }, 'API request refused')
    if (error instanceof RequestProblem) return sendProblem(reply, error.problem)
    if (error instanceof UnsafeInputError)
      return sendProblem(
        reply,
        problem('malformed-request', error.message, [
          { field: error.field, pointer: error.pointer, message: error.message },
        ]),
      )
    if (status === 415)
      return sendProblem(reply, problem('unsupported-media-type', 'Send the body as application/json.'))
    if (status === 400)
      return sendProblem(
        reply,
        problem('malformed-request', `The request body is not valid JSON: ${error.message}`),
      )
    return sendProblem(reply, {
      ...problem('malformed-request', error.message),
      status,
      title: 'Request refused',
    })
  })
  app.setNotFoundHandler((_request, reply) =>
    sendProblem(reply, problem('not-found', 'There is no such API endpoint. See the API documentation.')),
  )

  // Bearer tokens only: a session cookie does not authenticate the API. A return sent as JSON with an
  // Idempotency-Key may be served by a lookup of the same token in the last minute (the claim of its key
  // checks the token again, and the route looks it up afresh when the claim is not made).
  app.addHook('onRequest', async (request, reply) => {
    reply.header('cache-control', 'no-store')
    const token = bearerToken(request)
    const key = request.headers['idempotency-key']
    const claimsItsKey =
      request.method === 'POST' &&
      request.url === apiPaths.apiReturns.build() &&
      typeof key === 'string' &&
      idempotencyKeyPattern.test(key) &&
      jsonContentType.test(request.headers['content-type'] ?? '')
    const client = token ? (claimsItsKey && api.recentClient(token)) || (await api.authenticate(token)) : null
    if (!client) {
      reply.header(
        'www-authenticate',
        token !== null ? 'Bearer realm="CareHub", error="invalid_token"' : 'Bearer realm="CareHub"',
      )
      return sendProblem(
        reply,
        problem(
          'unauthenticated',
          token !== null
            ? 'The bearer token is unknown or has been revoked.'
            : 'Send an API token in the Authorization header: "Authorization: Bearer <token>".',
        ),
      )
    }
    request.apiClient = client
  })
  // The token's use is recorded before the answer goes (a created return records it in its own
  // transaction, so this finds nothing left to do).
  // (Not recorded when the database is away: the answer matters more, and the next request records it.)
  app.addHook('onSend', async (request, _reply, payload) => {
    try {
      if (request.apiClient) await api.recordTokenUse(request.apiClient)
    } catch (error) {
      if (!isDatabaseUnavailable(error)) throw error
    }
    return payload
  })
  app.addHook('onClose', async () => api.stopKeyReleases())

  // The read API for councils and partners (its own plugin: its rate limit counts its routes only).
  await app.register(marketRoutes, { api, completeness, readRateLimit })

  const v1 = app.withTypeProvider<ZodTypeProvider>()

  // A body its schema refuses is answered here, through the Idempotency-Key's claim like any refusal.
  const submission = { schema: submitReturnOperation, config: { answersInvalidInput: true } }
  v1.post(withinApiV1(apiPaths.apiReturns.pattern), submission, async (request, reply) => {
    let client = clientOf(request)
    // A council's or partner's token reads the market; it sends nothing.
    if (client.readsMarket)
      return sendProblem(
        reply,
        problem('forbidden', 'This token reads the market and cannot send returns: use a provider’s token.'),
      )
    const contentType = request.headers['content-type'] ?? ''
    if (!jsonContentType.test(contentType))
      return sendProblem(
        reply,
        problem('unsupported-media-type', 'Send the return as JSON, with Content-Type: application/json.'),
      )

    const key = request.headers['idempotency-key']
    const refused = request.validationError instanceof RequestProblem ? request.validationError.problem : null
    // A created return is saved with its answer to a retry and the token's use, atomically: the API's
    // hook for this request (idempotentAnswer), which the returns' save path writes with the return.
    const submit = async (hook: SubmissionHook) =>
      refused
        ? hook.claim
          ? ('unclaimed' as const)
          : { status: refused.status, body: refused }
        : submitReturn({ returns, nilReturns }, client, request.body, hook)
    if (key === undefined) {
      const answer = await submit(idempotentAnswer(api, client, key))
      if (answer === 'unclaimed') throw new Error('a submission without a claim cannot be unclaimed')
      if (answer.status === 201) client.lastUsedStale = false
      return send(reply, answer)
    }
    if (typeof key !== 'string' || !idempotencyKeyPattern.test(key))
      return sendProblem(
        reply,
        problem('malformed-request', 'Idempotency-Key must be one header of 1 to 255 printable characters.', [
          fieldProblem('Idempotency-Key', 'Idempotency-Key must be 1 to 255 printable characters'),
        ]),
      )

    const hash = requestHash(request.method, apiPaths.apiReturns.build(), request.body)
    // A release this process owes for the key (its last request failed with the database away) first.
    await api.settleKeyRelease(client.tokenId, key)
    const claimedAt = api.claimTime()
    let answer: ApiAnswer | 'unclaimed'
    try {
      // Usually the key is claimed by the submission's first read (one round trip fewer). When it was
      // not (a retry, a request at the same time, or one refused before that read), it is claimed here.
      answer = await submit(idempotentAnswer(api, client, key, { requestHash: hash, claimedAt }))
      if (answer === 'unclaimed') {
        // Not claimed: perhaps because the token no longer stands.
        const fresh = await standing(api, request)
        if (!fresh) return sendUnauthenticated(reply)
        client = fresh
        const claim = await api.claimIdempotencyKey(client.tokenId, key, hash, claimedAt)
        if (claim.kind === 'mismatch')
          return sendProblem(
            reply,
            problem(
              'idempotency-key-reused',
              'This Idempotency-Key was used before with a different request. Use a new key for a new request.',
            ),
          )
        if (claim.kind === 'in-progress')
          return sendProblem(
            reply.header('retry-after', '1'),
            problem(
              'request-in-progress',
              'A request with this Idempotency-Key is still being processed. Retry shortly.',
            ),
          )
        if (claim.kind === 'replay') {
          reply.header('idempotent-replayed', 'true')
          const body = claim.response as { id?: string }
          return send(reply, {
            status: claim.statusCode,
            body: claim.response,
            location: claim.statusCode === 201 && body?.id ? apiPaths.apiReturn.build(body.id) : undefined,
          })
        }
        answer = await submit(idempotentAnswer(api, client, key))
        if (answer === 'unclaimed') throw new Error('a submission without a claim cannot be unclaimed')
      }
      // A created return's answer was recorded with it; any other answer is recorded now.
      if (answer.status !== 201)
        await api.completeIdempotencyKey(client.tokenId, key, answer.status, answer.body)
    } catch (error) {
      // (Never throws: when the database is away, the release is made once it is back.)
      await api.releaseIdempotencyKey(client.tokenId, key, claimedAt)
      throw error
    }
    if (answer.status === 201) client.lastUsedStale = false
    return send(reply, answer)
  })

  v1.get(
    withinApiV1(apiPaths.apiReturns.pattern),
    { schema: listReturnsOperation },
    async (request, reply) => {
      const client = clientOf(request)
      const { locationId: locationRef, from, to, page: pageNumber } = request.query
      let locationId: string | undefined
      if (locationRef) {
        const location = await api.findLocation(client.actor, locationRef)
        if (!location)
          return sendProblem(
            reply,
            problem('not-found', 'There is no location with this locationId that this token may read.', [
              fieldProblem('locationId', 'Location not found, or not one of yours'),
            ]),
          )
        locationId = location.id
      }
      const result = await api.listReturns(client.actor, { locationId, from, to }, pageNumber, pageSize)
      const link = (n: number) => {
        const params = new URLSearchParams()
        if (locationRef) params.set('locationId', locationRef)
        if (from) params.set('from', from)
        if (to) params.set('to', to)
        params.set('page', String(n))
        return `${apiPaths.apiReturns.build()}?${params.toString()}`
      }
      return reply.send({
        items: result.items,
        page: pageNumber,
        pageSize,
        total: result.total,
        links: {
          self: link(pageNumber),
          ...(pageNumber * pageSize < result.total ? { next: link(pageNumber + 1) } : {}),
          ...(pageNumber > 1 ? { prev: link(pageNumber - 1) } : {}),
        },
      })
    },
  )

  v1.get(withinApiV1(apiPaths.apiReturn.pattern), { schema: getReturnOperation }, async (request, reply) => {
    const found = await api.getReturn(clientOf(request).actor, request.params.id)
    if (!found)
      return sendProblem(
        reply,
        problem('not-found', 'There is no return with this id that this token may read.'),
      )
    return reply.send(found)
  })
}
