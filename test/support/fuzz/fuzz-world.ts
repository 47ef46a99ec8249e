import { load } from 'cheerio'
import type { FastifyInstance } from 'fastify'
import { demoPassword, loadDemoCounty } from '../../../src/db/seed/demo-county.ts'
import { setUpDemoTwoStep } from '../../../src/db/seed/demo-two-step.ts'
import { testCookieSecret } from '../factories.ts'
import { buildTestApp, type TestApp, TestClient } from '../test-app.ts'
import type { Engine } from '../test-database.ts'

// The fuzzer's world: the app on a small demo county, signed in as each role, and what the app itself
// says about each route — its route table, the links and forms each role is shown (which role uses a
// route, real ids for its parameters, its fields and their offered values), which routes read their
// query string, and the API's own OpenAPI document.

export const fuzzRoles = {
  admin: 'admin@northmoor.example',
  officer: 'officer@northmoor.example',
  finance: 'finance@northmoor.example',
  partner: 'nurse@ipc.northmoor.example',
  manager: 'manager@meadowcare.example',
  viewer: 'viewer@northmoor.example',
  region: 'region@adass-north.example',
} as const
export type FuzzRole = keyof typeof fuzzRoles
export const notifyToken = 'fuzz-notify-callback-token'

export type Route = { method: 'GET' | 'POST'; url: string; params: string[]; pattern: RegExp }
export type Fields = Map<string, Set<string>>
export type RouteFacts = {
  roles: Set<FuzzRole>
  realParams: Record<string, string>[]
  query: Fields
  body: Fields
  files: Set<string>
  multipart: boolean
  readsQuery: boolean
}

export type FuzzWorld = {
  t: TestApp
  routes: Route[]
  facts: Map<string, RouteFacts>
  // Every id seen in any link, for parameters of routes no page links to (the API's).
  knownIds: string[]
  // The signed-in users' own ids: never a generated parameter, so no run disables its own session.
  ownIds: Set<string>
  // The error behind the last 5xx (the app logs nothing in tests).
  lastError: { value: unknown }
}

export const routeKey = (r: { method: string; url: string }) => `${r.method} ${r.url}`

// Static files, health checks and the sign-out (which would end the fuzzing session) are not fuzzed.
const skipped = (url: string) =>
  url.includes('*') || ['/healthz', '/readyz', '/sign-out'].includes(url) || url.startsWith('/api/docs')

function compile(method: 'GET' | 'POST', url: string): Route {
  const params = [...url.matchAll(/:(\w+)/g)].map((m) => m[1]!)
  const source = url.replace(/[.]/g, '\\.').replace(/:(\w+)/g, '([^/]+)')
  return { method, url, params, pattern: new RegExp(`^${source}$`) }
}

export function matchRoute(routes: Route[], method: string, path: string) {
  // The most specific first: /locations/new before /locations/:id.
  const found = routes
    .filter((r) => r.method === method && r.pattern.test(path))
    .sort((a, b) => a.params.length - b.params.length)[0]
  if (!found) return null
  const values = found.pattern.exec(path)!.slice(1)
  const params = Object.fromEntries(found.params.map((p, i) => [p, safeDecode(values[i]!)]))
  return { route: found, params }
}

const safeDecode = (s: string) => {
  try {
    return decodeURIComponent(s)
  } catch {
    return s
  }
}

const add = (fields: Fields, name: string, value: string | undefined) => {
  if (name === '_csrf' || !name) return
  const set = fields.get(name) ?? new Set<string>()
  if (value !== undefined && set.size < 30) set.add(value)
  fields.set(name, set)
}

