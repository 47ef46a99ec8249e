import type { FastifyDynamicSwaggerOptions } from '@fastify/swagger'
import { z } from 'zod'
import { currentDataset } from '../returns/index.ts'
import { apiV1Prefix } from './api.paths.ts'
import {
  problemDetails,
  returnList,
  returnResource,
  returnSubmission,
  submittedReturn,
} from './api.schemas.ts'
import {
  csvFile,
  marketAlertList,
  marketCaseList,
  marketCompleteness,
  marketLocation,
  marketLocationList,
  returnsPage,
} from './api-market.schemas.ts'
import { returnValues, returnValuesByServiceType } from './return-values.schema.ts'

// The OpenAPI 3.1 document of the returns API, made by @fastify/swagger from the /api/v1 routes' own
// schemas (api.operations.ts): a route, a field or an answer cannot be documented other than it is.
// The Zod schemas become JSON Schema here; the named ones are components, referenced where used.

type Json = Record<string, unknown>

export const documentedSchemas: Record<string, z.ZodType> = {
  ReturnSubmission: returnSubmission,
  ReturnValues: returnValues,
  ...returnValuesByServiceType,
  SubmittedReturn: submittedReturn,
  Return: returnResource,
  ReturnList: returnList,
  MarketLocation: marketLocation,
  MarketLocationList: marketLocationList,
  ReturnsPage: returnsPage,
  MarketAlertList: marketAlertList,
  MarketCaseList: marketCaseList,
  MarketCompleteness: marketCompleteness,
  CsvFile: csvFile,
  Problem: problemDetails,
}

const componentUri = (id: string) => `#/components/schemas/${id}`

// Zod's JSON Schema, tidied for the document: a nullable value as a list of types, no pattern or bound
// where a format (a date, a UUID) or the type already says it, and a default shown in requests too.
function tidy({ zodSchema, jsonSchema }: { zodSchema: z.core.$ZodType; jsonSchema: Json }) {
  const def = zodSchema._zod.def
  if (def.type === 'default' && jsonSchema.default === undefined)
    jsonSchema.default = (def as z.core.$ZodDefaultDef).defaultValue
  const anyOf = jsonSchema.anyOf as Json[] | undefined
  const other = anyOf?.length === 2 ? anyOf.find((s) => s.type !== 'null') : undefined
  if (other && anyOf?.some((s) => s.type === 'null') && typeof other.type === 'string') {
    delete jsonSchema.anyOf
    Object.assign(
      jsonSchema,
      { ...other, type: [other.type, 'null'] },
      { description: jsonSchema.description },
    )
    if (jsonSchema.description === undefined) delete jsonSchema.description
  }
  if (jsonSchema.format && jsonSchema.pattern) delete jsonSchema.pattern
  if (jsonSchema.maximum === Number.MAX_SAFE_INTEGER) delete jsonSchema.maximum
  if (jsonSchema.minimum === Number.MIN_SAFE_INTEGER) delete jsonSchema.minimum
}

// The named schemas, and another under a name of its own (a route's inline part), as JSON Schema.
function toJsonSchemas(extra?: z.ZodType): Record<string, Json> {
  const registry = z.registry<{ id: string }>()
  for (const [id, schema] of Object.entries(documentedSchemas)) registry.add(schema, { id })
  if (extra) registry.add(extra, { id: '(route)' })
  const { schemas } = z.toJSONSchema(registry, {
    target: 'draft-2020-12',
    io: 'input',
    unrepresentable: 'throw',
    uri: componentUri,
    override: tidy as never,
  })
  return Object.fromEntries(
    Object.entries(schemas).map(([id, { $schema: _s, $id: _i, ...schema }]) => [id, schema as Json]),
  )
}

function toJson(schema: z.ZodType): Json {
  const id = Object.entries(documentedSchemas).find(([, s]) => s === schema)?.[0]
  return id ? { $ref: componentUri(id) } : (toJsonSchemas(schema)['(route)'] as Json)
}

const zod = (value: unknown): value is z.ZodType => value instanceof z.ZodType

