import { sql } from 'kysely'
import pg from 'pg'
import { serviceTypes } from '../../domain/service-types.ts'
import { hashPassword } from '../../modules/access/index.ts'
import type { Period, ReturnWindow } from '../../modules/returns/index.ts'
import type { Db } from '../database.ts'
import { frequencyOf, generateDirectory, nationalSeed, type Scale } from './national-data.ts'
import { loadDirectory } from './national-directory.ts'
import { dropReturnIndexes, recreateReturnIndexes } from './national-indexes.ts'
import {
  type GeneratedReturn,
  periodsBefore,
  returnsForPeriod,
  storyFor,
  windowTimesMs,
} from './national-returns.ts'
import { createRng } from './national-rng.ts'
import { kyselySink, postgresSink, type Queryable, type Sink } from './national-sinks.ts'

// `carehub seed --scale national --days 365`: councils, providers, locations, users and a year of returns,
// generated deterministically (national-data.ts) and loaded with COPY. On PGlite (no COPY from a
// stream), county scale only, with batched INSERTs.

export const nationalPassword = 'care-market-national-2026'

export type NationalSeedOptions = {
  scale: Scale
  days: number
  now: Date
  seed?: number
  // Keep the returns table's keys and indexes during the load (only to measure what dropping them buys).
  keepIndexes?: boolean
  // Called as returns are generated: done so far, and the expected total (a location may skip a period).
  onProgress?: (done: number, expected: number) => void
}

export type NationalSeedSummary = {
  scale: Scale
  days: number
  councils: number
  providers: number
  locations: number
  users: number
  returns: number
  firstPeriod: string
  lastPeriod: string
  seconds: { directory: number; returns: number; indexes: number; analyse: number; total: number }
}

export async function loadNationalData(
  target: { engine: 'postgres'; url: string } | { engine: 'pglite'; db: Db },
  options: NationalSeedOptions,
): Promise<NationalSeedSummary> {
  if (target.engine === 'pglite' && options.scale !== 'county')
    throw new Error('The embedded database (PGlite) takes county scale only: use PostgreSQL (DATABASE_URL).')
  if (!Number.isInteger(options.days) || options.days < 1 || options.days > 3 * 366)
    throw new Error('--days must be a whole number from 1 to 1098')
  if (target.engine === 'postgres') {
    const client = new pg.Client({ connectionString: target.url })
    // A dropped connection fails the load's query (and the command) rather than the process.
    client.on('error', () => {})
    await client.connect()
    try {
      // The load is one transaction: a failure leaves the database empty, as it was.
      await client.query("set synchronous_commit = off; set maintenance_work_mem = '512MB'; begin")
      const summary = await load(client, postgresSink(client), options)
      await client.query('commit')
      const analyse = performance.now()
      // Vacuum as well: a freshly bulk-loaded table has no hint bits or visibility map, so the first
      // full reads (an export, say) would pay for setting them, and a measurement would depend on
      // whether it was the first to read the copy.
      await client.query('vacuum analyze')
      summary.seconds.analyse = (performance.now() - analyse) / 1000
      summary.seconds.total += summary.seconds.analyse
      return summary
    } catch (error) {
      await client.query('rollback').catch(() => {})
      throw error
    } finally {
      await client.end()
    }
  }
  const { db } = target
  const summary = await db.transaction().execute(async (trx) => {
    const query = async (text: string) => (await sql.raw(text).execute(trx)).rows as Record<string, unknown>[]
    return load({ query: async (text: string) => ({ rows: await query(text) }) }, kyselySink(trx), options)
  })
  // Without statistics the planner takes every table for a few rows, and a council's 800 locations are
  // then matched by nested loops (a council dashboard query took 230 ms instead of 3).
  const analyse = performance.now()
  await sql`analyze`.execute(db)
  summary.seconds.analyse = (performance.now() - analyse) / 1000
  summary.seconds.total += summary.seconds.analyse
  return summary
}

