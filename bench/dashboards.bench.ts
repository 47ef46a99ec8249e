import os from 'node:os'
import path from 'node:path'
import { PGlite } from '@electric-sql/pglite'
import type { FastifyInstance } from 'fastify'
import { CamelCasePlugin, Kysely, type LogConfig, PGliteDialect, PostgresDialect, sql } from 'kysely'
import pg from 'pg'
import { prepareRepeatedStatements } from '../src/db/prepared-statements.ts'
import type { Database } from '../src/db/schema.ts'
import type { Scale } from '../src/db/seed/national-data.ts'
import { fixedClock } from '../src/domain/clock.ts'
import { createSession } from '../src/modules/access/sign-in.service.ts'
import { trendDays } from '../src/modules/dashboards/domain/figures.ts'
import { ensureRollup } from '../src/modules/dashboards/rollup.repository.ts'
import { sessionCookieName } from '../src/web/session.ts'
import { latencyMeasurement, type NationalContext, type NationalMeasurement } from './national.ts'

// Issue 6 criterion 4 and issue 7: the national dashboard (a regional viewer, every location), a
// council's dashboard and the single view of a location, each a full GET through the app (session,
// policy, queries, rendering with its SVG charts), against a baseline of the same SQL the app sent for
// that page replayed straight through the driver (pg, or the PGlite instance itself), one after another.
// The same three pages are measured on PostgreSQL with the national data and on PGlite at county scale.

type Captured = { sql: string; parameters: readonly unknown[] }

