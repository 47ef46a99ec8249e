import type { FastifyInstance } from 'fastify'
import { serviceTypeNames, serviceTypes } from '../../domain/service-types.ts'
import { currentDataset } from '../returns/index.ts'
import { pageSize } from './api.operations.ts'
import { apiPaths } from './api.paths.ts'
import { problemTypes } from './problem.ts'

// The API's documentation: the OpenAPI document @fastify/swagger makes from the /api/v1 routes, and a
// GOV.UK page drawn from that same document. Anyone may read them: they hold nothing about anybody.

type Schema = {
  type?: string | string[]
  description?: string
  maximum?: number
  maxLength?: number
  items?: { enum?: string[] }
  enum?: string[]
  properties?: Record<string, Schema>
  required?: string[]
  examples?: unknown[]
}
type Media = { schema?: Schema; example?: unknown }
type Operation = {
  operationId?: string
  tags?: string[]
  summary?: string
  responses?: Record<string, { content?: Record<string, Media> }>
}
export type ApiDocument = {
  paths: Record<string, Record<string, Operation>>
  components: { schemas: Record<string, Schema> }
}

const typeOf = (schema: Schema) => [schema.type].flat().find((t) => t !== 'null')

function valueText(schema: Schema): string {
  switch (typeOf(schema)) {
    case 'integer':
      return `whole number, 0 to ${(schema.maximum ?? 0).toLocaleString('en-GB')}`
    case 'boolean':
      return 'true or false'
    case 'array':
      return `list of: ${(schema.items?.enum ?? []).join(', ')}`
    default:
      return `text, up to ${schema.maxLength} characters`
  }
}

function operation(document: ApiDocument, operationId: string) {
  for (const [path, methods] of Object.entries(document.paths))
    for (const op of Object.values(methods)) if (op.operationId === operationId) return { path, op }
  throw new Error(`the API document has no operation ${operationId}`)
}

// What the page shows, read from the document: the fields of `values`, who sends each and whether
// they must, the examples, the address of one return.
export function docsPage(document: ApiDocument) {
  const schemas = document.components.schemas
  const byServiceType = serviceTypes.map((serviceType) => ({
    serviceType,
    schema: schemas[`ReturnValues.${serviceType}`] ?? {},
  }))
  const fields = Object.entries(schemas.ReturnValues?.properties ?? {}).map(([key, schema]) => {
    const sentBy = byServiceType.filter((s) => s.schema.properties?.[key])
    return {
      key,
      label: schema.description,
      type: valueText(schema),
      appliesTo:
        sentBy.length === serviceTypes.length
          ? 'All services'
          : sentBy.map((s) => serviceTypeNames[s.serviceType]).join(', '),
      required: sentBy.some((s) => s.schema.required?.includes(key)),
    }
  })
  const json = (v: unknown) => JSON.stringify(v, null, 2)
  const nilReturn = schemas.ReturnSubmission?.properties?.nilReturn
  const submit = operation(document, 'submitReturn').op.responses ?? {}
  // The read API for councils and partners: each of its operations, as the document lists them.
  const market = Object.entries(document.paths).flatMap(([path, methods]) =>
    Object.entries(methods)
      .filter(([, op]) => op.tags?.includes('Market'))
      .map(([method, op]) => ({ method: method.toUpperCase(), path, summary: op.summary })),
  )
  return {
    fields,
    market,
    returnPath: operation(document, 'getReturn').path,
    // A nil return's reasons, as the document lists them.
    nilReasons: nilReturn?.properties?.reason?.enum ?? [],
    examples: {
      submission: json(schemas.ReturnSubmission?.examples?.[0]),
      nilSubmission: json(schemas.ReturnSubmission?.examples?.[1]),
      created: json(submit['201']?.content?.['application/json']?.example),
      validation: json(submit['422']?.content?.['application/problem+json']?.example),
    },
  }
}

export async function apiDocs(app: FastifyInstance, options: { readRateLimit: number }) {
  app.get(apiPaths.apiOpenApi.pattern, (_request, reply) =>
    reply.type('application/json; charset=utf-8').send(app.swagger()),
  )
  app.get(apiPaths.apiDocs.pattern, (_request, reply) =>
    reply.render('api/views/api-docs.njk', {
      pageTitle: 'Situation returns API',
      datasetVersion: currentDataset.version,
      problems: Object.entries(problemTypes).map(([slug, p]) => ({ slug, ...p })),
      pageSize,
      readRateLimit: options.readRateLimit,
      ...docsPage(app.swagger() as unknown as ApiDocument),
    }),
  )
}
