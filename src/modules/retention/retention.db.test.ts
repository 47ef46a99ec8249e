import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase, engines, type TestDatabase } from '../../../test/support/test-database.ts'
import { loadConfig } from '../../config.ts'
import { loadDemoCounty } from '../../db/seed/demo-county.ts'
import { fixedClock } from '../../domain/clock.ts'
import { extensionContributions } from '../../modules.ts'
import { applyRetention } from './index.ts'

// Issue 26: with the clock moved past the retention periods, the job removes the personal data of
// welfare checks, the staffing pool and the contact log, and an audit record lists what it removed
// (counts and ids per table, nothing personal); data inside the periods stays.
const start = new Date('2020-06-30T08:00:00Z')
const periods = loadConfig({}).retention
const rules = extensionContributions().personalDataRetention ?? []
const days = (n: number) => n * 86_400_000

describe.each(engines)('personal data retention on %s', (engine) => {
  let database: TestDatabase
  const clock = fixedClock(start)

  beforeAll(async () => {
    database = await createTestDatabase(engine)
    // Enough care homes for the staffing demo (its requests start at the 21st).
    await loadDemoCounty(database.db, clock, 160)
  }, 240_000)
  afterAll(async () => {
    await database?.drop()
  })

  const personalData = async () => {
    const db = database.db
    const pool = await db
      .selectFrom('staffingPoolPeople')
      .select(['id', 'name', 'phone', 'skills', 'personalDataRemovedAt'])
      .orderBy('id')
      .execute()
    const welfare = await db
      .selectFrom('welfarePeople')
      .select(['id', 'reference', 'initials', 'area', 'finishedAt'])
      .orderBy('id')
      .execute()
    const contacts = await db
      .selectFrom('contactLogEntries')
      .select(['id', 'spokeTo', 'contactAt'])
      .orderBy('id')
      .execute()
    const deployments = await db
      .selectFrom('staffingDeployments')
      .select(['id', 'personId', 'costPence'])
      .orderBy('id')
      .execute()
    return { pool, welfare, contacts, deployments }
  }

  it('keeps what is inside its period, runs by every capability’s rule, and audits nothing when nothing goes', async () => {
    expect(rules.map((r) => r.name).sort()).toEqual(['contact-names', 'staffing-pool', 'welfare-checks'])
    const before = await personalData()
    expect(before.pool.length).toBeGreaterThan(0)
    expect(before.contacts.filter((c) => c.spokeTo).length).toBeGreaterThan(0)
    expect(before.welfare.filter((w) => w.reference && w.finishedAt).length).toBeGreaterThan(0)
    const audits = await database.db.selectFrom('auditEvents').select('id').execute()

    await applyRetention(database.db, clock, periods, rules)
    expect(await personalData()).toEqual(before)
    const after = await database.db.selectFrom('auditEvents').select('id').execute()
    expect(after.length).toBe(audits.length)
  }, 60_000)

  it('removes it once the clock passes the period, and lists what it removed in the audit trail', async () => {
    const before = await personalData()
    // The clock moves past every period; a contact made then, and a pool person changed then, are inside it.
    const later = new Date(
      start.getTime() + days(Math.max(periods.contactNamesDays, periods.staffingPoolDays) + 10),
    )
    clock.set(later)
    const recent = await database.db
      .selectFrom('contactLogEntries')
      .selectAll()
      .limit(1)
      .executeTakeFirstOrThrow()
    const { id: _id, ...copy } = recent
    const kept = await database.db
      .insertInto('contactLogEntries')
      .values({ ...copy, spokeTo: 'Recent Person', contactAt: later, createdAt: later, updatedAt: later })
      .returning('id')
      .executeTakeFirstOrThrow()
    const active = before.pool[0]!
    await database.db
      .updateTable('staffingPoolPeople')
      .set({ updatedAt: later })
      .where('id', '=', active.id)
      .execute()

    const removed = await applyRetention(database.db, clock, periods, rules)
    const after = await personalData()

    // Contact names: every one older than the period cleared, the contact kept; the recent one stays.
    expect(after.contacts.length).toBe(before.contacts.length + 1)
    expect(after.contacts.filter((c) => c.spokeTo)).toEqual([
      expect.objectContaining({ id: kept.id, spokeTo: 'Recent Person' }),
    ])
    // Welfare: every finished check's reference, initials and area gone, the row kept.
    const finished = after.welfare.filter((w) => w.finishedAt)
    expect(finished.length).toBeGreaterThan(0)
    for (const w of finished) expect(w).toMatchObject({ reference: null, initials: null, area: null })
    // The pool: the active person stays as they were; the others deleted, or, if deployed, anonymised.
    const deployed = new Set(before.deployments.map((d) => d.personId))
    expect(after.pool.find((p) => p.id === active.id)).toMatchObject({
      name: active.name,
      personalDataRemovedAt: null,
    })
    for (const p of before.pool.filter((q) => q.id !== active.id)) {
      const now = after.pool.find((q) => q.id === p.id)
      if (deployed.has(p.id)) expect(now).toMatchObject({ name: 'Name removed', phone: null, skills: null })
      else expect(now).toBeUndefined()
    }
    // Deployments and their costs are untouched: budgets' balances still add up.
    expect(after.deployments).toEqual(before.deployments)

    // The audit records: one per organisation, each table's ids, which add up to what was removed (the
    // tables' names as the app reads the record back: camel-cased).
    const records = await database.db
      .selectFrom('auditEvents')
      .select(['after', 'organisationId', 'councilId', 'actorUserId'])
      .where('action', '=', 'personal-data-removed')
      .execute()
    expect(records.length).toBeGreaterThan(0)
    type Tables = Record<string, Record<string, { count: number; ids: string[] }>>
    const listed: Record<string, string[]> = {}
    for (const record of records) {
      expect(record.actorUserId).toBeNull()
      const after = record.after as { tables: Tables; retention: Record<string, { periodDays: number }> }
      expect(after.retention['contact-names']?.periodDays).toBe(periods.contactNamesDays)
      for (const [table, actions] of Object.entries(after.tables))
        for (const [action, { count, ids }] of Object.entries(actions)) {
          expect(count).toBe(ids.length)
          listed[`${table} ${action}`] = [...(listed[`${table} ${action}`] ?? []), ...ids]
        }
    }
    const cleared = before.contacts.filter((c) => c.spokeTo).map((c) => c.id)
    expect(listed['contactLogEntries anonymised']?.sort()).toEqual(cleared.sort())
    const anonymised = before.welfare.filter((w) => w.reference && w.finishedAt).map((w) => w.id)
    expect(listed['welfarePeople anonymised']?.sort()).toEqual(anonymised.sort())
    const gone = before.pool.filter((p) => p.id !== active.id && !deployed.has(p.id)).map((p) => p.id)
    expect(listed['staffingPoolPeople deleted']?.sort()).toEqual(gone.sort())
    expect(removed.contact_log_entries).toBe(cleared.length)

    // Nothing personal in the trail: no name, phone or reference that was removed.
    const trail = JSON.stringify(records)
    const personal = [
      ...before.contacts.map((c) => c.spokeTo),
      ...before.pool.flatMap((p) => [p.name, p.phone]),
      ...before.welfare.flatMap((w) => [w.reference, w.initials]),
    ].filter((v): v is string => Boolean(v && v.length > 2))
    for (const value of personal) expect(trail).not.toContain(value)

    // A second run finds nothing more to remove.
    const count = records.length
    await applyRetention(database.db, clock, periods, rules)
    const again = await database.db
      .selectFrom('auditEvents')
      .select('id')
      .where('action', '=', 'personal-data-removed')
      .execute()
    expect(again.length).toBe(count)
  }, 120_000)
})
