import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { isDatabaseUnavailable, retryAfterSeconds } from '../../db/database-unavailable.ts'
import { serviceTypeNames } from '../../domain/service-types.ts'
import { UnsafeInputError } from '../../web/input-safety.ts'
import { paths } from '../../web/paths.ts'
import { currentDataset, type ReturnsService } from '../returns/index.ts'
import type { ApiClient, ApiService } from './api.service.ts'
import { apiTokenPages } from './api-tokens.routes.ts'
import {
  exampleCreated,
  exampleSubmission,
  exampleValidationProblem,
  openApiDocument,
  pageSize,
} from './openapi.ts'
import { fieldProblem, problem, problemTypes, sendProblem } from './problem.ts'
import {
  type ApiAnswer,
  idempotentAnswer,
  requestHash,
  submitReturn,
  validCalendarDate,
} from './submit-return.ts'

declare module 'fastify' {
  interface FastifyRequest {
    // Set by the bearer-token hook on /api/v1 routes only.
    apiClient: ApiClient | null
  }
}

type Options = { api: ApiService; returns: ReturnsService; baseUrl: string }

// The returns API and everything around it: the token pages, the JSON API under /api/v1 (bearer tokens,
// not cookies, so no CSRF) and its documentation.
export async function apiRoutes(app: FastifyInstance, options: Options) {
  await app.register(apiTokenPages, { api: options.api })
  await app.register(apiV1, { ...options, prefix: '/api/v1' })
  await app.register(apiDocs, { baseUrl: options.baseUrl })
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
  const { api, returns } = options
  app.decorateRequest('apiClient', null)

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
      request.url === paths.apiReturns() &&
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

  app.post('/returns', async (request, reply) => {
    let client = clientOf(request)
    const contentType = request.headers['content-type'] ?? ''
    if (!jsonContentType.test(contentType))
      return sendProblem(
        reply,
        problem('unsupported-media-type', 'Send the return as JSON, with Content-Type: application/json.'),
      )

    const key = request.headers['idempotency-key']
    // A created return is saved with its answer to a retry and the token's use, atomically: the API's
    // hook for this request (idempotentAnswer), which the returns' save path writes with the return.
    if (key === undefined) {
      const answer = await submitReturn({ returns }, client, request.body, idempotentAnswer(api, client, key))
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

    const hash = requestHash(request.method, paths.apiReturns(), request.body)
    // A release this process owes for the key (its last request failed with the database away) first.
    await api.settleKeyRelease(client.tokenId, key)
    const claimedAt = api.claimTime()
    let answer: ApiAnswer | 'unclaimed'
    try {
      // Usually the key is claimed by the submission's first read (one round trip fewer). When it was
      // not (a retry, a request at the same time, or one refused before that read), it is claimed here.
      answer = await submitReturn(
        { returns },
        client,
        request.body,
        idempotentAnswer(api, client, key, { requestHash: hash, claimedAt }),
      )
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
            location: claim.statusCode === 201 && body?.id ? paths.apiReturn(body.id) : undefined,
          })
        }
        answer = await submitReturn({ returns }, client, request.body, idempotentAnswer(api, client, key))
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

  app.get('/returns', async (request, reply) => {
    const client = clientOf(request)
    const query = request.query as Record<string, unknown>
    const one = (name: string) => {
      const v = query[name]
      return typeof v === 'string' ? v.trim() : v === undefined ? undefined : null
    }
    const errors = []
    const page = one('page') ?? '1'
    if (page === null || !/^\d{1,6}$/.test(page) || Number(page) < 1)
      errors.push(fieldProblem('page', 'page must be a whole number, 1 or more'))
    const from = one('from') || undefined
    const to = one('to') || undefined
    for (const [name, value] of [
      ['from', from],
      ['to', to],
    ] as const) {
      if (value === null || (value !== undefined && !validCalendarDate(value)))
        errors.push(fieldProblem(name, `${name} must be a date like 2020-04-14`))
    }
    const locationRef = one('locationId')
    if (locationRef === null) errors.push(fieldProblem('locationId', 'Give locationId once'))
    if (errors.length)
      return sendProblem(reply, problem('malformed-request', 'A query parameter is not valid.', errors))
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
    const pageNumber = Number(page)
    const result = await api.listReturns(
      client.actor,
      { locationId, from: from ?? undefined, to: to ?? undefined },
      pageNumber,
      pageSize,
    )
    const link = (n: number) => {
      const params = new URLSearchParams()
      if (locationRef) params.set('locationId', locationRef)
      if (from) params.set('from', from)
      if (to) params.set('to', to)
      params.set('page', String(n))
      return `${paths.apiReturns()}?${params.toString()}`
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
  })

  app.get<{ Params: { id: string } }>('/returns/:id', async (request, reply) => {
    const found = await api.getReturn(clientOf(request).actor, request.params.id)
    if (!found)
      return sendProblem(
        reply,
        problem('not-found', 'There is no return with this id that this token may read.'),
      )
    return reply.send(found)
  })
}

// Anyone may read the documentation: it holds nothing about anybody.
async function apiDocs(app: FastifyInstance, options: { baseUrl: string }) {
  app.get(paths.apiOpenApi(), (_request, reply) =>
    reply.type('application/json; charset=utf-8').send(openApiDocument(options.baseUrl)),
  )
  app.get(paths.apiDocs(), (_request, reply) => {
    const fields = currentDataset.sections.flatMap((section) =>
      section.fields.map((f) => ({
        key: f.key,
        label: f.label,
        section: section.title,
        type:
          f.type === 'whole-number'
            ? `whole number, 0 to ${(f.max ?? 0).toLocaleString('en-GB')}`
            : f.type === 'yes-no'
              ? 'true or false'
              : f.type === 'choice'
                ? `list of: ${(f.choices ?? []).map((c) => c.value).join(', ')}`
                : `text, up to ${f.max} characters`,
        appliesTo:
          f.appliesTo === 'all' ? 'All services' : f.appliesTo.map((s) => serviceTypeNames[s]).join(', '),
        required: f.required,
      })),
    )
    const json = (v: unknown) => JSON.stringify(v, null, 2)
    return reply.render('api/views/api-docs.njk', {
      pageTitle: 'Situation returns API',
      baseUrl: options.baseUrl,
      datasetVersion: currentDataset.version,
      fields,
      problems: Object.entries(problemTypes).map(([slug, p]) => ({ slug, ...p })),
      pageSize,
      examples: {
        submission: json(exampleSubmission),
        created: json(exampleCreated),
        validation: json(exampleValidationProblem),
      },
    })
  })
}