export async function buildFuzzWorld(engine: Engine, locations = 40): Promise<FuzzWorld> {
  const lastError = { value: undefined as unknown }
  const queryReaders = new Set<string>()
  const t = await buildTestApp(
    engine,
    { NOTIFY_CALLBACK_TOKEN: notifyToken, SIGN_IN_RATE_LIMIT: '1000000', API_READ_RATE_LIMIT: '1000000' },
    { beforeReady: (app) => watchRequests(app, queryReaders, lastError) },
  )
  await loadDemoCounty(t.database.db, t.clock, locations)
  await setUpDemoTwoStep(t.database.db, testCookieSecret, t.clock.now())
  const routes = [
    ...new Map(
      t.app.routeTable
        .filter((r) => (r.method === 'GET' || r.method === 'POST') && !skipped(r.url))
        .map((r) => [routeKey(r), compile(r.method as 'GET' | 'POST', r.url)]),
    ).values(),
  ]
  const facts = new Map<string, RouteFacts>()
  for (const r of routes)
    facts.set(routeKey(r), {
      roles: new Set(),
      realParams: [],
      query: new Map(),
      body: new Map(),
      files: new Set(),
      multipart: false,
      readsQuery: false,
    })
  for (const role of Object.keys(fuzzRoles) as FuzzRole[]) {
    const client = await signedIn(t.app, role)
    await crawl(client, role, routes, facts)
  }
  await readOpenApi(t.app, routes, facts)
  for (const key of queryReaders) {
    const f = facts.get(key)
    if (f) f.readsQuery = true
  }
  const users = await t.database.db
    .selectFrom('users')
    .select('id')
    .where('email', 'in', Object.values(fuzzRoles))
    .execute()
  const ownIds = new Set(users.map((u) => u.id))
  for (const f of facts.values())
    f.realParams = f.realParams.filter((p) => !Object.values(p).some((v) => ownIds.has(v)))
  const knownIds = [
    ...new Set([...facts.values()].flatMap((f) => f.realParams.flatMap(Object.values))),
  ].filter((id) => !ownIds.has(id))
  return { t, routes, facts, knownIds, ownIds, lastError }
}

// The signed-in users as they were: a route fuzzed with a valid input may change one (a role, a
// lock-out), which the next route's session must not inherit. Returns what it put back.
export async function keepUsers(w: FuzzWorld) {
  const columns = [
    'id',
    'status',
    'role',
    'organisationId',
    'failedSignInCount',
    'lockedUntil',
    'passwordHash',
  ] as const
  const read = () =>
    w.t.database.db
      .selectFrom('users')
      .select(columns)
      .where('id', 'in', [...w.ownIds])
      .orderBy('id')
      .execute()
  const original = await read()
  return async () => {
    const now = await read()
    const changed = now.filter((u, i) => JSON.stringify(u) !== JSON.stringify(original[i]))
    for (const u of changed) {
      const { id, ...was } = original.find((o) => o.id === u.id)!
      await w.t.database.db.updateTable('users').set(was).where('id', '=', id).execute()
    }
    return changed.map((u) => u.id)
  }
}

export async function signedIn(app: FastifyInstance, role: FuzzRole) {
  const client = new TestClient(app)
  await client.signIn(fuzzRoles[role], demoPassword)
  return client
}

// Records which routes read their query string (a proxy over it for the handler), and the error behind
// each 5xx.
function watchRequests(app: FastifyInstance, readers: Set<string>, lastError: { value: unknown }) {
  app.addHook('preHandler', (request, _reply, done) => {
    const query = request.query
    const key = `${request.method} ${request.routeOptions.url}`
    if (query && typeof query === 'object' && !readers.has(key)) {
      const seen = () => readers.add(key)
      request.query = new Proxy(query, {
        get: (target, property, receiver) => {
          if (typeof property === 'string') seen()
          return Reflect.get(target, property, receiver)
        },
        has: (target, property) => {
          seen()
          return Reflect.has(target, property)
        },
        ownKeys: (target) => {
          seen()
          return Reflect.ownKeys(target)
        },
      })
    }
    done()
  })
  app.addHook('onError', (_request, _reply, error, done) => {
    lastError.value = error
    done()
  })
}

const notCrawled = /\.(csv|xlsx|docx|pdf|json)$|^\/(assets|public|stylesheets|javascripts)\/|^\/sign-out/

