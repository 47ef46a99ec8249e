import type { FastifyReply } from 'fastify'
import { apiPaths } from './api.paths.ts'

// RFC 9457 problem details: every API error has a type (a link into the API documentation), a title,
// the status, a detail in plain words and, for validation, the fields at fault.

export type FieldProblem = { field: string; pointer: string; message: string }

export type Problem = {
  type: string
  title: string
  status: number
  detail: string
  errors?: FieldProblem[]
}

export const problemTypes = {
  'malformed-request': { status: 400, title: 'The request is malformed' },
  unauthenticated: { status: 401, title: 'Authentication is required' },
  forbidden: { status: 403, title: 'Not for this kind of token' },
  'not-found': { status: 404, title: 'Not found' },
  'unsupported-media-type': { status: 415, title: 'The request body must be JSON' },
  'return-exists': { status: 409, title: 'A return for this period already exists' },
  'return-changed': { status: 409, title: 'The return was changed by someone else' },
  'request-in-progress': { status: 409, title: 'A request with this Idempotency-Key is in progress' },
  'validation-failed': { status: 422, title: 'The return is not valid' },
  'idempotency-key-reused': { status: 422, title: 'Idempotency-Key reused with a different request' },
  'too-many-requests': { status: 429, title: 'Too many requests with this token' },
  'internal-error': { status: 500, title: 'Internal error' },
  'service-unavailable': { status: 503, title: 'The service is unavailable for a moment' },
} as const

export type ProblemType = keyof typeof problemTypes

export function problem(type: ProblemType, detail: string, errors?: FieldProblem[]): Problem {
  const { status, title } = problemTypes[type]
  return { type: `${apiPaths.apiDocs.build()}#${type}`, title, status, detail, ...(errors ? { errors } : {}) }
}

export function sendProblem(reply: FastifyReply, p: Problem) {
  return reply.code(p.status).type('application/problem+json; charset=utf-8').send(p)
}

// Where a field lives in the request body, as a JSON Pointer (RFC 6901).
export function fieldProblem(field: string, message: string, under?: string): FieldProblem {
  const pointerPart = (s: string) => s.replace(/~/g, '~0').replace(/\//g, '~1')
  return { field, pointer: under ? `/${under}/${pointerPart(field)}` : `/${pointerPart(field)}`, message }
}
