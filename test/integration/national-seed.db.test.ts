import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Db } from '../../src/db/database.ts'
import { locationVisible } from '../../src/db/scope.ts'
import { loadNationalData, type NationalSeedSummary } from '../../src/db/seed/national.ts'
import { fixedClock } from '../../src/domain/clock.ts'
import { locationScope } from '../../src/domain/policy.ts'
import { loadActor } from '../../src/modules/access/actor.repository.ts'
import { createReturnSaver } from '../../src/modules/returns/return-save.ts'
import { createReturnsService } from '../../src/modules/returns/returns.service.ts'
import { createTestDatabase, engines } from '../support/test-database.ts'

// `carehub seed --scale county`: the generated data loads on both engines (COPY on PostgreSQL, INSERTs on
// PGlite), the returns table's keys and indexes come back, and the app reads the data as its own.
const now = new Date('2026-11-23T08:00:00Z')

describe.each(engines)('generated data at county scale on %s', (engine) => {
  let db: Db
  let drop: () => Promise<void>
  let summary: NationalSeedSummary

  // Each engine's database starts as every integration file's does: a copy of the migrated one made
  // once per run (test/support/test-database.ts), not initdb and every migration again here.
  beforeAll(async () => {
    const database = await createTestDatabase(engine)
    db = database.db
    drop = database.drop
    summary = await loadNationalData(
      engine === 'pglite' ? { engine: 'pglite', db } : { engine: 'postgres', url: database.url! },
      { scale: 'county', days: 14, now },
    )
  })
  afterAll(async () => {
    await drop?.()
  })

  it('loads what it says it loaded', async () => {
    const count = async (table: string) =>
      Number((await sql<{ n: string }>`select count(*) as n from ${sql.table(table)}`.execute(db)).rows[0]!.n)
    expect(summary.locations).toBe(800)
    expect(await count('locations')).toBe(800)
    expect(await count('situation_returns')).toBe(summary.returns)
    expect(summary.returns).toBeGreaterThan(800 * 0.59 * 14 * 0.9)
    expect(await count('users')).toBe(summary.users)
    expect(summary.firstPeriod).toBe('2026-11-09')
    expect(summary.lastPeriod).toBe('2026-11-22')
  })

  it('puts back the returns table’s keys and indexes', async () => {
    const { rows } = await sql<{ indexname: string }>`
      select indexname from pg_indexes where tablename = 'situation_returns' order by indexname`.execute(db)
    expect(rows.map((r) => r.indexname)).toEqual(
      expect.arrayContaining([
        'situation_returns_current_key',
        'situation_returns_period_idx',
        'situation_returns_pkey',
        'situation_returns_version_key',
      ]),
    )
    const { rows: fks } = await sql<{ n: string }>`
      select count(*) as n from pg_constraint where conrelid = 'situation_returns'::regclass and contype = 'f'`.execute(
      db,
    )
    expect(Number(fks[0]!.n)).toBeGreaterThan(0)
  })

  it('is read by the app as its own: the officer sees the council’s market, the form finds yesterday’s return', async () => {
    const officer = await db
      .selectFrom('users')
      .select('id')
      .where('email', '=', 'officer@council-1.example')
      .executeTakeFirstOrThrow()
    const actor = (await loadActor(db, officer.id))!.actor
    const visible = await db
      .selectFrom('locations')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where(locationVisible(locationScope(actor)))
      .executeTakeFirstOrThrow()
    expect(Number(visible.n)).toBe(800)

    const home = await db
      .selectFrom('locations')
      .select('id')
      .where('serviceType', '=', 'care_home_nursing')
      .orderBy('cqcLocationId')
      .executeTakeFirstOrThrow()
    const returns = createReturnsService({
      db,
      clock: fixedClock(now),
      saver: createReturnSaver({ db, hooks: [] }),
    })
    const form = await returns.formFor(actor, home.id)
    expect(form?.period.start).toBe('2026-11-23')
    expect(form?.existing).toBeNull()
    // Unless the home missed yesterday, its latest return is yesterday's.
    expect(form?.previous?.periodStart ?? '').toMatch(/^2026-11-2[0-2]$/)
  })
})
