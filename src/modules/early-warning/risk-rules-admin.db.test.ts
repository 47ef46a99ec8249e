import { load } from 'cheerio'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createLocation, createUser } from '../../../test/support/factories.ts'
import { calm, riskMarket } from '../../../test/support/risk-market.ts'
import { type TestApp, TestClient } from '../../../test/support/test-app.ts'
import { engines } from '../../../test/support/test-database.ts'
import type { Actor } from '../../domain/policy.ts'

// The rules admin: a council's administrator previews and changes its rules, officers read them, and
// the RAG the rules give shows wherever the location appears.
describe.each(engines)('the rules admin page on %s', (engine) => {
  let t: TestApp
  let council: string
  let provider: string
  let manager: Actor
  let adminEmail: string
  let officerEmail: string
  const homes: Record<string, string> = {}

  beforeAll(async () => {
    ;({ t, council, provider, manager } = await riskMarket(engine))
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

  afterAll(async () => t?.close())

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
