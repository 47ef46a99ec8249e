import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createLocation, createOrganisation, createProvider } from '../../../test/support/factories.ts'
import { createTestDatabase, engines, type TestDatabase } from '../../../test/support/test-database.ts'
import { migrateTo, migrateToLatest } from '../../db/migrate.ts'
import * as exceptionColumns from '../../db/migrations/0034-nil-returns-and-exceptions.ts'
import { periodContaining } from '../returns/index.ts'
import { type AlertRaise, applyAlertChanges } from './alert-changes.ts'
import { compileRules, type RiskRule, reconcile } from './domain/rules.ts'
import { measuresForLocations } from './risk-measures.ts'
import { recomputeRisk } from './risk-recompute.ts'

// Migration 0015 on an install that already has data: one shared rule set (a rule changed once, so
// with history), one enquiry target, and the alerts those rules raised. Afterwards every council has
// its own copy of every version and of the settings, its locations' alerts name its copy, and running
// the rules again changes nothing: behaviour is what it was.
describe.each(engines)('migration 0015 (council rules and settings) on %s', (engine) => {
  let t: TestDatabase
  const ids: Record<string, string> = {}
  const now = new Date('2020-04-14T12:00:00Z')

  beforeAll(async () => {
    t = await createTestDatabase(engine, { migrate: false })
    const db = t.db
    await migrateTo(db, '0014-risk-queue')
    ids.northmoor = await createOrganisation(db, 'council', 'Northmoor Council')
    ids.southvale = await createOrganisation(db, 'council', 'Southvale Council')
    const provider = await createProvider(db, 'Old Data Care Ltd')
    ids.north = await createLocation(db, provider, ids.northmoor, { name: 'North House' })
    ids.south = await createLocation(db, provider, ids.southvale, { name: 'South House' })
    ids.elsewhere = await createLocation(db, provider, null, {
      name: 'Elsewhere Manor',
      contractedBy: [ids.northmoor],
    })
    // The install's rules as a council's admin left them: PPE red changed once (version 2).
    await sql`update risk_rule_versions set is_current = false where rule_key = 'ppe-red'`.execute(db)
    await sql`
      insert into risk_rule_versions (rule_key, version, is_current, name, condition, severity, message, change_note, changed_at)
      values ('ppe-red', 2, true, 'PPE runs out within 4 days', 'lowest_ppe_days < 4', 'red', 'Low', 'Winter', ${now})`.execute(
      db,
    )
    await sql`insert into settings (key, value, updated_at) values ('enquiry_target_working_days', '3', ${now})`.execute(
      db,
    )
    // An outbreak and low gloves in each home today.
    const today = periodContaining('daily', now).start
    for (const locationId of [ids.north, ids.south, ids.elsewhere])
      await db
        .insertInto('situationReturns')
        .values({
          locationId: locationId!,
          frequency: 'daily',
          periodStart: today,
          version: 1,
          isCurrent: true,
          datasetVersion: 1,
          values: JSON.stringify({ ppeDaysGloves: 2, confirmedCasesResidents: 2, staffEmployed: 10 }),
          nilReturn: false,
          nothingChanged: false,
          source: 'web',
          timing: 'on-time',
          submittedBy: null,
          submittedAt: now,
          amendmentReason: null,
        })
        .execute()
    // The alerts the rules raised, worked out as the recompute did before 0015: one rule set for all.
    const { rows } = await sql<RiskRule & { id: string }>`
      select id, id as "versionId", rule_key as "ruleKey", name, condition, severity, message, enabled
        from risk_rule_versions where is_current`.execute(db.withoutPlugins())
    const rules = compileRules(rows).compiled
    const raises: AlertRaise[] = []
    // Today's measures read the agreed exceptions' columns of 0034 (tables of 0003): lent for the
    // computation, then taken back, so the migrations below run in their order.
    await exceptionColumns.up(db)
    const measured = await measuresForLocations(db, now)
    await exceptionColumns.down(db)
    for (const m of measured) {
      for (const a of reconcile({ measures: m.measures, latest: m.latest, rules, open: [], today }))
        if (a.kind === 'raise')
          raises.push({
            locationId: m.locationId,
            source: 'rule',
            alertKey: a.ruleKey,
            ruleVersionId: a.ruleVersionId,
            severity: a.severity,
            title: a.title,
            message: a.message,
            evidence: a.evidence,
            returnId: a.returnId,
          })
    }
    await applyAlertChanges(db, { raises }, now)
    expect(raises.map((r) => r.alertKey).sort()).toEqual(
      ['outbreak', 'outbreak', 'outbreak', 'ppe-red', 'ppe-red', 'ppe-red'].sort(),
    )
    await migrateToLatest(db)
  })
  afterAll(async () => t?.drop())

  const versions = (councilId: string | null) =>
    t.db
      .selectFrom('riskRuleVersions')
      .select([
        'ruleKey',
        'version',
        'isCurrent',
        'name',
        'condition',
        'severity',
        'message',
        'enabled',
        'changeNote',
      ])
      .where((eb) => (councilId ? eb('councilId', '=', councilId) : eb('councilId', 'is', null)))
      .orderBy('ruleKey')
      .orderBy('version')
      .execute()
  const alertRules = (locationId: string) =>
    t.db
      .selectFrom('alerts')
      .innerJoin('riskRuleVersions', 'riskRuleVersions.id', 'alerts.ruleVersionId')
      .select(['alerts.alertKey', 'riskRuleVersions.councilId', 'riskRuleVersions.version'])
      .where('alerts.locationId', '=', locationId)
      .orderBy('alerts.alertKey')
      .execute()

  it('gives every council a copy of every version of the rules and of the settings, keeping the install’s', async () => {
    const install = await versions(null)
    expect(install.filter((v) => v.ruleKey === 'ppe-red').map((v) => [v.version, v.isCurrent])).toEqual([
      [1, false],
      [2, true],
    ])
    for (const councilId of [ids.northmoor!, ids.southvale!])
      expect(await versions(councilId)).toEqual(install)
    const settings = await t.db
      .selectFrom('settings')
      .select(['councilId', 'key', 'value'])
      .orderBy('councilId')
      .execute()
    expect(settings).toHaveLength(3)
    expect(settings.every((s) => s.key === 'enquiry_target_working_days' && s.value === 3)).toBe(true)
    expect(new Set(settings.map((s) => s.councilId))).toEqual(new Set([ids.northmoor, ids.southvale, null]))
  })

  it('points each alert at its council’s copy of the version that raised it, and running the rules changes nothing', async () => {
    expect(await alertRules(ids.north!)).toEqual([
      { alertKey: 'outbreak', councilId: ids.northmoor, version: 1 },
      { alertKey: 'ppe-red', councilId: ids.northmoor, version: 2 },
    ])
    expect(await alertRules(ids.south!)).toEqual([
      { alertKey: 'outbreak', councilId: ids.southvale, version: 1 },
      { alertKey: 'ppe-red', councilId: ids.southvale, version: 2 },
    ])
    expect((await alertRules(ids.elsewhere!)).map((a) => a.councilId)).toEqual([null, null])
    expect(await recomputeRisk(t.db, now)).toMatchObject({
      raised: 0,
      updated: 0,
      resolved: 0,
      brokenRules: [],
    })
  })

  it('gives a council added afterwards the install’s current rules as its version 1', async () => {
    const eastwold = await createOrganisation(t.db, 'council', 'Eastwold Council')
    const copied = await versions(eastwold)
    expect(copied.map((v) => [v.ruleKey, v.version, v.isCurrent])).toContainEqual(['ppe-red', 1, true])
    expect(copied.find((v) => v.ruleKey === 'ppe-red')).toMatchObject({ condition: 'lowest_ppe_days < 4' })
    expect(copied).toHaveLength(8)
    // A partner organisation gets none.
    const partner = await createOrganisation(t.db, 'nhs_commissioner', 'Eastwold CCG')
    expect(await versions(partner)).toEqual([])
  })

  it('can be undone: the alerts name the install’s versions again', async () => {
    await migrateTo(t.db, '0014-risk-queue')
    const { rows } = await sql<{ n: number }>`
      select count(*)::int as n from alerts a join risk_rule_versions r on r.id = a.rule_version_id`.execute(
      t.db,
    )
    expect(rows[0]!.n).toBe(6)
    expect((await sql`select * from risk_rule_versions`.execute(t.db)).rows).toHaveLength(9)
    await migrateToLatest(t.db)
  })
})
