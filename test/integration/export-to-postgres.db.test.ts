import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createDatabase, type Db } from '../../src/db/database.ts'
import { exportToPostgres } from '../../src/db/export-to-postgres.ts'
import { migrateToLatest } from '../../src/db/migrate.ts'
import { loadDemoCounty } from '../../src/db/seed/demo-county.ts'
import { fixedClock } from '../../src/domain/clock.ts'
import { createDashboardService } from '../../src/modules/dashboards/dashboard.service.ts'
import { figureKeys } from '../../src/modules/dashboards/domain/figures.ts'
import { actorFor } from '../support/actors.ts'
import { tableChecksums } from '../support/table-checksums.ts'
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts'

// Issue 26: a county on the embedded database moved to PostgreSQL gives the same dashboards (a council
// officer's and the national view) and the same rows in every table.
const clock = fixedClock(new Date('2020-06-30T08:00:00Z'))

async function dashboardsSeenBy(db: Db, email: string) {
  const user = await db.selectFrom('users').select('id').where('email', '=', email).executeTakeFirstOrThrow()
  const actor = await actorFor(db, user.id)
  const dashboards = createDashboardService({ db, clock })
  const figures: Record<string, unknown> = {}
  for (const figure of figureKeys)
    figures[figure] = await dashboards.figureLocations(actor, {}, figure, 1, 50)
  return {
    situation: await dashboards.situation(actor, {}),
    areas: await dashboards.areas(actor),
    figures,
  }
}

// The figures behind a dashboard's counts come back as numbers from the embedded database and as
// numeric strings from PostgreSQL's driver (a count's bigint): the same figure, so compared as numbers.
function sameFigures(value: unknown): unknown {
  if (typeof value === 'string' && /^-?\d+$/.test(value)) return Number(value)
  if (Array.isArray(value)) return value.map(sameFigures)
  if (value && typeof value === 'object' && !(value instanceof Date))
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, sameFigures(v)]))
  return value
}

const viewers = ['officer@northmoor.example', 'region@adass-north.example']

describe.skipIf(!process.env.TEST_DATABASE_URL)('moving the embedded database to PostgreSQL', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'carehub-export-'))
  const dataDir = path.join(dir, 'data')
  let target: TestDatabase
  let before: { checksums: Record<string, string>; dashboards: unknown[] }

  beforeAll(async () => {
    const db = createDatabase({ engine: 'pglite', dataDir })
    await migrateToLatest(db)
    await loadDemoCounty(db, clock, 40)
    // The dashboards first: reading them builds their rollups, which the copy must carry too.
    const dashboards = []
    for (const email of viewers) dashboards.push(await dashboardsSeenBy(db, email))
    before = { dashboards, checksums: await tableChecksums(db) }
    await db.destroy()
    target = await createTestDatabase('postgres', { migrate: false })
  }, 240_000)
  afterAll(async () => {
    await target?.drop()
    fs.rmSync(dir, { recursive: true, force: true })
  })

  it('copies every table and gives the same dashboards', async () => {
    const report = await exportToPostgres(dataDir, target.url!)
    expect(report.lines[0]).toMatch(/^Copied the embedded database .* \d+ tables, [\d,]+ rows/)
    // Every table as it was, but for the move's own audit record.
    const { audit_events: copiedAudit, ...copied } = await tableChecksums(target.db)
    const { audit_events: auditBefore, ...expected } = before.checksums
    expect(copied).toEqual(expected)
    const moves = await target.db
      .selectFrom('auditEvents')
      .select(['actorUserId', 'entityType', 'after'])
      .where('action', '=', 'database-moved-to-postgres')
      .execute()
    expect(moves).toEqual([
      {
        actorUserId: null,
        entityType: 'database',
        after: {
          from: 'embedded database',
          tables: expect.any(Number),
          rows: expect.any(Number),
          by: 'command',
        },
      },
    ])
    expect(Number(copiedAudit?.split(' ')[0])).toBe(Number(auditBefore?.split(' ')[0]) + 1)
    const after = []
    for (const email of viewers) after.push(await dashboardsSeenBy(target.db, email))
    expect(sameFigures(after)).toEqual(sameFigures(before.dashboards))
    expect((after[0] as { situation: { rows: unknown[] } }).situation.rows.length).toBeGreaterThan(0)
  }, 240_000)

  it('carries on the sequences: the next status event follows the copied ones', async () => {
    const { rows } = await sql<{ last: string; next: string }>`
      select (select max(id) from location_status_events)::text as last,
        nextval('location_status_events_id_seq')::text as next`.execute(target.db)
    expect(BigInt(rows[0]!.next)).toBe(BigInt(rows[0]!.last) + 1n)
  })

  it('refuses a PostgreSQL database that already holds data, copying nothing', async () => {
    const counts = await tableChecksums(target.db)
    await expect(exportToPostgres(dataDir, target.url!)).rejects.toThrow(
      /already holds data: .*Nothing was copied/,
    )
    expect(await tableChecksums(target.db)).toEqual(counts)
  }, 120_000)
})