// A media type map ({ 'application/json': { schema, example } }) with its schemas as JSON Schema.
const contentJson = (content: Record<string, Json>) =>
  Object.fromEntries(
    Object.entries(content).map(([type, media]) => [
      type,
      { ...media, schema: toJson(media.schema as z.ZodType) },
    ]),
  )

// A route's schema as @fastify/swagger reads it: each part as JSON Schema.
export function routeSchemaJson(schema: Json): Json {
  const json: Json = { ...schema }
  for (const part of ['params', 'querystring', 'headers'] as const)
    if (zod(schema[part])) json[part] = toJson(schema[part])
  const body = schema.body as Json | undefined
  if (body)
    json.body = zod(body) ? toJson(body) : { content: contentJson(body.content as Record<string, Json>) }
  const response = schema.response as Record<string, Json> | undefined
  if (response)
    json.response = Object.fromEntries(
      Object.entries(response).map(([status, answer]) => [
        status,
        {
          ...answer,
          ...(answer.headers
            ? {
                headers: Object.fromEntries(
                  Object.entries(answer.headers as Record<string, z.ZodType>).map(([name, s]) => [
                    name,
                    toJson(s),
                  ]),
                ),
              }
            : {}),
          content: contentJson(answer.content as Record<string, Json>),
        },
      ]),
    )
  return json
}

// A request body's example is its schema's first (@fastify/swagger keeps only the body's schema).
function withBodyExamples(document: Json, schemas: Record<string, Json>) {
  for (const methods of Object.values((document.paths ?? {}) as Record<string, Record<string, Json>>))
    for (const operation of Object.values(methods)) {
      const content = (operation.requestBody as { content?: Record<string, Json> } | undefined)?.content
      for (const media of Object.values(content ?? {})) {
        const ref = (media.schema as Json | undefined)?.$ref
        const examples = typeof ref === 'string' ? schemas[ref.split('/').pop() ?? '']?.examples : undefined
        if (Array.isArray(examples) && examples.length) media.example = examples[0]
      }
    }
  return document as never
}

export function swaggerOptions(baseUrl: string): FastifyDynamicSwaggerOptions {
  return {
    stripBasePath: false,
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'CareHub API',
        version: '1',
        description: [
          'Send and read situation returns from a care-record system; read a council’s or partner’s market from a business-intelligence tool.',
          '',
          'Authenticate with an API token made on the “API tokens” page: `Authorization: Bearer <token>`. A provider manager’s token acts for its provider only: other providers’ locations and returns are “not found”. A council’s or partner’s token (made by an administrator, council officer or partner officer) reads its market under `/api/v1/market`, as its creator’s role may on the pages: a location outside the market is “not found”; it sends nothing. The market is read as JSON, or as CSV with `?format=csv` or `Accept: text/csv`, at most a set number of requests a minute per token (429 with `Retry-After` beyond it).',
          '',
          'Errors are RFC 9457 problem details (`application/problem+json`) with an `errors` list naming each field at fault. Nothing is saved when the answer is an error.',
          '',
          `Dataset version ${currentDataset.version}. The fields a location sends depend on its kind of service: see the ReturnValues.<service type> schemas. A field that does not apply to the location is refused.`,
        ].join('\n'),
      },
      servers: [{ url: baseUrl }],
      security: [{ bearerAuth: [] }],
      tags: [
        { name: 'Returns', description: 'Situation returns' },
        { name: 'Market', description: 'A council’s or partner’s market, read with their token' },
      ],
      components: {
        securitySchemes: {
          bearerAuth: {
            type: 'http',
            scheme: 'bearer',
            description: 'An API token from the “API tokens” page. Keep it secret; revoke it if it leaks.',
          },
        },
      },
    },
    // The document is of the JSON API only: the token pages and the documentation are not in it.
    transform: ({ schema, url }) =>
      url.startsWith(`${apiV1Prefix}/`) && schema
        ? { schema: routeSchemaJson(schema as Json) as never, url }
        : { schema: { hide: true }, url },
    transformObject: (document) => {
      const openapiObject = 'openapiObject' in document ? document.openapiObject : {}
      const schemas = toJsonSchemas()
      return withBodyExamples(
        { ...openapiObject, components: { ...openapiObject.components, schemas } },
        schemas,
      )
    },
  }
}
