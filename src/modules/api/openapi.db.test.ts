import { load } from 'cheerio'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp } from '../../../test/support/test-app.ts'
import { getReturnOperation, listReturnsOperation, submitReturnOperation } from './api.operations.ts'
import { apiV1Prefix } from './api.paths.ts'
import { exampleNilSubmission } from './api.examples.ts'
import { marketOperations } from './api-market.operations.ts'
import { documentedSchemas } from './openapi-document.ts'

// The API's OpenAPI document against the app's routes: @fastify/swagger makes it from the /api/v1
// routes' schemas, so every route is in it with what it takes and answers, and nothing else is.

type Json = Record<string, unknown>
type Operation = {
  operationId?: string
  summary?: string
  description?: string
  tags?: string[]
  security?: Json[]
  parameters?: { name: string; in: string; required?: boolean; schema?: Json }[]
  requestBody?: { content?: Record<string, { schema?: Json }> }
  responses?: Record<string, { description?: string; content?: Record<string, { schema?: Json }> }>
}
type Document = {
  openapi: string
  info: { title?: string; version?: string }
  paths: Record<string, Record<string, Operation>>
  components: { schemas: Record<string, Json>; securitySchemes: Record<string, Json> }
  security?: Json[]
  tags?: { name: string }[]
}

const methods = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']
const operationsOf = (doc: Document) =>
  Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([method]) => methods.includes(method))
      .map(([method, operation]) => ({ path, method, operation })),
  )

const pointerPart = (key: string) => key.replace(/~/g, '~0').replace(/\//g, '~1')

// Every `$ref` in the document, with where it is (a JSON Pointer).
function refsIn(value: unknown, at = '#'): { at: string; ref: string }[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => refsIn(v, `${at}/${i}`))
  if (typeof value !== 'object' || value === null) return []
  return Object.entries(value).flatMap(([key, v]) =>
    key === '$ref' && typeof v === 'string' ? [{ at, ref: v }] : refsIn(v, `${at}/${pointerPart(key)}`),
  )
}

const resolve = (doc: unknown, ref: string) =>
  ref
    .replace(/^#\//, '')
    .split('/')
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce<unknown>((node, part) => (node as Json | undefined)?.[part], doc)

// What makes an OpenAPI 3.1 document unusable, checked by hand (the structure, not every keyword).
function openApiProblems(doc: Document): string[] {
  const problems: string[] = []
  if (!/^3\.1\.\d+$/.test(doc.openapi)) problems.push(`openapi is ${doc.openapi}`)
  if (!doc.info?.title || !doc.info?.version) problems.push('info needs a title and a version')
  const tags = new Set((doc.tags ?? []).map((t) => t.name))
  const schemes = Object.keys(doc.components?.securitySchemes ?? {})
  const operationIds = new Set<string>()
  for (const requirement of doc.security ?? [])
    for (const name of Object.keys(requirement))
      if (!schemes.includes(name)) problems.push(`security names an unknown scheme ${name}`)
  for (const { path, method, operation } of operationsOf(doc)) {
    const where = `${method.toUpperCase()} ${path}`
    if (!path.startsWith('/')) problems.push(`${where}: a path starts with /`)
    if (!operation.operationId || operationIds.has(operation.operationId))
      problems.push(`${where}: needs an operationId of its own`)
    operationIds.add(operation.operationId ?? '')
    for (const tag of operation.tags ?? []) if (!tags.has(tag)) problems.push(`${where}: unknown tag ${tag}`)
    const parameters = operation.parameters ?? []
    for (const p of parameters) {
      if (!p.name || !['query', 'header', 'path', 'cookie'].includes(p.in) || !p.schema)
        problems.push(`${where}: parameter ${p.name} needs a name, a place and a schema`)
      if (parameters.filter((q) => q.name === p.name && q.in === p.in).length > 1)
        problems.push(`${where}: parameter ${p.name} twice`)
    }
    for (const [, name] of path.matchAll(/\{([^}]+)\}/g))
      if (!parameters.some((p) => p.name === name && p.in === 'path' && p.required === true))
        problems.push(`${where}: path parameter ${name} is not declared, required`)
    for (const p of parameters.filter((q) => q.in === 'path'))
      if (!path.includes(`{${p.name}}`)) problems.push(`${where}: path parameter ${p.name} not in the path`)
    const responses = Object.entries(operation.responses ?? {})
    if (responses.length === 0) problems.push(`${where}: no responses`)
    for (const [status, response] of responses) {
      if (!/^([1-5]\d\d|[1-5]XX|default)$/.test(status)) problems.push(`${where}: response ${status}`)
      if (typeof response.description !== 'string') problems.push(`${where} ${status}: no description`)
      for (const [type, media] of Object.entries(response.content ?? {}))
        if (!media.schema) problems.push(`${where} ${status} ${type}: no schema`)
    }
  }
  for (const { at, ref } of refsIn(doc))
    if (!ref.startsWith('#/') || resolve(doc, ref) === undefined)
      problems.push(`${at}: $ref ${ref} is not found`)
  return problems
}

