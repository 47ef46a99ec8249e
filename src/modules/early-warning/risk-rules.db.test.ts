import { load } from 'cheerio'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  createLocation,
  createOrganisation,
  createProvider,
  createUser,
} from '../../../test/support/factories.ts'
import { fullReturn } from '../../../test/support/returns.fixture.ts'
import { buildTestApp, type TestApp, TestClient } from '../../../test/support/test-app.ts'
import { engines } from '../../../test/support/test-database.ts'
import type { Actor } from '../../domain/policy.ts'
import { raiseAlert, resolveAlert } from './alert-store.ts'
import { evaluate } from './domain/condition.ts'
import { measuresFor, summariseReturns } from './domain/measures.ts'
import { compileRules, defaultRules, worstRag } from './domain/rules.ts'
import { measuresForLocations } from './risk-measures.ts'
import { currentRules, recomputeRisk } from './risk-recompute.ts'
import { recomputeAll } from './risk-rules.service.ts'

// A return with no worries in it: enough PPE, few absences, no cases, no deaths, no help asked for.
const calm: Record<string, string> = {
  ...fullReturn,
  ppeDaysTypeIirMasks: '12',
  ppeDaysFfp3Masks: '12',
  confirmedCasesResidents: '0',
  suspectedCasesResidents: '0',
  suspectedCasesStaff: '0',
  staffAbsentCovid: '1',
  staffAbsentOther: '1',
  helpRequested: '',
}

