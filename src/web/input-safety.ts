import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { unstorableText } from '../domain/text-limits.ts'

// Text PostgreSQL cannot store (a NUL byte; half of a UTF-16 surrogate pair, which jsonb refuses) and
// bodies nested deeper than any form or return needs are refused once, here, before any route sees
// them: a 400 naming the field, never a 500 from the database or a stack overflow further on.

export const maxInputDepth = 20

export type InputProblem = { path: string[]; message: string }

// An object of data: from JSON, or from the query-string parser (whose objects have a prototype that
// itself has none). Buffers, streams and other class instances are not walked.
const isPlainObject = (value: unknown): value is Record<string, unknown> => {
  if (typeof value !== 'object' || value === null) return false
  const prototype = Object.getPrototypeOf(value)
  return prototype === Object.prototype || prototype === null || Object.getPrototypeOf(prototype) === null
}

// The first problem in a parsed body, query or set of route parameters; null when there is none. Walks
// plain objects and arrays only (a multipart body's file parts are buffers and streams, skipped).
export function findInputProblem(value: unknown, path: string[] = [], depth = 0): InputProblem | null {
  if (typeof value === 'string') {
    const problem = unstorableText(value)
    return problem ? { path, message: problem } : null
  }
  const entries: [string, unknown][] | null = Array.isArray(value)
    ? value.map((item, i) => [String(i), item])
    : isPlainObject(value)
      ? Object.entries(value)
      : null
  if (!entries) return null
  if (depth >= maxInputDepth)
    return { path, message: `is nested too deeply: at most ${maxInputDepth} levels of objects and arrays` }
  for (const [key, item] of entries) {
    const keyProblem = unstorableText(key)
    if (keyProblem) return { path: [...path, key], message: `has a name that ${keyProblem}` }
    const found = findInputProblem(item, [...path, key], depth + 1)
    if (found) return found
  }
  return null
}

// A multipart form (a file upload): its fields' text and file names are checked; the files are not.
function multipartProblem(body: Record<string, unknown>): InputProblem | null {
  for (const [name, parts] of Object.entries(body)) {
    for (const part of [parts].flat()) {
      // Parts as @fastify/multipart gives them, or (src/web/uploads.ts) fields and the file's name as text.
      const { type, value, filename } = (part ?? {}) as { type?: string; value?: unknown; filename?: unknown }
      const text =
        typeof part === 'string' ? part : type === 'field' ? value : type === 'file' ? filename : undefined
      const found = typeof text === 'string' ? findInputProblem(text, [name]) : null
      if (found) return found
    }
  }
  return null
}

// A web form sends each field as text, or as a list of text when given more than once. The same form
// posted as JSON may carry numbers, objects or null, which no form's handler or template is written for
// (an object with its own `toString` stopped a page being drawn): refused here, naming the field.
export function formFieldProblem(body: unknown): InputProblem | null {
  if (!isPlainObject(body)) return null
  for (const [name, value] of Object.entries(body)) {
    const text =
      typeof value === 'string' || (Array.isArray(value) && value.every((v) => typeof v === 'string'))
    if (!text) return { path: [name], message: 'must be text, as a form sends it' }
  }
  return null
}

function problemIn(
  request: FastifyRequest,
): { where: 'body' | 'query' | 'path'; problem: InputProblem } | null {
  const params = findInputProblem(request.params)
  if (params) return { where: 'path', problem: params }
  const query = findInputProblem(request.query)
  if (query) return { where: 'query', problem: query }
  const body = request.body
  const multipart = /^multipart\//i.test(request.headers['content-type'] ?? '')
  const inBody = multipart && isPlainObject(body) ? multipartProblem(body) : findInputProblem(body)
  if (inBody) return { where: 'body', problem: inBody }
  const webForm = !multipart && !request.url.startsWith('/api/') ? formFieldProblem(body) : null
  return webForm ? { where: 'body', problem: webForm } : null
}

// Refused input under /api/ is thrown for the API's own error handler to answer as problem JSON.
export class UnsafeInputError extends Error {
  readonly statusCode = 400
  readonly code = 'CAREHUB_UNSAFE_INPUT'
  constructor(
    message: string,
    readonly field: string,
    readonly pointer: string,
  ) {
    super(message)
  }
}

const pointerOf = (path: string[]) =>
  path.map((part) => `/${part.replace(/~/g, '~0').replace(/\//g, '~1')}`).join('')

export const inputSafetyPlugin = fp(async (app: FastifyInstance) => {
  // After the session hook, so the bad-request page is drawn for whoever is signed in.
  app.addHook('preHandler', async (request: FastifyRequest, reply: FastifyReply) => {
    const found = problemIn(request)
    if (!found) return
    const { where, problem } = found
    const field = problem.path.join('.') || where
    const message = `${problem.path.length ? `The field “${field}”` : `The ${where}`} ${problem.message}.`
    request.log.info({ where, field }, 'unsafe input refused')
    if (request.url.startsWith('/api/')) throw new UnsafeInputError(message, field, pointerOf(problem.path))
    return reply.code(400).render('pages/bad-request.njk', {
      pageTitle: 'Sorry, there is a problem with your request',
      problem: message,
    })
  })
})
