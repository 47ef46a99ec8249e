import { sql } from 'kysely'
import { createDatabase, type Db } from '../src/db/database.ts'
import { migrateToLatest } from '../src/db/migrate.ts'
import { type BulkValue, inBulkTransaction } from '../src/modules/directory/bulk-load.ts'
import type { CqcLocation } from '../src/modules/directory/domain/cqc-import/cqc-location.ts'
import { parseCqcFile } from '../src/modules/directory/domain/cqc-import/parse.ts'
import { generateCareDirectoryCsv } from './cqc-fixture.ts'
import { mdTable } from './markdown.ts'
import { createFreshDatabase } from './postgres.ts'

// `npm run bench -- --design`: the import's design choices against the obvious alternatives, on the
// same schema and the same rows, so docs/performance.md claims only what was measured. Each check
// writes to a fresh database; the statements mirror applyCqcImport's and planCqcImport's.
export type DesignCheck = {
  check: string
  variant: string
  rows: number
  statements: number
  // Each of the `repeats` runs, and their median.
  runs: number[]
  seconds: number
}

const repeats = 3

const now = new Date()

function locationRow(l: CqcLocation, providerId: string) {
  return {
    name: l.name,
    odsCode: l.odsCode,
    addressLine1: l.addressLine1,
    addressLine2: l.addressLine2,
    town: l.town,
    postcode: l.postcode,
    localAuthorityName: l.localAuthorityName,
    serviceType: l.serviceType,
    registeredBeds: l.registeredBeds,
    cqcRating: l.cqcRating,
    cqcRatingDate: l.cqcRatingDate,
    registrationStart: l.registrationStart,
    registrationEnd: l.registrationEnd,
    dormant: l.dormant,
    status: l.status,
    cqcLocationId: l.cqcLocationId,
    providerId,
    councilId: null,
    area: null,
    peopleSupported: null,
    bcpReviewedOn: null,
    nhsmail: null,
    lastImportId: null,
    createdAt: now,
    updatedAt: now,
  }
}