type State = {
  app: FastifyInstance
  db: Kysely<Database>
  // Runs one captured statement straight through the driver, for the baseline.
  replay: (text: string, parameters: unknown[]) => Promise<unknown>
  closeDriver: () => Promise<void>
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

type Engine = 'postgres' | 'pglite'

// The Kysely instance the app runs on, with the query log that records each call's SQL, and the driver
// underneath for the baseline. PostgreSQL: a pool of 10 on the seeded database. PGlite: the seeded data
// directory opened as createDatabase({ engine: 'pglite', dataDir }) opens it.
function openDatabase(engine: Engine, context: NationalContext, log: LogConfig) {
  const plugins = [new CamelCasePlugin()]
  if (engine === 'postgres') {
    const pool = new pg.Pool({ connectionString: context.databaseUrl, max: 10 })
    pool.on('error', () => {})
    // As createDatabase does for the app (the baseline's pool.query sends its statements unnamed).
    prepareRepeatedStatements(pool)
    return {
      db: new Kysely<Database>({ dialect: new PostgresDialect({ pool }), plugins, log }),
      replay: (text: string, parameters: unknown[]) => pool.query(text, parameters),
      closeDriver: () => pool.end(),
    }
  }
  if (!context.dataDir) throw new Error('a PGlite measurement needs the seeded data directory')
  const pglite = new PGlite(path.join(context.dataDir, 'pglite'), { parsers: { 1082: (v: string) => v } })
  return {
    db: new Kysely<Database>({ dialect: new PGliteDialect({ pglite }), plugins, log }),
    replay: (text: string, parameters: unknown[]) => pglite.query(text, parameters),
    closeDriver: async () => {
      if (!pglite.closed) await pglite.close()
    },
  }
}

async function setUp(
  engine: Engine,
  context: NationalContext,
  urlsFor: (db: Kysely<Database>, day: string) => Promise<{ urls: string[]; users: string[] }>,
): Promise<State> {
  const state = { recording: null as Captured[] | null } as State
  const { db, replay, closeDriver } = openDatabase(engine, context, (event) => {
    if (state.recording && event.level === 'query')
      state.recording.push({ sql: event.query.sql, parameters: event.query.parameters })
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
    // Only says which engine; the app is given the Kysely instance above.
    DATABASE_URL: engine === 'postgres' ? context.databaseUrl : undefined,
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
    db,
    replay,
    closeDriver,
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
  for (const q of state.lastCall) await state.replay(q.sql, q.parameters as unknown[])
}

async function tearDown(state: State) {
  await state.db
    .deleteFrom('sessions')
    .where('userId', 'in', Object.keys(state.cookies))
    .execute()
    .catch(() => {})
  await state.app.close()
  await state.closeDriver().catch(() => {})
}

// The same three pages on each engine. PostgreSQL: the national data (carehub_bench_national_365).
// PGlite: county scale (800 locations, one council), the largest the generator loads into PGlite.
type Variant = { engine: Engine; scale: Scale; idPrefix: string; locations: string; loaded: string }
const variants: Record<Engine, Variant> = {
  postgres: {
    engine: 'postgres',
    scale: 'national',
    idPrefix: '',
    locations: '27,000 locations',
    loaded: 'national data loaded',
  },
  pglite: {
    engine: 'pglite',
    scale: 'county',
    idPrefix: 'pglite-county-',
    locations: '800 locations',
    loaded: 'county data loaded',
  },
}

const baselineTimed = (engine: Engine) =>
  `the SELECTs the app sent for the same page (session and sign-in bookkeeping left out), replayed straight through ${engine === 'postgres' ? 'pg' : 'the PGlite instance (pglite.query)'} one after another`

// Ids: dashboard-national, dashboard-council, dashboard-provider-view on PostgreSQL;
// pglite-county-national-dashboard, pglite-county-council-dashboard, pglite-county-provider-view on PGlite.
function nationalDashboard(v: Variant): NationalMeasurement {
  return latencyMeasurement<State>({
    id: v.engine === 'postgres' ? 'dashboard-national' : `${v.idPrefix}national-dashboard`,
    title: `National dashboard, GET /dashboard as a regional viewer (${v.locations})`,
    timed:
      'GET /dashboard through the app: session, figures for the day and 12 weekly trend points from the daily rollup, RAG and open alerts, six SVG charts rendered; service-type filter varied',
    baselineTimed: baselineTimed(v.engine),
    engine: v.engine,
    scale: v.scale,
    target: { p95Ms: 200, maxRatio: 3 },
    warmup: 20,
    iterations: 100,
    async setup(context) {
      return setUp(v.engine, context, async (db) => {
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
}

function councilDashboard(v: Variant): NationalMeasurement {
  return latencyMeasurement<State>({
    id: v.engine === 'postgres' ? 'dashboard-council' : `${v.idPrefix}council-dashboard`,
    title: `A council’s dashboard, GET /dashboard as a council officer (${v.loaded})`,
    timed:
      v.engine === 'postgres'
        ? 'GET /dashboard through the app as an officer of a different council each time: session, figures and trends from the council’s rollup, RAG and open alerts over its market, SVG charts rendered'
        : 'GET /dashboard through the app as the officer of the county’s one council: session, figures and trends from the council’s rollup, RAG and open alerts over its market, SVG charts rendered',
    baselineTimed: baselineTimed(v.engine),
    engine: v.engine,
    scale: v.scale,
    target: { p95Ms: 50, maxRatio: 3 },
    warmup: 20,
    iterations: 100,
    async setup(context) {
      return setUp(v.engine, context, async (db) => {
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
}

function providerView(v: Variant): NationalMeasurement {
  return latencyMeasurement<State>({
    id: v.engine === 'postgres' ? 'dashboard-provider-view' : `${v.idPrefix}provider-view`,
    title: `Single view of a location, GET /locations/:id/overview (${v.loaded})`,
    timed:
      'GET /locations/:id/overview through the app as the council officer, a different location each time: details, RAG, alerts, 12 weeks of returns with the latest compared, four SVG charts, contact log and enquiries',
    baselineTimed: baselineTimed(v.engine),
    engine: v.engine,
    scale: v.scale,
    target: { p95Ms: 50, maxRatio: 3 },
    warmup: 20,
    iterations: 100,
    async setup(context) {
      return setUp(v.engine, context, async (db) => {
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
}

export const nationalDashboardMeasurement = nationalDashboard(variants.postgres)
export const councilDashboardMeasurement = councilDashboard(variants.postgres)
export const providerViewMeasurement = providerView(variants.postgres)

export const dashboardMeasurements = [
  nationalDashboardMeasurement,
  councilDashboardMeasurement,
  providerViewMeasurement,
]

// The PGlite column: the same pages on the embedded engine at county scale.
export const pgliteDashboardMeasurements = [
  nationalDashboard(variants.pglite),
  councilDashboard(variants.pglite),
  providerView(variants.pglite),
]
