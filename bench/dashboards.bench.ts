import os from 'node:os'
import path from 'node:path'
import type { FastifyInstance } from 'fastify'
import { CamelCasePlugin, Kysely, PostgresDialect, sql } from 'kysely'
import pg from 'pg'
import type { Database } from '../src/db/schema.ts'
import { fixedClock } from '../src/domain/clock.ts'
import { trendDays } from '../src/domain/dashboards/figures.ts'
import { createSession } from '../src/modules/access/sign-in.service.ts'
import { ensureRollup } from '../src/modules/dashboards/dashboard.queries.ts'
import { sessionCookieName } from '../src/web/session.ts'
import { latencyMeasurement, type NationalContext, type NationalMeasurement } from './national.ts'

// Issue 6 criterion 4 and issue 7: the national dashboard (a regional viewer, every location), a
// council's dashboard and the single view of a location, each a full GET through the app (session,
// policy, queries, rendering with its SVG charts), against a baseline of the same SQL the app sent for
// that page replayed straight through pg, one after another.

type Captured = { sql: string; parameters: readonly unknown[] }

type State = {
  app: FastifyInstance
  pool: pg.Pool
  db: Kysely<Database>
  cookies: Record<string, string>
  urls: string[]
  // The SQL each call sent, for its baseline; filled while the call runs.
  recording: Captured[] | null
  lastCall: Captured[]
  cookieFor: (i: number) => string
}

// Session and sign-in bookkeeping is the app's own overhead, not the page's SQL: left out of the baseline.
const bookkeeping = /"sessions"|from "users"|"partner_councils"|"organisations"\."provider_id"/
const isRead = (text: string) =>
  /^\s*(select|with)\b/i.test(text) && !/\binsert\b|\bdelete\b|\bupdate\b/i.test(text)

async function setUp(
  context: NationalContext,
  urlsFor: (db: Kysely<Database>, day: string) => Promise<{ urls: string[]; users: string[] }>,
): Promise<State> {
  const pool = new pg.Pool({ connectionString: context.databaseUrl, max: 10 })
  pool.on('error', () => {})
  const state = { recording: null as Captured[] | null } as State
  const db = new Kysely<Database>({
    dialect: new PostgresDialect({ pool }),
    plugins: [new CamelCasePlugin()],
    log: (event) => {
      if (state.recording && event.level === 'query')
        state.recording.push({ sql: event.query.sql, parameters: event.query.parameters })
    },
  })
  // The seeded data ends today; the clock is held at midday so every call sees the same day.
  const last = await sql<{
    day: string
  }>`select max(period_start)::text as day from situation_returns where is_current`.execute(db)
  const day = last.rows[0]!.day
  const clock = fixedClock(new Date(`${day}T12:00:00Z`))
  // Build the rollup for the trend's 12 days before the clock starts, as the first visitor of the day would.
  const started = performance.now()
  await ensureRollup(db, trendDays(day))
  context.log(`rollup for 12 days ready in ${((performance.now() - started) / 1000).toFixed(1)} s`)
  // The app is loaded here, not at the top, so the other measurements' processes do not carry it.
  const { createApp } = await import('../src/app.ts')
  const { buildServices } = await import('../src/composition.ts')
  const { loadConfig } = await import('../src/config.ts')
  const config = loadConfig({
    NODE_ENV: 'test',
    DATA_DIR: path.join(os.tmpdir(), 'carehub-bench-dashboards'),
    DATABASE_URL: context.databaseUrl,
  })
  const services = buildServices({
    db,
    clock,
    config,
    mailTransport: { name: 'null', send: async () => {} },
    cookieSecret: 'bench-cookie-secret-that-is-32-chars-long',
  })
  const app = await createApp(services)
  await app.ready()
  const { urls, users } = await urlsFor(db, day)
  const cookies: Record<string, string> = {}
  for (const userId of new Set(users)) cookies[userId] = await createSession(db, userId, clock.now())
  Object.assign(state, {
    app,
    pool,
    db,
    cookies,
    urls,
    lastCall: [],
    cookieFor: (i: number) => `${sessionCookieName}=${cookies[users[i % users.length]!]}`,
  })
  return state
}