async function load(q: Queryable, sink: Sink, options: NationalSeedOptions): Promise<NationalSeedSummary> {
  const started = performance.now()
  const seed = options.seed ?? nationalSeed
  const directory = generateDirectory(options.scale, seed)
  const windows = await returnWindows(q)
  const now = options.now.toISOString()
  const passwordHash = await hashPassword(nationalPassword)

  await loadDirectory(sink, directory, now, passwordHash)
  const directorySeconds = (performance.now() - started) / 1000

  // Period order, as a live service appends them: the rows of one day sit together on disk.
  const daily = periodsBefore(options.now, options.days, 'daily')
  const weekly = periodsBefore(options.now, options.days, 'weekly')
  const firstDay = Date.parse(`${daily[0]?.start ?? weekly[0]!.start}T00:00:00Z`)
  const periods = [...daily, ...weekly].sort(
    (a, b) => a.start.localeCompare(b.start) || (a.frequency === 'daily' ? -1 : 1),
  )
  const byFrequency = {
    daily: directory.locations.filter((l) => frequencyOf(l.serviceType) === 'daily'),
    weekly: directory.locations.filter((l) => frequencyOf(l.serviceType) === 'weekly'),
    monthly: [],
  }
  const expected = byFrequency.daily.length * daily.length + byFrequency.weekly.length * weekly.length
  const storyRng = createRng(seed + 1)
  const stories = directory.locations.map((l) => storyFor(l, options.days, storyRng))
  const storyOf = new Map(directory.locations.map((l, i) => [l.id, stories[i]!]))
  const rng = createRng(seed + 2)
  let done = 0
  let returns = 0
  async function* chunks(): AsyncIterable<GeneratedReturn[]> {
    for (const period of periods) {
      const day = Math.round((Date.parse(`${period.start}T00:00:00Z`) - firstDay) / 86_400_000)
      const times = new Map(
        serviceTypes.map((t) => [t, windowTimesMs(period as Period, windowFor(windows, t))]),
      )
      let chunk: GeneratedReturn[] = []
      for (const location of byFrequency[period.frequency]) {
        for (const r of returnsForPeriod(
          directory,
          location,
          period,
          day,
          times.get(location.serviceType)!,
          storyOf.get(location.id)!,
          rng,
        ))
          chunk.push(r)
        if (chunk.length >= 2_000) {
          returns += chunk.length
          yield chunk
          chunk = []
        }
      }
      done += byFrequency[period.frequency].length
      returns += chunk.length
      if (chunk.length) yield chunk
      options.onProgress?.(done, expected)
    }
  }

  const returnsStarted = performance.now()
  const indexes = options.keepIndexes ? null : await dropReturnIndexes(q)
  await sink.returns(chunks())
  const indexesStarted = performance.now()
  if (indexes) await recreateReturnIndexes(q, indexes)
  const indexesSeconds = (performance.now() - indexesStarted) / 1000

  const summary: NationalSeedSummary = {
    scale: options.scale,
    days: options.days,
    councils: directory.councils.length,
    providers: directory.providers.length,
    locations: directory.locations.length,
    users: directory.councils.length + directory.providers.length + 1,
    returns,
    firstPeriod: periods[0]?.start ?? '',
    lastPeriod: periods.at(-1)?.start ?? '',
    seconds: {
      directory: directorySeconds,
      returns: (indexesStarted - returnsStarted) / 1000,
      indexes: indexesSeconds,
      analyse: 0,
      total: 0,
    },
  }
  await sink.rows(
    'audit_events',
    ['occurred_at', 'action', 'entity_type', 'after'],
    [[now, 'national-data-loaded', 'database', JSON.stringify({ ...summary, seconds: undefined, seed })]],
  )
  summary.seconds.total = (performance.now() - started) / 1000
  return summary
}

async function returnWindows(q: Queryable): Promise<Map<string, ReturnWindow>> {
  // One-word aliases: the same on both engines (Kysely's camel-casing leaves them alone).
  const { rows } = await q.query(
    'select service_type as type, opens_after_hours as opens, due_after_hours as due, locks_after_hours as locks from return_templates',
  )
  return new Map(
    rows.map((r) => [
      String(r.type),
      { opensAfterHours: Number(r.opens), dueAfterHours: Number(r.due), locksAfterHours: Number(r.locks) },
    ]),
  )
}

function windowFor(windows: Map<string, ReturnWindow>, serviceType: string): ReturnWindow {
  const window = windows.get(serviceType)
  if (!window) throw new Error(`no return template for ${serviceType}`)
  return window
}
