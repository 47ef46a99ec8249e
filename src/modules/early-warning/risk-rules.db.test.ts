import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createLocation } from '../../../test/support/factories.ts'
import { calm, riskMarket } from '../../../test/support/risk-market.ts'
import type { TestApp } from '../../../test/support/test-app.ts'
import { engines } from '../../../test/support/test-database.ts'
import type { Actor } from '../../domain/policy.ts'
import { raiseAlert, resolveAlert } from './alert-store.ts'
import { evaluate } from './domain/condition.ts'
import { measuresFor, summariseReturns } from './domain/measures.ts'
import { compileRules, defaultRules, worstRag } from './domain/rules.ts'
import { measuresForLocations } from './risk-measures.ts'
import { currentRules, recomputeRisk } from './risk-recompute.ts'
import { recomputeAll } from './risk-rules.service.ts'

describe.each(engines)('risk rules on %s', (engine) => {
  let t: TestApp
  let council: string
  let provider: string
  let manager: Actor

  beforeAll(async () => {
    ;({ t, council, provider, manager } = await riskMarket(engine))
  })
  afterAll(async () => t?.close())

  const openAlerts = (locationId: string) =>
    t.database.db
      .selectFrom('alerts')
      .selectAll()
      .where('locationId', '=', locationId)
      .where('status', '=', 'open')
      .orderBy('alertKey')
      .execute()
  const rag = async (locationId: string) =>
    (
      await t.database.db
        .selectFrom('locationRisk')
        .select('rag')
        .where('locationId', '=', locationId)
        .executeTakeFirst()
    )?.rag ?? 'green'

  it('ships the default rule set as version 1 of each rule', async () => {
    const rules = await currentRules(t.database.db)
    expect(
      rules.map(({ ruleKey, name, condition, severity, message }) => ({
        ruleKey,
        name,
        condition,
        severity,
        message,
      })),
    ).toEqual([...defaultRules].sort((a, b) => a.ruleKey.localeCompare(b.ruleKey)))
  })

  it('a return with 1 day of gloves raises a red alert in a case at once; a later return with 10 days resolves it naming the return', async () => {
    const home = await createLocation(t.database.db, provider, council, { name: 'Gloves House' })
    t.clock.set(new Date('2020-04-14T08:14:00Z'))
    const first = await t.services.returns.submit(manager, home, { ...calm, ppeDaysGloves: '1' })
    expect(first.ok).toBe(true)
    const [alert] = await openAlerts(home)
    expect(alert).toMatchObject({
      alertKey: 'ppe-red',
      severity: 'red',
      source: 'rule',
      title: 'PPE runs out within 3 days',
      raisedByReturnId: first.ok ? first.returnId : null,
    })
    expect(alert!.evidence).toMatchObject({
      lowestPpeDays: 1,
      lowestPpeItem: 'gloves',
      returnPeriodStart: '2020-04-14',
    })
    expect(await openAlerts(home)).toHaveLength(1)
    const openCase = await t.database.db
      .selectFrom('cases')
      .selectAll()
      .where('locationId', '=', home)
      .where('status', '<>', 'resolved')
      .executeTakeFirstOrThrow()
    expect(alert!.caseId).toBe(openCase.id)
    expect(await rag(home)).toBe('red')

    t.clock.set(new Date('2020-04-15T09:05:00Z'))
    const second = await t.services.returns.submit(manager, home, { ...calm, ppeDaysGloves: '10' })
    expect(second.ok).toBe(true)
    expect(await openAlerts(home)).toEqual([])
    const resolved = await t.database.db
      .selectFrom('alerts')
      .selectAll()
      .where('id', '=', alert!.id)
      .executeTakeFirstOrThrow()
    // 09:05 UTC is 10:05 in London (BST in April).
    expect(resolved).toMatchObject({
      status: 'resolved',
      resolutionNote: 'Cleared by the return for 15 April 2020 submitted 10:05',
      resolvedByReturnId: second.ok ? second.returnId : null,
    })
    const events = await t.database.db
      .selectFrom('alertEvents')
      .select(['kind', 'returnId'])
      .where('alertId', '=', alert!.id)
      .orderBy('id')
      .execute()
    expect(events.map((e) => e.kind)).toEqual(['raised', 'resolved'])
    expect(await rag(home)).toBe('green')
    // The case stays open for its owner to close; the history remains.
    const caseEvents = await t.database.db
      .selectFrom('caseEvents')
      .select('kind')
      .where('caseId', '=', openCase.id)
      .orderBy('id')
      .execute()
    expect(caseEvents.map((e) => e.kind)).toEqual(['opened', 'alert_added', 'alert_resolved'])
  })

  it('recomputing everything is idempotent and agrees with the per-return path', async () => {
    const home = await createLocation(t.database.db, provider, council, { name: 'Steady House' })
    t.clock.set(new Date('2020-04-16T08:00:00Z'))
    await t.services.returns.submit(manager, home, {
      ...calm,
      staffAbsentCovid: '5',
      helpRequested: 'staffing',
    })
    expect((await openAlerts(home)).map((a) => a.alertKey)).toEqual(['help-requested', 'staff-absence-amber'])
    const again = await recomputeRisk(t.database.db, t.clock.now())
    expect(again).toMatchObject({ raised: 0, updated: 0, resolved: 0, brokenRules: [] })
    expect(await recomputeRisk(t.database.db, t.clock.now())).toMatchObject({
      raised: 0,
      updated: 0,
      resolved: 0,
    })
  })

  it('the periodic recompute raises "no return for 2 periods" as time passes, and a return clears it', async () => {
    const home = await createLocation(t.database.db, provider, council, { name: 'Quiet House' })
    t.clock.set(new Date('2020-04-20T08:00:00Z'))
    await t.services.returns.submit(manager, home, calm)
    // 21 April after 11:00: one period missed.
    t.clock.set(new Date('2020-04-21T12:00:00Z'))
    await recomputeAll(t.database.db, t.clock)
    expect(await openAlerts(home)).toEqual([])
    // 22 April after 11:00: two missed.
    t.clock.set(new Date('2020-04-22T12:00:00Z'))
    await recomputeAll(t.database.db, t.clock)
    const [late] = await openAlerts(home)
    expect(late).toMatchObject({ alertKey: 'no-return', severity: 'amber' })
    expect(late!.evidence).toMatchObject({ periodsWithoutReturn: 2 })
    t.clock.set(new Date('2020-04-23T12:00:00Z'))
    await recomputeAll(t.database.db, t.clock)
    const [later] = await openAlerts(home)
    expect(later!.id).toBe(late!.id)
    expect(later!.evidence).toMatchObject({ periodsWithoutReturn: 3 })
    // A late return for 22 April is not enough (23 April is still missing) — but today's is.
    await t.services.returns.submit(manager, home, calm)
    expect(await openAlerts(home)).toEqual([])
  })

  it('the set-based measures equal the pure summary of the same returns', async () => {
    const db = t.database.db
    const home = await createLocation(db, provider, council, { name: 'Sums House' })
    const agency = await createLocation(db, provider, council, {
      name: 'Sums Agency',
      serviceType: 'home_care',
    })
    t.clock.set(new Date('2020-05-01T12:00:00Z'))
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            daysAgo: fc.integer({ min: 0, max: 25 }),
            cases: fc.integer({ min: 0, max: 3 }),
            deaths: fc.integer({ min: 0, max: 2 }),
            ppe: fc.integer({ min: 0, max: 12 }),
          }),
          { maxLength: 8 },
        ),
        async (rows) => {
          await db.deleteFrom('situationReturns').where('locationId', 'in', [home, agency]).execute()
          const written: Parameters<typeof summariseReturns>[0][number][] = []
          const seen = new Set<string>()
          for (const [i, r] of rows.entries()) {
            const daily = i % 2 === 0
            const d = new Date(Date.UTC(2020, 4, 1 - r.daysAgo))
            if (!daily) d.setUTCDate(d.getUTCDate() - ((d.getUTCDay() + 6) % 7)) // Monday
            const periodStart = d.toISOString().slice(0, 10)
            const locationId = daily ? home : agency
            if (seen.has(`${locationId}${periodStart}`)) continue
            seen.add(`${locationId}${periodStart}`)
            const values = {
              ppeDaysGloves: r.ppe,
              confirmedCasesResidents: r.cases,
              confirmedCasesStaff: 1,
              suspectedCasesResidents: r.cases,
              covidDeathsResidents: r.deaths,
              otherDeathsResidents: 1,
              helpRequested: r.ppe < 3 ? 'ppe' : null,
            }
            const submittedAt = new Date(Date.UTC(2020, 4, 1, 7, i))
            const row = await db
              .insertInto('situationReturns')
              .values({
                locationId,
                frequency: daily ? 'daily' : 'weekly',
                periodStart,
                version: 1,
                isCurrent: true,
                datasetVersion: 1,
                values: JSON.stringify(values),
                nilReturn: false,
                nothingChanged: false,
                source: 'web',
                timing: 'on-time',
                submittedBy: null,
                submittedAt,
                amendmentReason: null,
              })
              .returning('id')
              .executeTakeFirstOrThrow()
            if (locationId === home)
              written.push({ id: row.id, periodStart, frequency: 'daily', submittedAt, values })
          }
          const [measured] = await measuresForLocations(db, t.clock.now(), [home])
          const expected = measuresFor(
            summariseReturns(written, '2020-05-01'),
            {
              serviceType: 'care_home_residential',
              frequency: 'daily',
              window: { opensAfterHours: 0, dueAfterHours: 11, locksAfterHours: 168 },
              extraHours: 0,
              openSince: '2015-01-01',
            },
            t.clock.now(),
          )
          expect(measured!.measures).toEqual(expected)
        },
      ),
      { numRuns: 20 },
    )
    await db.deleteFrom('situationReturns').where('locationId', 'in', [home, agency]).execute()
  })

  it('model-based: whatever the order of returns and tracker imports, one open alert per rule, one open case, RAG the worst', async () => {
    const db = t.database.db
    const rules = compileRules(await currentRules(db)).compiled
    const severityOf = new Map(rules.map((r) => [r.ruleKey, r.severity]))
    const step = fc.oneof(
      fc.record({
        kind: fc.constant('return' as const),
        gloves: fc.integer({ min: 0, max: 10 }),
        absent: fc.integer({ min: 0, max: 15 }),
        cases: fc.integer({ min: 0, max: 2 }),
        help: fc.boolean(),
        skipDays: fc.integer({ min: 0, max: 3 }),
      }),
      fc.record({ kind: fc.constant('tracker' as const), red: fc.boolean() }),
      fc.record({ kind: fc.constant('recompute' as const), hours: fc.integer({ min: 0, max: 60 }) }),
    )
    let run = 0
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 7 }), async (steps) => {
        run++
        const home = await createLocation(db, provider, council, { name: `Model House ${run}` })
        let now = new Date('2020-06-01T08:00:00Z')
        // Rules have run for the location once a return or a recompute has happened.
        let evaluated = false
        for (const s of steps) {
          if (s.kind !== 'tracker') evaluated = true
          if (s.kind === 'return') {
            now = new Date(now.getTime() + (1 + s.skipDays) * 86_400_000)
            t.clock.set(now)
            const outcome = await t.services.returns.submit(manager, home, {
              ...calm,
              ppeDaysGloves: String(s.gloves),
              staffAbsentCovid: String(s.absent),
              confirmedCasesResidents: String(s.cases),
              helpRequested: s.help ? 'finance' : '',
            })
            expect(outcome.ok).toBe(true)
          } else if (s.kind === 'tracker') {
            await db.transaction().execute(async (trx) => {
              if (s.red)
                await raiseAlert(trx, {
                  locationId: home,
                  source: 'capacity_tracker',
                  alertKey: 'capacity-tracker',
                  severity: 'red',
                  title: 'Red on the capacity tracker',
                  message: 'Red status',
                  evidence: { status: 'red' },
                  at: now,
                })
              else {
                const open = await trx
                  .selectFrom('alerts')
                  .select('id')
                  .where('locationId', '=', home)
                  .where('alertKey', '=', 'capacity-tracker')
                  .where('status', '=', 'open')
                  .executeTakeFirst()
                if (open) await resolveAlert(trx, { alertId: open.id, note: 'Tracker green', at: now })
              }
            })
          } else {
            now = new Date(now.getTime() + s.hours * 3_600_000)
            t.clock.set(now)
            await recomputeRisk(db, now)
          }
          const open = await openAlerts(home)
          const keys = open.map((a) => a.alertKey)
          expect(new Set(keys).size).toBe(keys.length)
          const cases = await db
            .selectFrom('cases')
            .select('id')
            .where('locationId', '=', home)
            .where('status', '<>', 'resolved')
            .execute()
          expect(cases.length).toBe(open.length ? 1 : cases.length)
          expect(cases.length).toBeLessThanOrEqual(1)
          for (const a of open) expect(a.caseId).toBe(cases[0]!.id)
          expect(await rag(home)).toBe(worstRag(open.map((a) => a.severity)))
          // The rule alerts open are exactly the rules that fire on the location's measures now.
          const [m] = await measuresForLocations(db, now, [home])
          const firing = rules.filter((r) => evaluate(r.parsed, m!.measures)).map((r) => r.ruleKey)
          if (evaluated)
            expect(open.filter((a) => a.source === 'rule').map((a) => a.alertKey)).toEqual([...firing].sort())
          for (const a of open) if (a.source === 'rule') expect(a.severity).toBe(severityOf.get(a.alertKey))
        }
      }),
      { numRuns: 12 },
    )
  })
})