// Follows every link and form each role is shown, up to three pages of each route.
async function crawl(client: TestClient, role: FuzzRole, routes: Route[], facts: Map<string, RouteFacts>) {
  const queue = ['/']
  const visited = new Set<string>()
  const visitsOf = new Map<string, number>()
  const note = (method: string, href: string) => {
    const url = new URL(href, 'http://carehub.test')
    if (url.host !== 'carehub.test') return null
    const found = matchRoute(routes, method, url.pathname)
    if (!found) return null
    const f = facts.get(routeKey(found.route))!
    f.roles.add(role)
    if (found.route.params.length && f.realParams.length < 40) f.realParams.push(found.params)
    for (const [k, v] of url.searchParams) add(f.query, k, v)
    return { url, route: found.route, f }
  }
  while (queue.length > 0 && visited.size < 400) {
    const href = queue.shift()!
    if (visited.has(href)) continue
    visited.add(href)
    const seen = note('GET', href)
    if (!seen) continue
    const visits = visitsOf.get(seen.route.url) ?? 0
    if (visits >= 2) continue
    visitsOf.set(seen.route.url, visits + 1)
    const response = await client.get(href)
    if (response.statusCode !== 200 || !String(response.headers['content-type']).includes('text/html'))
      continue
    const $ = load(response.body)
    $('a[href]').each((_, a) => {
      const link = $(a).attr('href')!
      if (!link.startsWith('/') || link.startsWith('//')) return
      note('GET', link)
      if (!notCrawled.test(link.split('?')[0]!)) queue.push(link)
    })
    $('form').each((_, form) => {
      const method = ($(form).attr('method') ?? 'get').toUpperCase()
      const target = note(method, $(form).attr('action') || href)
      if (!target) return
      const fields = method === 'GET' ? target.f.query : target.f.body
      if (method === 'POST' && /multipart/i.test($(form).attr('enctype') ?? '')) target.f.multipart = true
      $(form)
        .find('input[name], select[name], textarea[name]')
        .each((_, input) => {
          const name = $(input).attr('name')!
          if ($(input).attr('type') === 'file') {
            target.f.files.add(name)
            return
          }
          if (input.tagName === 'select')
            $(input)
              .find('option')
              .each((_, o) => add(fields, name, $(o).attr('value') ?? $(o).text()))
          else add(fields, name, input.tagName === 'textarea' ? $(input).text() : $(input).attr('value'))
        })
      if (method === 'GET' && !notCrawled.test(target.url.pathname)) queue.push(target.url.pathname)
    })
  }
}

type OpenApi = {
  paths: Record<
    string,
    Record<
      string,
      {
        parameters?: { name: string; in: string; schema?: { enum?: string[] } }[]
        requestBody?: { content?: Record<string, { schema?: { properties?: Record<string, unknown> } }> }
      }
    >
  >
}

// The API's fields come from its own OpenAPI document: query parameters and the body's properties.
async function readOpenApi(app: FastifyInstance, routes: Route[], facts: Map<string, RouteFacts>) {
  const document = (await app.inject({ method: 'GET', url: '/api/docs/openapi.json' })).json() as OpenApi
  for (const [path, operations] of Object.entries(document.paths ?? {})) {
    for (const [method, operation] of Object.entries(operations)) {
      const route = routes.find(
        (r) => r.method === method.toUpperCase() && r.url === path.replace(/\{(\w+)\}/g, ':$1'),
      )
      if (!route) continue
      const f = facts.get(routeKey(route))!
      for (const p of operation.parameters ?? []) {
        if (p.in !== 'query') continue
        add(f.query, p.name, undefined)
        for (const v of p.schema?.enum ?? []) add(f.query, p.name, v)
      }
      const body = operation.requestBody?.content?.['application/json']?.schema
      for (const [name, schema] of Object.entries(body?.properties ?? {})) {
        add(f.body, name, undefined)
        for (const v of (schema as { enum?: unknown[] }).enum ?? []) add(f.body, name, String(v))
      }
      if (method === 'get') f.readsQuery ||= (operation.parameters ?? []).some((p) => p.in === 'query')
    }
  }
}