describe.each(engines)('risk rules on %s', (engine) => {
  let t: TestApp
  let council: string
  let provider: string
  let manager: Actor

  beforeAll(async () => {
    t = await buildTestApp(engine)
    const db = t.database.db
    council = await createOrganisation(db, 'council', 'Risk Council')
    provider = await createProvider(db, 'Risk Care Ltd')
    const providerOrg = await createOrganisation(db, 'provider', 'Risk Care Ltd', { providerId: provider })
    const m = await createUser(db, providerOrg, 'provider_manager')
    manager = {
      userId: m.id,
      role: 'provider_manager',
      organisationId: providerOrg,
      organisationKind: 'provider',
      councilIds: [],
      providerId: provider,
    }
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
  describe('the rules admin page', () => {
    let adminEmail: string
    let officerEmail: string
    const homes: Record<string, string> = {}

    beforeAll(async () => {
      const db = t.database.db
      adminEmail = (await createUser(db, council, 'admin')).email
      officerEmail = (await createUser(db, council, 'council_officer')).email
      t.clock.set(new Date('2020-07-01T09:00:00Z'))
      for (const [name, gloves] of [
        ['Ash Preview', '1'],
        ['Beech Preview', '4'],
        ['Cedar Preview', '5'],
        ['Damson Preview', '9'],
      ] as const) {
        homes[name] = await createLocation(db, provider, council, { name })
        expect(
          (await t.services.returns.submit(manager, homes[name]!, { ...calm, ppeDaysGloves: gloves })).ok,
        ).toBe(true)
      }
    })

    const signedIn = async (email: string) => {
      const client = new TestClient(t.app)
      await client.signIn(email)
      return client
    }
    const snapshot = async () => ({
      versions: await t.database.db.selectFrom('riskRuleVersions').selectAll().orderBy('id').execute(),
      alerts: await t.database.db
        .selectFrom('alerts')
        .select(['id', 'status', 'alertKey'])
        .orderBy('id')
        .execute(),
    })

    it('refuses an invalid condition with a message naming the problem, and changes nothing', async () => {
      const admin = await signedIn(adminEmail)
      const before = await snapshot()
      const form = {
        name: 'PPE runs out within 3 days',
        condition: 'ppe_day < 3',
        severity: 'red',
        message: 'Low',
      }
      const preview = await admin.get(`/risk-rules/ppe-red/preview?${new URLSearchParams(form)}`)
      expect(preview.statusCode).toBe(400)
      const $ = load(preview.body)
      expect($('.govuk-error-summary').text()).toContain(
        "Unknown measure 'ppe_day' — did you mean 'lowest_ppe_days'?",
      )
      expect($('#condition-error').text()).toContain("Unknown measure 'ppe_day'")
      await admin.get('/risk-rules/ppe-red/edit')
      const saved = await admin.post('/risk-rules/ppe-red', { ...form, condition: 'lowest_ppe_days <' })
      expect(saved.statusCode).toBe(400)
      expect(load(saved.body)('.govuk-error-summary').text()).toContain("Expected a number after '<'")
      expect(await snapshot()).toEqual(before)
    })

    it('previews the locations a change would flag, and saving flags exactly those, as a new audited version', async () => {
      const admin = await signedIn(adminEmail)
      const form = {
        name: 'PPE runs out within 5 days',
        condition: 'lowest_ppe_days <  5',
        severity: 'red',
        message: 'Low stock',
        changeNote: 'Longer lead times from suppliers',
      }
      const preview = await admin.get(`/risk-rules/ppe-red/preview?${new URLSearchParams(form)}`)
      expect(preview.statusCode).toBe(200)
      const $ = load(preview.body)
      const previewed = $('tbody tr td:first-child')
        .map((_, el) => $(el).text().trim())
        .get()
        .filter((n) => n.endsWith('Preview'))
      expect(previewed).toEqual(['Ash Preview', 'Beech Preview'])
      const total = Number(/would flag (?:these )?(\d+) location/.exec($('h2#flagged').text())?.[1])
      const saved = await admin.post('/risk-rules/ppe-red', form)
      expect(saved.statusCode).toBe(303)
      const flagged = await t.database.db
        .selectFrom('alerts')
        .innerJoin('locations', 'locations.id', 'alerts.locationId')
        .select('locations.name')
        .where('alerts.alertKey', '=', 'ppe-red')
        .where('alerts.status', '=', 'open')
        .orderBy('locations.name')
        .execute()
      expect(flagged.length).toBe(total)
      expect(flagged.map((f) => f.name).filter((n) => n.endsWith('Preview'))).toEqual(previewed)
      const versions = await t.database.db
        .selectFrom('riskRuleVersions')
        .selectAll()
        .where('councilId', '=', council)
        .where('ruleKey', '=', 'ppe-red')
        .orderBy('version')
        .execute()
      expect(versions.map((v) => [v.version, v.isCurrent, v.condition])).toEqual([
        [1, false, 'lowest_ppe_days < 3'],
        [2, true, 'lowest_ppe_days < 5'],
      ])
      const audit = await t.database.db
        .selectFrom('auditEvents')
        .selectAll()
        .where('action', '=', 'risk-rule-changed')
        .executeTakeFirstOrThrow()
      expect(audit.entityId).toBe(versions[1]!.id)
      const page = load((await admin.get(saved.headers.location!)).body)
      expect(page('table').text()).toContain('Longer lead times from suppliers')
      expect(page('table').text()).toContain('lowest_ppe_days < 3')
    })

    it('adds a rule and turns one off, whose open alerts then resolve', async () => {
      const admin = await signedIn(adminEmail)
      await admin.get('/risk-rules/new')
      const added = await admin.post('/risk-rules/new', {
        ruleKey: 'gloves-watch',
        name: 'Watch gloves',
        condition: 'lowest_ppe_days < 6 and help_requested = no',
        severity: 'amber',
        message: 'Keep an eye on it',
      })
      expect(added.statusCode).toBe(303)
      const open = () =>
        t.database.db
          .selectFrom('alerts')
          .select(['locationId', 'status', 'resolutionNote'])
          .where('alertKey', '=', 'gloves-watch')
          .execute()
      expect((await open()).filter((a) => a.status === 'open').length).toBeGreaterThanOrEqual(3)
      await admin.get('/risk-rules/gloves-watch')
      expect((await admin.post('/risk-rules/gloves-watch/disable', {})).statusCode).toBe(303)
      const after = await open()
      expect(after.every((a) => a.status === 'resolved')).toBe(true)
      expect(after[0]!.resolutionNote).toBe('Resolved because the rule was disabled')
      const again = await admin.post('/risk-rules/new', {
        ruleKey: 'gloves-watch',
        name: 'Again',
        condition: 'help_requested',
        severity: 'amber',
        message: 'x',
      })
      expect(again.statusCode).toBe(400)
      expect(again.body).toContain('There is already a rule with the key gloves-watch')
    })

    it('shows the RAG, in words, wherever the location appears', async () => {
      const officer = await signedIn(officerEmail)
      const list = load((await officer.get('/locations?search=Preview')).body)
      const rowOf = (name: string) => list('tbody tr').filter((_, el) => list(el).text().includes(name))
      expect(rowOf('Ash Preview').find('.govuk-tag').text().trim()).toBe('Red')
      expect(rowOf('Damson Preview').find('.govuk-tag').text().trim()).toBe('Green')
      const page = await officer.get(`/locations/${homes['Ash Preview']}`)
      expect(load(page.body)('.govuk-tag--red').first().text().trim()).toBe('Red')
      const providerHome = new TestClient(t.app)
      const providerUser = await createUser(t.database.db, manager.organisationId, 'provider_manager')
      await providerHome.signIn(providerUser.email)
      const home = load((await providerHome.get('/')).body)
      const ash = home('tbody tr').filter((_, el) => home(el).text().includes('Ash Preview'))
      expect(ash.text()).toContain('Red')
      expect(
        load((await providerHome.get(`/locations/${homes['Ash Preview']}`)).body)('main').text(),
      ).toContain('Red')
    })

    it('lets officers read the rules but not change them', async () => {
      const officer = await signedIn(officerEmail)
      expect((await officer.get('/risk-rules')).statusCode).toBe(200)
      expect((await officer.get('/risk-rules/ppe-red')).statusCode).toBe(200)
      expect((await officer.get('/risk-rules/ppe-red/edit')).statusCode).toBe(404)
      expect((await officer.post('/risk-rules/ppe-red/disable', {})).statusCode).toBe(404)
      expect((await officer.get('/risk-rules/new')).statusCode).toBe(403)
    })
  })
})
