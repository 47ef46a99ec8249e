import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { sql } from 'kysely'
import pg from 'pg'
import { from as copyFrom } from 'pg-copy-streams'
import { serviceTypes } from '../../domain/service-types.ts'
import { hashPassword } from '../../modules/access/credentials.ts'
import type { Period, ReturnWindow } from '../../modules/returns/index.ts'
import type { Db } from '../database.ts'
import {
  copyLine,
  createRng,
  frequencyOf,
  type GeneratedReturn,
  generateDirectory,
  type NationalDirectory,
  nationalSeed,
  periodsBefore,
  returnCopyLine,
  returnsForPeriod,
  type Scale,
  situationReturnColumns,
  storyFor,
  windowTimesMs,
} from './national-data.ts'

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

type Row = (string | number | boolean | null)[]
type Sink = {
  rows(table: string, columns: readonly string[], rows: Row[]): Promise<void>
  // The returns, as COPY text lines (PostgreSQL) or rows (PGlite), in chunks.
  returns(chunks: AsyncIterable<GeneratedReturn[]>): Promise<void>
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
      await client.query('analyze')
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

type Queryable = { query: (text: string) => Promise<{ rows: Record<string, unknown>[] }> }

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

async function loadDirectory(sink: Sink, d: NationalDirectory, now: string, passwordHash: string) {
  await sink.rows(
    'providers',
    ['id', 'cqc_provider_id', 'name', 'ownership', 'created_at', 'updated_at'],
    d.providers.map((p) => [p.id, p.cqcProviderId, p.name, p.ownership, now, now]),
  )
  const regionId = '00000000-0000-4000-8000-000000000001'
  await sink.rows(
    'organisations',
    ['id', 'name', 'kind', 'ons_code', 'provider_id', 'created_at', 'updated_at'],
    [
      ...d.councils.map((c) => [c.id, c.name, 'council', c.onsCode, null, now, now]),
      [regionId, 'National overview (generated data)', 'region', null, null, now, now],
      ...d.providers.map((p) => [p.organisationId, p.name, 'provider', null, p.id, now, now]),
    ],
  )
  await sink.rows(
    'locations',
    [
      'id',
      'provider_id',
      'cqc_location_id',
      'name',
      'address_line1',
      'town',
      'postcode',
      'council_id',
      'local_authority_name',
      'area',
      'service_type',
      'registered_beds',
      'people_supported',
      'cqc_rating',
      'registration_start',
      'status',
      'created_at',
      'updated_at',
    ],
    d.locations.map((l, i) => [
      l.id,
      d.providers[l.providerIndex]!.id,
      l.cqcLocationId,
      l.name,
      `${(i % 200) + 1} High Street`,
      l.town,
      l.postcode,
      d.councils[l.councilIndex]!.id,
      d.councils[l.councilIndex]!.name,
      l.area,
      l.serviceType,
      l.registeredBeds,
      l.peopleSupported,
      l.cqcRating,
      l.registrationStart,
      'open',
      now,
      now,
    ]),
  )
  await sink.rows(
    'location_status_events',
    ['location_id', 'status', 'effective_from', 'source', 'recorded_at'],
    d.locations.map((l) => [l.id, 'open', l.registrationStart, 'seed', now]),
  )
  await sink.rows(
    'council_contracts',
    ['council_id', 'location_id', 'created_at'],
    d.locations.flatMap((l) =>
      l.contractedBy === null ? [] : [[d.councils[l.contractedBy]!.id, l.id, now]],
    ),
  )
  await sink.rows(
    'users',
    [
      'id',
      'email',
      'display_name',
      'role',
      'organisation_id',
      'password_hash',
      'status',
      'created_at',
      'updated_at',
    ],
    [
      ...d.councils.map((c) => [
        c.officerUserId,
        `officer@${c.slug}.example`,
        c.officerName,
        'council_officer',
        c.id,
        passwordHash,
        'active',
        now,
        now,
      ]),
      [
        '00000000-0000-4000-8000-000000000002',
        'national@region.example',
        'National Viewer',
        'regional_viewer',
        regionId,
        passwordHash,
        'active',
        now,
        now,
      ],
      ...d.providers.map((p, i) => [
        p.managerUserId,
        `manager@provider-${i + 1}.example`,
        p.managerName,
        'provider_manager',
        p.organisationId,
        passwordHash,
        'active',
        now,
        now,
      ]),
    ],
  )
}

// ---- Secondary indexes: dropped before the returns are loaded and built once afterwards, which is
// several times faster than keeping them up to date row by row (measured: docs/performance.md).

type SavedIndexes = {
  constraints: { table: string; name: string; def: string; type: string }[]
  indexes: string[]
}

async function dropReturnIndexes(q: Queryable): Promise<SavedIndexes> {
  // Keys, unique constraints and foreign keys of the returns table, and other tables' foreign keys to it
  // (alerts name the return that raised them): all dropped, then added again after the load.
  const { rows: constraints } = await q.query(`
    select conrelid::regclass::text as table, conname as name, pg_get_constraintdef(oid) as def,
      case when conrelid = 'situation_returns'::regclass then contype::text else 'r' end as type
    from pg_constraint
    where (conrelid = 'situation_returns'::regclass and contype in ('p', 'u', 'f'))
       or (confrelid = 'situation_returns'::regclass and contype = 'f')`)
  const { rows: indexes } = await q.query(`
    select indexname as name, indexdef as def from pg_indexes
    where schemaname = current_schema() and tablename = 'situation_returns'
      and indexname not in (select conname from pg_constraint where conrelid = 'situation_returns'::regclass)`)
  const saved: SavedIndexes = {
    constraints: constraints.map((c) => ({
      table: String(c.table),
      name: String(c.name),
      def: String(c.def),
      type: String(c.type),
    })),
    indexes: indexes.map((i) => String(i.def)),
  }
  // Foreign keys first (theirs, then ours), then the keys they lean on.
  for (const type of ['r', 'f', 'u', 'p'])
    for (const c of saved.constraints.filter((c) => c.type === type))
      await q.query(`alter table ${c.table} drop constraint ${c.name}`)
  for (const i of indexes) await q.query(`drop index ${String(i.name)}`)
  return saved
}

async function recreateReturnIndexes(q: Queryable, saved: SavedIndexes) {
  const add = async (type: string) => {
    for (const c of saved.constraints.filter((c) => c.type === type))
      await q.query(`alter table ${c.table} add constraint ${c.name} ${c.def}`)
  }
  await add('p')
  await add('u')
  for (const def of saved.indexes) await q.query(def)
  await add('f')
  await add('r')
}

// ---- Sinks

function postgresSink(client: pg.Client): Sink {
  const copy = (
    table: string,
    columns: readonly string[],
    source: AsyncIterable<string> | Iterable<string>,
  ) =>
    pipeline(
      Readable.from(source),
      client.query(copyFrom(`copy ${table} (${columns.join(', ')}) from stdin`)),
    )
  return {
    async rows(table, columns, rows) {
      if (rows.length === 0) return
      await copy(table, columns, batched(rows.map(copyLine)))
    },
    async returns(chunks) {
      await copy('situation_returns', situationReturnColumns, textOf(chunks))
    },
  }
}

// About half a megabyte per write: fewer, larger writes keep the COPY stream busy.
function* batched(lines: string[]): Iterable<string> {
  for (let i = 0; i < lines.length; i += 1_000) yield lines.slice(i, i + 1_000).join('')
}

async function* textOf(chunks: AsyncIterable<GeneratedReturn[]>): AsyncIterable<string> {
  for await (const chunk of chunks) {
    let text = ''
    for (const r of chunk) text += returnCopyLine(r)
    yield text
  }
}

function kyselySink(trx: Parameters<Parameters<ReturnType<Db['transaction']>['execute']>[0]>[0]): Sink {
  const insert = async (table: string, columns: readonly string[], rows: Row[]) => {
    for (let i = 0; i < rows.length; i += 500) {
      const batch = rows.slice(i, i + 500)
      await sql`insert into ${sql.table(table)} (${sql.join(columns.map((c) => sql.ref(c)))}) values ${sql.join(
        batch.map((r) => sql`(${sql.join(r.map((v) => sql`${v}`))})`),
      )}`.execute(trx)
    }
  }
  return {
    rows: insert,
    async returns(chunks) {
      for await (const chunk of chunks)
        await insert(
          'situation_returns',
          situationReturnColumns,
          chunk.map((r) => [
            r.locationId,
            r.frequency,
            r.periodStart,
            r.version,
            r.isCurrent,
            r.datasetVersion,
            JSON.stringify(r.values),
            false,
            r.nothingChanged,
            r.source,
            r.timing,
            r.submittedBy,
            r.submittedAt.toISOString(),
            r.amendmentReason,
          ]),
        )
    },
  }
}