// The same row for COPY: snake_case columns, values in their order.
const copyColumns = Object.keys(locationRow({} as CqcLocation, '')).map((k) =>
  k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`),
)
const copyRow = (l: CqcLocation, providerId: string): BulkValue[] =>
  Object.values(locationRow(l, providerId)).map((v) =>
    v instanceof Date ? v.toISOString() : ((v ?? null) as BulkValue),
  )

async function locationsFromFile(rows: number): Promise<CqcLocation[]> {
  const parsed = await parseCqcFile({
    fileName: 'design.csv',
    content: generateCareDirectoryCsv(rows).content,
  })
  return parsed.rows.flatMap((r) => (r.outcome === 'location' ? [r.location] : []))
}

// One provider for every location, inserted up front (not timed).
async function withProviders(db: Db, locations: CqcLocation[]) {
  const ids = new Map<string, string>()
  const keys = [...new Set(locations.map((l) => l.cqcProviderId ?? l.cqcLocationId))]
  for (let i = 0; i < keys.length; i += 500) {
    const batch = keys.slice(i, i + 500)
    const rows = await db
      .insertInto('providers')
      .values(batch.map((k) => ({ cqcProviderId: k, name: `Provider ${k}`, createdAt: now, updatedAt: now })))
      .returning('id')
      .execute()
    for (const [j, r] of rows.entries()) ids.set(batch[j]!, r.id)
  }
  return (l: CqcLocation) => ids.get(l.cqcProviderId ?? l.cqcLocationId)!
}

async function timed(work: () => Promise<number>) {
  const started = performance.now()
  const statements = await work()
  return { statements, seconds: (performance.now() - started) / 1000 }
}

async function onFreshDatabase<T>(serverUrl: string, work: (db: Db) => Promise<T>): Promise<T> {
  const database = await createFreshDatabase(serverUrl)
  const db = createDatabase({ engine: 'postgres', url: database.url, poolSize: 2 })
  try {
    await migrateToLatest(db)
    return await work(db)
  } finally {
    await db.destroy()
    await database.drop()
  }
}

export async function runDesignChecks(
  serverUrl: string,
  log: (line: string) => void,
): Promise<DesignCheck[]> {
  const results: DesignCheck[] = []
  // Runs a variant `repeats` times (`reset` between runs) and keeps the median.
  const measure = async (
    check: string,
    variant: string,
    rows: number,
    work: () => Promise<number>,
    reset: () => Promise<void> = async () => {},
  ) => {
    const runs: number[] = []
    let statements = 0
    for (let i = 0; i < repeats; i++) {
      if (i > 0) await reset()
      const r = await timed(work)
      statements = r.statements
      runs.push(r.seconds)
    }
    const seconds = [...runs].sort((a, b) => a - b)[Math.floor(runs.length / 2)]!
    results.push({ check, variant, rows, statements, runs, seconds })
    log(
      `${check}, ${variant}: ${rows} rows, ${statements} statements, median ${seconds.toFixed(2)} s (${runs.map((r) => r.toFixed(2)).join(', ')})`,
    )
  }

  // Inserting locations: the import loads with COPY, in one transaction.
  const insertCheck = 'insert 10,000 locations'
  const tenThousand = (await locationsFromFile(10_100)).slice(0, 10_000)
  const variants: [string, (db: Db, provider: (l: CqcLocation) => string) => Promise<number>][] = [
    [
      'COPY, 5,000 rows a statement, one transaction (the import)',
      (db, provider) =>
        inBulkTransaction(db, async (_trx, load) => {
          let n = 0
          for (let i = 0; i < tenThousand.length; i += 5000, n++) {
            await load(
              'locations',
              copyColumns,
              tenThousand.slice(i, i + 5000).map((l) => copyRow(l, provider(l))),
            )
          }
          return n
        }),
    ],
    [
      '500 rows a statement, one transaction (the import before COPY)',
      (db, provider) =>
        db.transaction().execute(async (trx) => {
          let n = 0
          for (let i = 0; i < tenThousand.length; i += 500, n++) {
            await trx
              .insertInto('locations')
              .values(tenThousand.slice(i, i + 500).map((l) => locationRow(l, provider(l))))
              .returning(['id', 'cqcLocationId'])
              .execute()
          }
          return n
        }),
    ],
    [
      'one row a statement, one transaction',
      (db, provider) =>
        db.transaction().execute(async (trx) => {
          for (const l of tenThousand) {
            await trx
              .insertInto('locations')
              .values(locationRow(l, provider(l)))
              .returning(['id', 'cqcLocationId'])
              .execute()
          }
          return tenThousand.length
        }),
    ],
    [
      'one row a statement, each its own transaction',
      async (db, provider) => {
        for (const l of tenThousand) {
          await db
            .insertInto('locations')
            .values(locationRow(l, provider(l)))
            .returning(['id', 'cqcLocationId'])
            .execute()
        }
        return tenThousand.length
      },
    ],
  ]
  for (const [variant, work] of variants) {
    await onFreshDatabase(serverUrl, async (db) => {
      const provider = await withProviders(db, tenThousand)
      await measure(
        insertCheck,
        variant,
        tenThousand.length,
        () => work(db, provider),
        async () => {
          await sql`truncate locations cascade`.execute(db)
        },
      )
    })
  }

  // Looking up what is already stored: the import sends every Location ID as one text[] parameter.
  const all = await locationsFromFile(50_000)
  const lookupCheck = `look up ${all.length.toLocaleString('en-GB')} stored locations by Location ID`
  await onFreshDatabase(serverUrl, async (db) => {
    const provider = await withProviders(db, all)
    for (let i = 0; i < all.length; i += 500) {
      await db
        .insertInto('locations')
        .values(all.slice(i, i + 500).map((l) => locationRow(l, provider(l))))
        .execute()
    }
    await sql`analyze locations`.execute(db)
    const ids = all.map((l) => l.cqcLocationId)
    const select = () => db.selectFrom('locations').select(['id', 'cqcLocationId', 'name', 'status'])
    const check = (found: number) => {
      if (found !== ids.length) throw new Error(`${lookupCheck}: found ${found} of ${ids.length}`)
    }
    const lookups: [string, () => Promise<number>][] = [
      [
        'one JSON array parameter, one query',
        async () => {
          const every = sql<string>`any(array(select json_array_elements_text(${JSON.stringify(ids)}::json)))`
          check((await select().where('cqcLocationId', '=', every).execute()).length)
          return 1
        },
      ],
      [
        'one text[] parameter, one query (the import)',
        async () => {
          check(
            (await select().where('cqcLocationId', '=', sql<string>`any(${ids}::text[])`).execute()).length,
          )
          return 1
        },
      ],
      [
        '5,000 IDs a query (the import before)',
        async () => {
          let found = 0
          let n = 0
          for (let i = 0; i < ids.length; i += 5000, n++) {
            found += (
              await select()
                .where('cqcLocationId', 'in', ids.slice(i, i + 5000))
                .execute()
            ).length
          }
          check(found)
          return n
        },
      ],
      [
        'all IDs in one query',
        async () => {
          check((await select().where('cqcLocationId', 'in', ids).execute()).length)
          return 1
        },
      ],
      [
        'one query per ID',
        async () => {
          let found = 0
          for (const id of ids) found += (await select().where('cqcLocationId', '=', id).execute()).length
          check(found)
          return ids.length
        },
      ],
    ]
    for (const [variant, work] of lookups) await measure(lookupCheck, variant, ids.length, work)
  })
  return results
}

export function designChecksTable(results: DesignCheck[]): string {
  return mdTable(
    ['check', 'how', 'statements', `time (median of ${repeats})`, 'runs'],
    results.map((r) => [
      r.check,
      r.variant,
      String(r.statements),
      `${r.seconds.toFixed(2)} s`,
      r.runs.map((x) => `${x.toFixed(2)} s`).join(', '),
    ]),
  ).join('\n')
}