// The route's URL as the document writes it: /returns/:id is /returns/{id}.
const documentedPath = (url: string) => url.replace(/:([A-Za-z]+)/g, '{$1}')

describe('the API’s OpenAPI document', () => {
  let t: TestApp
  let doc: Document

  // The document does not depend on the database: one engine is enough.
  beforeAll(async () => {
    t = await buildTestApp('pglite')
    const response = await t.app.inject({ method: 'GET', url: '/api/docs/openapi.json' })
    expect(response.statusCode).toBe(200)
    doc = response.json()
  }, 120_000)

  afterAll(async () => {
    await t?.close()
  })

  it('lists every /api/v1 route of the app, with its request and response schemas, and nothing else', () => {
    const routes = t.app.routeTable
      .filter((r) => r.url.startsWith(`${apiV1Prefix}/`) && r.method !== 'HEAD')
      .map((r) => `${r.method} ${documentedPath(r.url)}`)
      .sort()
    const documented = operationsOf(doc).map(({ path, method }) => `${method.toUpperCase()} ${path}`)
    expect(routes).toEqual(
      expect.arrayContaining([
        'GET /api/v1/returns',
        'GET /api/v1/returns/{id}',
        'POST /api/v1/returns',
        'GET /api/v1/market/locations',
        'GET /api/v1/market/locations/{id}',
        'GET /api/v1/market/returns',
        'GET /api/v1/market/alerts',
        'GET /api/v1/market/cases',
        'GET /api/v1/market/completeness',
      ]),
    )
    expect(documented.sort()).toEqual(routes)

    for (const { path, method, operation } of operationsOf(doc)) {
      const where = `${method} ${path}`
      expect(operation.summary, where).toBeTruthy()
      expect(operation.description, where).toBeTruthy()
      // What it takes: each path parameter, and a body to a POST, with a schema.
      for (const [, name] of path.matchAll(/\{([^}]+)\}/g))
        expect(operation.parameters?.find((p) => p.name === name)?.schema, where).toBeDefined()
      if (method === 'post')
        expect(operation.requestBody?.content?.['application/json']?.schema, where).toBeDefined()
      // What it answers: a success and the problems, each with a schema.
      const responses = Object.entries(operation.responses ?? {})
      expect(
        responses.some(([status]) => status.startsWith('2')),
        where,
      ).toBe(true)
      expect(
        responses.some(([status]) => status === '401'),
        where,
      ).toBe(true)
      for (const [status, response] of responses) {
        const media = Object.values(response.content ?? {})
        expect(media.length, `${where} ${status}`).toBeGreaterThan(0)
        for (const m of media) expect(m.schema, `${where} ${status}`).toBeDefined()
      }
    }
  })

  it('documents each route with the schemas it checks requests with', () => {
    const componentOf = (schema: unknown) =>
      `#/components/schemas/${Object.entries(documentedSchemas).find(([, s]) => s === schema)?.[0]}`
    for (const definition of [
      submitReturnOperation,
      listReturnsOperation,
      getReturnOperation,
      ...marketOperations,
    ]) {
      const found = operationsOf(doc).find((o) => o.operation.operationId === definition.operationId)
      expect(found, definition.operationId).toBeDefined()
      const operation = found!.operation
      expect(Object.keys(operation.responses ?? {}).sort()).toEqual(Object.keys(definition.response).sort())
      const parts = [
        ['path', 'params' in definition ? definition.params : undefined],
        ['query', 'querystring' in definition ? definition.querystring : undefined],
        ['header', 'headers' in definition ? definition.headers : undefined],
      ] as const
      for (const [place, schema] of parts)
        expect(
          (operation.parameters ?? []).filter((p) => p.in === place).map((p) => p.name),
          `${definition.operationId} ${place}`,
        ).toEqual(schema ? Object.keys(schema.shape) : [])
      for (const [status, answer] of Object.entries(definition.response))
        for (const [type, media] of Object.entries(answer.content as Record<string, { schema: unknown }>)) {
          const documented = operation.responses?.[status]?.content?.[type]?.schema
          expect(documented, `${definition.operationId} ${status}`).toEqual({
            $ref: componentOf(media.schema),
          })
        }
    }
    expect(
      operationsOf(doc).find((o) => o.operation.operationId === 'submitReturn')?.operation.requestBody,
    ).toMatchObject({
      required: true,
      content: {
        'application/json': {
          schema: { $ref: componentOf(submitReturnOperation.body.content['application/json'].schema) },
        },
      },
    })
  })

  it('is a well-formed OpenAPI 3.1 document: every operation, parameter, response and $ref', () => {
    expect(openApiProblems(doc)).toEqual([])
    // The checks find what they look for.
    const broken = structuredClone(doc)
    const submit = broken.paths['/api/v1/returns']!.post!
    submit.responses!['201']!.content!['application/json']!.schema = { $ref: '#/components/schemas/Nothing' }
    submit.parameters = [{ name: 'id', in: 'path' }]
    expect(openApiProblems(broken)).toEqual([
      'POST /api/v1/returns: parameter id needs a name, a place and a schema',
      'POST /api/v1/returns: path parameter id not in the path',
      '#/paths/~1api~1v1~1returns/post/responses/201/content/application~1json/schema: $ref #/components/schemas/Nothing is not found',
    ])
  })

  it('names the dataset’s fields, each kind of service’s, and the problems', () => {
    const schemas = doc.components.schemas
    expect(Object.keys(schemas)).toEqual(Object.keys(documentedSchemas))
    const values = schemas.ReturnValues as { properties: Record<string, Json>; additionalProperties: boolean }
    expect(values.additionalProperties).toBe(false)
    expect(values.properties.bedsOccupied).toEqual({
      type: ['integer', 'null'],
      minimum: 0,
      maximum: 100_000,
      description: 'Beds occupied',
    })
    expect((schemas['ReturnValues.home_care'] as { required: string[] }).required).toContain('hoursDelivered')
    expect((schemas['ReturnValues.care_home_nursing'] as { properties: Json }).properties).not.toHaveProperty(
      'hoursDelivered',
    )
    expect(
      doc.paths['/api/v1/returns']!.post!.parameters?.find((p) => p.name === 'Idempotency-Key'),
    ).toMatchObject({ in: 'header', required: false, schema: { type: 'string', maxLength: 255 } })
  })

  it('documents a nil return: sent instead of values, with its reasons, and read back on a return', () => {
    const schemas = doc.components.schemas
    const submission = schemas.ReturnSubmission as {
      properties: Record<string, Json>
      required: string[]
      examples: unknown[]
    }
    expect(submission.required).toEqual(['locationId'])
    expect(submission.properties.nilReturn).toMatchObject({
      type: ['object', 'null'],
      additionalProperties: false,
      required: ['reason'],
      properties: {
        reason: { enum: ['no-people-supported', 'temporarily-closed', 'other'] },
        details: { type: ['string', 'null'], maxLength: 1000 },
      },
    })
    expect((submission.properties.nilReturn as { description: string }).description).toContain(
      'Instead of values',
    )
    expect(submission.examples).toContainEqual(exampleNilSubmission)
    const read = schemas.Return as { properties: Record<string, Json>; required: string[] }
    expect(read.required).toContain('nilReturn')
    expect(read.properties.nilReturn).toMatchObject({
      type: ['object', 'null'],
      properties: { reason: { enum: ['no-people-supported', 'temporarily-closed', 'other'] } },
    })
  })

  it('publishes an OpenAPI 3.1 document and a documentation page', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/api/docs/openapi.json' })
    expect(response.statusCode).toBe(200)
    const doc = JSON.parse(response.body)
    expect(doc.openapi).toBe('3.1.0')
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/api/v1/returns', '/api/v1/returns/{id}']),
    )
    expect(doc.paths['/api/v1/returns'].post.requestBody.content['application/json'].schema.$ref).toBe(
      '#/components/schemas/ReturnSubmission',
    )
    expect(doc.components.schemas.ReturnValues.properties.ppeDaysGloves.type).toEqual(['integer', 'null'])
    expect(doc.components.schemas.Problem.required).toEqual(['type', 'title', 'status'])
    expect(doc.components.securitySchemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' })

    const page = await t.app.inject({ method: 'GET', url: '/api/docs' })
    expect(page.statusCode).toBe(200)
    const $ = load(page.body)
    expect($('h1').text()).toBe('Situation returns API')
    expect($('a[href="/api/docs/openapi.json"]').length).toBeGreaterThan(0)
    expect($('#validation-failed').length).toBe(1)
    // The nil return's example and reasons, from the document.
    const nil = $('#nil-return').nextAll('pre').first().text()
    expect(JSON.parse(nil.slice(nil.indexOf('{')))).toEqual(exampleNilSubmission)
    expect(
      $('#nil-return')
        .next('p')
        .next('p')
        .find('code')
        .map((_, c) => $(c).text())
        .get(),
    ).toEqual(['no-people-supported', 'temporarily-closed', 'other'])
    expect($('script:not([src])').length).toBe(0)
  })
})
