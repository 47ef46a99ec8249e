import type { FastifySchemaCompiler } from 'fastify'
import { z } from 'zod'
import { type FieldProblem, fieldProblem, type Problem, type ProblemType, problem } from './problem.ts'

// The API's request schemas (Zod) are checked here, and what they refuse is answered as problem JSON
// in our words, per field: Zod's own text never reaches a client. Every schema a route validates with
// carries its words in `requestMessages` (a route whose schema has none fails to start).

export type RequestMessages = {
  type: ProblemType
  detail: string
  // The detail when the part is not an object at all (then no field is named).
  notAnObject?: string
  // Each field's message, in the order the problem lists them.
  fields: Record<string, string>
  // A field the schema does not know, listed first, in the order sent.
  unknownField?: (name: string) => string
  // false: the problem names no field (a path that is not found).
  listsFields?: boolean
  // What a later check reports together with its own findings (the returns service's 422), so the
  // schema leaves it: the schema still states it, for the document.
  leftForLater?: (issue: z.core.$ZodIssue) => boolean
}

export const requestMessages = new WeakMap<z.ZodType, RequestMessages>()

// A request refused by its schema; the API's error handler (or the route, for a return) answers it.
export class RequestProblem extends Error {
  readonly statusCode: number
  constructor(readonly problem: Problem) {
    super(problem.detail)
    this.statusCode = problem.status
  }
}

export function problemFor(issues: readonly z.core.$ZodIssue[], messages: RequestMessages): Problem {
  if (issues.some((i) => i.path.length === 0 && i.code === 'invalid_type'))
    return problem(messages.type, messages.notAnObject ?? messages.detail)
  if (messages.listsFields === false) return problem(messages.type, messages.detail)
  const errors: FieldProblem[] = []
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys' && issue.path.length === 0)
      for (const key of issue.keys)
        errors.push(fieldProblem(key, messages.unknownField?.(key) ?? `${key} is not expected`))
  }
  for (const [field, message] of Object.entries(messages.fields)) {
    if (issues.some((i) => i.path[0] === field)) errors.push(fieldProblem(field, message))
  }
  return problem(messages.type, messages.detail, errors)
}

// Headers arrive with lower-case names; a schema names them as the documentation does (Idempotency-Key).
function headersAsNamed(schema: z.ZodType, headers: unknown): Record<string, unknown> {
  const sent = (headers ?? {}) as Record<string, unknown>
  const shape = schema instanceof z.ZodObject ? Object.keys(schema.shape) : []
  return Object.fromEntries(shape.map((name) => [name, sent[name.toLowerCase()]]))
}

export const validatorCompiler: FastifySchemaCompiler<z.ZodType> = ({ schema, method, url, httpPart }) => {
  const messages = requestMessages.get(schema)
  if (!messages) throw new Error(`${method} ${url}: its ${httpPart} schema has no requestMessages`)
  if (schema instanceof z.ZodObject) {
    const unworded = Object.keys(schema.shape).filter((field) => !(field in messages.fields))
    if (unworded.length && messages.listsFields !== false)
      throw new Error(`${method} ${url}: no message for ${httpPart} field ${unworded.join(', ')}`)
  }
  return (data) => {
    const isHeaders = httpPart === 'headers'
    const result = schema.safeParse(isHeaders ? headersAsNamed(schema, data) : data)
    // The headers stay as they came (a schema names only those it documents).
    if (result.success) return { value: isHeaders ? data : result.data }
    const issues = result.error.issues.filter((issue) => !messages.leftForLater?.(issue))
    if (issues.length === 0) return { value: data }
    return { error: new RequestProblem(problemFor(issues, messages)) }
  }
}

// The API's answers are documented by their schemas and sent as they are (the routes build them).
export const serializerCompiler = () => (data: unknown) => JSON.stringify(data)
