import fc from 'fast-check'
import { sql } from 'kysely'
import type { Db } from '../../../src/db/database.ts'
import { accessAuditActions } from '../../../src/modules/access/index.ts'
import type { TestClient } from '../test-app.ts'
import { type FuzzRequest, requestFor } from './fuzz-inputs.ts'
import {
  type FuzzRole,
  type FuzzWorld,
  fuzzRoles,
  notifyToken,
  type Route,
  routeKey,
  signedIn,
} from './fuzz-world.ts'

// What no answer may contain: a stack trace, a file of ours, or SQL and the database's own words.
export const leaks: RegExp[] = [
  /at .*\.ts:\d+/,
  /\.[jt]s:\d+:\d+/,
  /node_modules\//,
  /\bselect\s+(\*|"|count\(|distinct\b|\w+\.\w+)/i,
  /\binsert into\b/i,
  /syntax error/i,
  /violates/i,
  /invalid input syntax/i,
  /duplicate key value/i,
  /out of range for type/i,
]

export type Finding = {
  route: string
  role: string
  status: number
  problem: string
  request: FuzzRequest
  error?: string
}
export type RouteResult = {
  route: string
  role: string
  runs: number
  failures: number
  seconds: number
  statuses: Record<number, number>
  findings: Finding[]
}

// Row counts of every table: a refusal (4xx) must leave them as they were. Every change is audited, so
// an update shows in the audit table's count too. A refusal may record only a failed attempt: a wrong
// two-step code from one signed in (new recovery codes) counts toward the lockout, and is audited.
const failedAttempts = [accessAuditActions.twoStepCodeFailed, accessAuditActions.accountLocked]
export async function fingerprinter(db: Db) {
  const tables = (
    await sql<{ name: string }>`select table_name as name from information_schema.tables
      where table_schema = current_schema() and table_type = 'BASE TABLE'
        and table_name not like 'kysely%' order by table_name`.execute(db)
  ).rows.map((r) => r.name)
  const notAttempts = `where action not in (${failedAttempts.map((a) => `'${a}'`).join(', ')})`
  const query = sql.raw(
    tables
      .map(
        (t) => `select '${t}' as name, count(*) as n from "${t}" ${t === 'audit_events' ? notAttempts : ''}`,
      )
      .join(' union all '),
  )
  return {
    counts: async () =>
      Object.fromEntries(
        (await sql<{ name: string; n: string }>`${query}`.execute(db)).rows.map((r) => [r.name, Number(r.n)]),
      ),
    // The next transaction id: it moves only when a transaction writes (or tries to), so while it stands
    // still nothing can have been saved and the row counts need not be read.
    nextTransaction: async () =>
      (await sql<{ x: string }>`select pg_snapshot_xmax(pg_current_snapshot())::text as x`.execute(db))
        .rows[0]!.x,
  }
}

const changed = (a: Record<string, number>, b: Record<string, number>) =>
  Object.keys(b)
    .filter((k) => Number(a[k]) !== Number(b[k]))
    .map((k) => `${k} ${a[k]} → ${b[k]}`)

// csrf: the session's form token, where the caller already holds one from its home page.
type Caller = {
  role: string
  send: (r: FuzzRequest, method: string) => ReturnType<TestClient['get']>
  csrf?: string
}

// The signed-in session (or token) each route is fuzzed as: the first role the app's pages show the
// route to, else the first role it does not refuse.
async function callerFor(w: FuzzWorld, route: Route, tokens: Record<string, string>): Promise<Caller> {
  const app = w.t.app
  if (route.url.startsWith('/api/')) {
    const options = route.url.startsWith('/api/notify/')
      ? [['notify', notifyToken]]
      : [
          ['officer market token', tokens.market!],
          ['manager returns token', tokens.provider!],
        ]
    let chosen = options[0]!
    for (const option of options) {
      const probe = await app.inject({
        method: route.method,
        url: route.url.replace(/:\w+/g, 'x'),
        headers: { authorization: `Bearer ${option[1]}` },
      })
      if (probe.statusCode !== 401 && probe.statusCode !== 403) {
        chosen = option
        break
      }
    }
    return {
      role: chosen[0]!,
      send: (r, method) =>
        app.inject({
          method: method as 'GET',
          url: r.query ? `${r.path}?${r.query}` : r.path,
          headers: {
            authorization: `Bearer ${chosen[1]}`,
            ...(r.body ? { 'content-type': r.body.contentType } : {}),
          },
          ...(r.body ? { payload: r.body.payload } : {}),
        }),
    }
  }
  const facts = w.facts.get(routeKey(route))!
  const order = Object.keys(fuzzRoles) as FuzzRole[]
  let role = order.find((r) => facts.roles.has(r))
  if (!role) {
    for (const candidate of order) {
      const client = await sessionOf(app, candidate)
      const body = { contentType: 'application/x-www-form-urlencoded', payload: `_csrf=${client.csrfToken}` }
      const probe = await send(
        app,
        client,
        { path: route.url.replace(/:\w+/g, 'x'), query: '', body },
        route.method,
      )
      const refused =
        [401, 403].includes(probe.statusCode) || String(probe.headers.location).startsWith('/sign-in')
      if (!refused && !(probe.statusCode === 404 && route.params.length === 0)) {
        role = candidate
        break
      }
    }
  }
  // sessionOf has just read the session's home page (or signing in ended on it): its token is the one
  // csrfTokenOf would read from the same page again.
  const client = await sessionOf(app, role ?? 'admin')
  return {
    role: role ?? 'admin (none allowed)',
    send: (r, method) => send(app, client, r, method),
    csrf: client.csrfToken,
  }
}

// One session per role, signed in again only when a route ended it (the hash of a password is slow).
const sessions = new Map<string, TestClient>()
async function sessionOf(app: FuzzWorld['t']['app'], role: FuzzRole) {
  const key = role
  const existing = sessions.get(key)
  if (existing && (await existing.get('/')).statusCode === 200) return existing
  const client = await signedIn(app, role)
  sessions.set(key, client)
  return client
}
export const forgetSessions = () => sessions.clear()

function send(app: FuzzWorld['t']['app'], client: TestClient, r: FuzzRequest, method: string) {
  return app.inject({
    method: method as 'GET',
    url: r.query ? `${r.path}?${r.query}` : r.path,
    headers: {
      cookie: client.cookieHeader(),
      ...(r.body ? { 'content-type': r.body.contentType } : {}),
    },
    ...(r.body ? { payload: r.body.payload } : {}),
  })
}

export async function apiTokens(w: FuzzWorld) {
  const make = async (role: FuzzRole) => {
    const client = await signedIn(w.t.app, role)
    await client.get('/api-tokens')
    const page = await client.post('/api-tokens', { name: `Fuzz ${role}` })
    return /id="api-token">([^<]+)</.exec(page.body)![1]!.trim()
  }
  return { market: await make('officer'), provider: await make('manager') }
}

// Fuzzes one route: `runs` generated requests, each checked against the three properties.
export async function fuzzRoute(
  w: FuzzWorld,
  route: Route,
  budget: { runs: number; seconds: number; seed: number },
  database: Awaited<ReturnType<typeof fingerprinter>>,
  tokens: Record<string, string>,
): Promise<RouteResult> {
  const caller = await callerFor(w, route, tokens)
  const facts = w.facts.get(routeKey(route))!
  const csrf = caller.csrf || (await csrfTokenOf(caller))
  const started = Date.now()
  const result: RouteResult = {
    route: routeKey(route),
    role: caller.role,
    runs: 0,
    failures: 0,
    seconds: 0,
    statuses: {},
    findings: [],
  }
  let before = await database.counts()
  let fresh = true
  const property = fc.asyncProperty(requestFor(route, facts, w.knownIds, csrf), async (request) => {
    w.lastError.value = undefined
    if (!fresh) before = await database.counts()
    const xid = await database.nextTransaction()
    const response = await caller.send(request, route.method)
    result.runs++
    result.statuses[response.statusCode] = (result.statuses[response.statusCode] ?? 0) + 1
    const problems: string[] = []
    if (response.statusCode >= 500) problems.push(`answered ${response.statusCode}`)
    const body = response.body
    for (const leak of leaks) if (leak.test(body)) problems.push(`answer matches ${leak}`)
    fresh = (await database.nextTransaction()) === xid
    if (response.statusCode >= 400 && response.statusCode < 500 && !fresh) {
      const after = await database.counts()
      const diff = changed(before, after)
      if (diff.length) problems.push(`refused (${response.statusCode}) but saved: ${diff.join(', ')}`)
      before = after
      fresh = true
    }
    if (problems.length === 0) return true
    result.failures++
    const error = w.lastError.value as Error | undefined
    // Shrinking fails the property many times over: the last (smallest) failing input is reported.
    result.findings = [
      {
        route: result.route,
        role: caller.role,
        status: response.statusCode,
        problem: problems.join('; '),
        request: shorten(request),
        ...(error
          ? {
              error: String(error.stack ?? error)
                .split('\n')
                .slice(0, 4)
                .join(' | '),
            }
          : {}),
      },
    ]
    return false
  })
  // One failure is enough to report a route; its smallest failing input is what the report names.
  await fc.check(property, {
    numRuns: budget.runs,
    seed: budget.seed,
    interruptAfterTimeLimit: budget.seconds * 1000,
  })
  result.seconds = (Date.now() - started) / 1000
  return result
}

async function csrfTokenOf(caller: Caller) {
  // The session's token is on every signed-in page (the sign-out form).
  const page = await caller.send({ path: '/', query: '' }, 'GET')
  return /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1] ?? ''
}

const shorten = (r: FuzzRequest): FuzzRequest => {
  const cut = (s: string) => (s.length > 300 ? `${s.slice(0, 300)}… (${s.length} characters)` : s)
  return {
    path: cut(r.path),
    query: cut(r.query),
    ...(r.body ? { body: { contentType: r.body.contentType, payload: cut(String(r.body.payload)) } } : {}),
  }
}