async function call(state: State, i: number) {
  state.recording = []
  const response = await state.app.inject({
    method: 'GET',
    url: state.urls[i % state.urls.length]!,
    headers: { cookie: state.cookieFor(i) },
  })
  state.lastCall = state.recording.filter((q) => isRead(q.sql) && !bookkeeping.test(q.sql))
  state.recording = null
  if (response.statusCode !== 200)
    throw new Error(`GET ${state.urls[i % state.urls.length]} answered ${response.statusCode}`)
  return response
}

async function baseline(state: State) {
  for (const q of state.lastCall) await state.pool.query(q.sql, q.parameters as unknown[])
}

async function tearDown(state: State) {
  await state.db
    .deleteFrom('sessions')
    .where('userId', 'in', Object.keys(state.cookies))
    .execute()
    .catch(() => {})
  await state.app.close()
  await state.pool.end().catch(() => {})
}

const baselineTimed =
  'the SELECTs the app sent for the same page (session and sign-in bookkeeping left out), replayed straight through pg one after another'

export const nationalDashboardMeasurement: NationalMeasurement = latencyMeasurement<State>({
  id: 'dashboard-national',
  title: 'National dashboard, GET /dashboard as a regional viewer (27,000 locations)',
  timed:
    'GET /dashboard through the app: session, figures for the day and 12 weekly trend points from the daily rollup, RAG and open alerts, six SVG charts rendered; service-type filter varied',
  baselineTimed,
  target: { p95Ms: 200, maxRatio: 3 },
  warmup: 5,
  iterations: 60,
  async setup(context) {
    return setUp(context, async (db) => {
      const region = await db
        .selectFrom('users')
        .select('id')
        .where('role', '=', 'regional_viewer')
        .executeTakeFirstOrThrow()
      return {
        urls: ['', 'care_home_nursing', 'home_care', 'care_home_residential'].map((t) =>
          t ? `/dashboard?serviceType=${t}` : '/dashboard',
        ),
        users: [region.id],
      }
    })
  },
  call,
  baseline,
  teardown: tearDown,
})

export const councilDashboardMeasurement: NationalMeasurement = latencyMeasurement<State>({
  id: 'dashboard-council',
  title: 'A council’s dashboard, GET /dashboard as a council officer (national data loaded)',
  timed:
    'GET /dashboard through the app as an officer of a different council each time: session, figures and trends from the council’s rollup, RAG and open alerts over its market, SVG charts rendered',
  baselineTimed,
  target: { p95Ms: 50, maxRatio: 3 },
  warmup: 5,
  iterations: 100,
  async setup(context) {
    return setUp(context, async (db) => {
      const officers = await db
        .selectFrom('users')
        .select('id')
        .where('role', '=', 'council_officer')
        .orderBy('id')
        .limit(50)
        .execute()
      return { urls: ['/dashboard'], users: officers.map((o) => o.id) }
    })
  },
  call,
  baseline,
  teardown: tearDown,
})

export const providerViewMeasurement: NationalMeasurement = latencyMeasurement<State>({
  id: 'dashboard-provider-view',
  title: 'Single view of a location, GET /locations/:id/overview (national data loaded)',
  timed:
    'GET /locations/:id/overview through the app as the council officer, a different location each time: details, RAG, alerts, 12 weeks of returns with the latest compared, four SVG charts, contact log and enquiries',
  baselineTimed,
  target: { p95Ms: 50, maxRatio: 3 },
  warmup: 5,
  iterations: 100,
  async setup(context) {
    return setUp(context, async (db) => {
      const rows = await sql<{ id: string; userId: string }>`
        select l.id, u.id as "userId" from locations l
        join users u on u.organisation_id = l.council_id and u.role = 'council_officer'
        where l.status = 'open' order by l.id limit 200`.execute(db)
      return {
        urls: rows.rows.map((r) => `/locations/${r.id}/overview`),
        users: rows.rows.map((r) => r.userId),
      }
    })
  },
  call,
  baseline,
  teardown: tearDown,
})

export const dashboardMeasurements = [
  nationalDashboardMeasurement,
  councilDashboardMeasurement,
  providerViewMeasurement,
]
