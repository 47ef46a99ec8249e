import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createUserByCommand } from '../../src/cli/user-commands.ts'
import type { Actor } from '../../src/domain/policy.ts'
import { loadActor } from '../../src/modules/access/actor.repository.ts'
import { councilFingerprint } from '../support/council-fingerprint.ts'
import { createLocation, createOrganisation, createProvider, createUser } from '../support/factories.ts'
import { fullReturn } from '../support/returns.fixture.ts'
import { buildTestApp, type TestApp, TestClient } from '../support/test-app.ts'
import { engines } from '../support/test-database.ts'

// Issue 15, item 4: risk rules and settings belong to a council. A Southvale administrator changes
// Southvale's rules and enquiry target and nothing of Northmoor's; only the install administrator
// changes the install's defaults, which a council added afterwards starts with.
describe.each(engines)('each council’s own risk rules and settings on %s', (engine) => {
  let t: TestApp
  const ids: Record<string, string> = {}
  const emails: Record<string, string> = {}
  let manager: Actor

  beforeAll(async () => {
    t = await buildTestApp(engine)
    const db = t.database.db
    ids.northmoor = await createOrganisation(db, 'council', 'Northmoor Council', { onsCode: 'E10000151' })
    ids.southvale = await createOrganisation(db, 'council', 'Southvale Council', { onsCode: 'E10000152' })
    ids.region = await createOrganisation(db, 'region', 'Install Team')
    const provider = await createProvider(db, 'Outbreak Care Ltd')
    ids.providerOrg = await createOrganisation(db, 'provider', 'Outbreak Care Ltd', { providerId: provider })
    const home = (name: string, councilId: string | null, contractedBy: string[] = []) =>
      createLocation(db, provider, councilId, { name, contractedBy })
    ids.north1 = await home('North House', ids.northmoor)
    ids.north2 = await home('Moor Lodge', ids.northmoor)
    // In Northmoor's area, paid for by Southvale too: judged by Northmoor's rules.
    ids.northBorder = await home('Northern Border House', ids.northmoor, [ids.southvale])
    ids.south1 = await home('South House', ids.southvale)
    ids.south2 = await home('Vale Court', ids.southvale)
    // In Southvale's area, paid for by Northmoor too: judged by Southvale's rules.
    ids.southBorder = await home('Southern Border House', ids.southvale, [ids.northmoor])
    // In no council's area on this install: judged by the install's defaults.
    ids.elsewhere = await home('Elsewhere Manor', null, [ids.northmoor, ids.southvale])
    for (const [key, org, role] of [
      ['northAdmin', ids.northmoor, 'admin'],
      ['southAdmin', ids.southvale, 'admin'],
      ['southOfficer', ids.southvale, 'council_officer'],
      ['regionAdmin', ids.region, 'admin'],
      ['installAdmin', ids.region, 'install_admin'],
      ['manager', ids.providerOrg, 'provider_manager'],
    ] as const) {
      const user = await createUser(db, org!, role)
      ids[key] = user.id
      emails[key] = user.email
    }
    manager = (await loadActor(db, ids.manager!))!.actor
    // An outbreak (and low masks, and a call for help) everywhere: open alerts in every council.
    for (const key of ['north1', 'north2', 'northBorder', 'south1', 'south2', 'southBorder', 'elsewhere'])
      expect((await t.services.returns.submit(manager, ids[key]!, fullReturn)).ok).toBe(true)
  })
  afterAll(async () => t?.close())

  const signedIn = async (who: string) => {
    const client = new TestClient(t.app)
    await client.signIn(emails[who]!)
    return client
  }
  const db = () => t.database.db
  const openAlert = (locationId: string, alertKey: string) =>
    db()
      .selectFrom('alerts')
      .innerJoin('riskRuleVersions', 'riskRuleVersions.id', 'alerts.ruleVersionId')
      .select(['alerts.id', 'alerts.status', 'alerts.resolutionNote', 'riskRuleVersions.councilId'])
      .where('alerts.locationId', '=', locationId)
      .where('alerts.alertKey', '=', alertKey)
      .orderBy('alerts.raisedAt', 'desc')
      .executeTakeFirst()
  const rule = (councilId: string | null, ruleKey: string) =>
    db()
      .selectFrom('riskRuleVersions')
      .selectAll()
      .where('ruleKey', '=', ruleKey)
      .where('isCurrent', '=', true)
      .where((eb) => (councilId ? eb('councilId', '=', councilId) : eb('councilId', 'is', null)))
      .executeTakeFirst()
  const fingerprints = async () => ({
    northmoor: await councilFingerprint(db(), ids.northmoor!),
    install: await councilFingerprint(db(), null),
  })

  it('gives every council its own copy of the install’s rules and enquiry target, judging its own area', async () => {
    for (const councilId of [ids.northmoor!, ids.southvale!]) {
      const rules = await db()
        .selectFrom('riskRuleVersions')
        .select(['ruleKey', 'version', 'isCurrent', 'changeNote'])
        .where('councilId', '=', councilId)
        .orderBy('ruleKey')
        .execute()
      expect(rules.map((r) => r.ruleKey)).toEqual([
        'death',
        'help-requested',
        'no-return',
        'outbreak',
        'ppe-amber',
        'ppe-red',
        'staff-absence-amber',
        'staff-absence-red',
      ])
      expect(rules.every((r) => r.version === 1 && r.isCurrent)).toBe(true)
      expect(rules[0]!.changeNote).toBe('Copied from the install’s defaults when the council was added')
      expect(await t.services.enquiries.targetWorkingDays(councilId)).toBe(2)
    }
    expect(await t.services.enquiries.targetWorkingDays(null)).toBe(2)
    expect((await openAlert(ids.north1!, 'outbreak'))?.councilId).toBe(ids.northmoor)
    expect((await openAlert(ids.northBorder!, 'outbreak'))?.councilId).toBe(ids.northmoor)
    expect((await openAlert(ids.southBorder!, 'outbreak'))?.councilId).toBe(ids.southvale)
    expect((await openAlert(ids.elsewhere!, 'outbreak'))?.councilId).toBeNull()
  })

  it('lets a Southvale admin turn off the outbreak rule: Southvale’s outbreak alerts resolve, Northmoor’s are untouched', async () => {
    const before = await fingerprints()
    const southAdmin = await signedIn('southAdmin')
    await southAdmin.get('/risk-rules/outbreak')
    expect((await southAdmin.post('/risk-rules/outbreak/disable', {})).statusCode).toBe(303)
    expect(await rule(ids.southvale!, 'outbreak')).toMatchObject({ version: 2, enabled: false })
    for (const key of ['south1', 'south2', 'southBorder'])
      expect(await openAlert(ids[key]!, 'outbreak'), key).toMatchObject({
        status: 'resolved',
        resolutionNote: 'Resolved because the rule was disabled',
      })
    for (const key of ['north1', 'north2', 'northBorder', 'elsewhere'])
      expect((await openAlert(ids[key]!, 'outbreak'))?.status, key).toBe('open')
    expect(await rule(ids.northmoor!, 'outbreak')).toMatchObject({ version: 1, enabled: true })
    expect(await fingerprints()).toEqual(before)
    // Northmoor's admin still sees its rule on, with its open alerts.
    const northAdmin = await signedIn('northAdmin')
    const page = (await northAdmin.get('/risk-rules')).body
    expect(page).toContain('Northmoor Council')
    expect(page).not.toContain('Turned off')
  })

  it('lets a Southvale admin change a rule and add one, in Southvale only', async () => {
    const before = await fingerprints()
    const southAdmin = await signedIn('southAdmin')
    await southAdmin.get('/risk-rules/ppe-red/edit')
    const changed = await southAdmin.post('/risk-rules/ppe-red', {
      name: 'PPE runs out within a day',
      condition: 'lowest_ppe_days < 1',
      severity: 'red',
      message: 'Out of stock',
      changeNote: 'Southvale keeps an emergency store',
    })
    expect(changed.statusCode).toBe(303)
    await southAdmin.get('/risk-rules/new')
    const added = await southAdmin.post('/risk-rules/new', {
      ruleKey: 'southvale-watch',
      name: 'Southvale watch',
      condition: 'help_requested',
      severity: 'amber',
      message: 'Call them',
    })
    expect(added.statusCode).toBe(303)
    expect(await rule(ids.southvale!, 'ppe-red')).toMatchObject({
      version: 2,
      condition: 'lowest_ppe_days < 1',
    })
    expect((await openAlert(ids.south1!, 'southvale-watch'))?.status).toBe('open')
    expect(await openAlert(ids.north1!, 'southvale-watch')).toBeUndefined()
    expect(await rule(ids.northmoor!, 'southvale-watch')).toBeUndefined()
    expect(await rule(null, 'southvale-watch')).toBeUndefined()
    expect(await fingerprints()).toEqual(before)
    const audit = await db()
      .selectFrom('auditEvents')
      .select('organisationId')
      .where('action', 'in', ['risk-rule-changed', 'risk-rule-created', 'risk-rule-disabled'])
      .execute()
    expect(audit.map((a) => a.organisationId)).toEqual([ids.southvale, ids.southvale, ids.southvale])
  })

  it('lets a Southvale admin change Southvale’s enquiry target, and enquiries to Northmoor keep Northmoor’s', async () => {
    const before = await fingerprints()
    const southAdmin = await signedIn('southAdmin')
    await southAdmin.get('/enquiries/settings')
    expect((await southAdmin.post('/enquiries/settings', { days: '5' })).statusCode).toBe(302)
    expect(await t.services.enquiries.targetWorkingDays(ids.southvale!)).toBe(5)
    expect(await t.services.enquiries.targetWorkingDays(ids.northmoor!)).toBe(2)
    expect(await t.services.enquiries.targetWorkingDays(null)).toBe(2)
    expect(await fingerprints()).toEqual(before)
    // Asked on Tuesday 14 April 2020: Southvale's is due at the end of Tuesday 21st, Northmoor's of Thursday 16th.
    const due = async (locationId: string) => {
      const asked = await t.services.enquiries.ask(manager, {
        locationId,
        category: 'ppe',
        question: 'Visors?',
      })
      if (!asked?.ok) throw new Error('not asked')
      return (
        await db()
          .selectFrom('enquiries')
          .select('dueAt')
          .where('id', '=', asked.value.id)
          .executeTakeFirstOrThrow()
      ).dueAt.toISOString()
    }
    expect(await due(ids.south1!)).toBe('2020-04-21T23:00:00.000Z')
    expect(await due(ids.north1!)).toBe('2020-04-16T23:00:00.000Z')
  })

  it('refuses every attempt by a council admin, a regional admin or an officer on the install’s defaults or another council’s, and changes nothing', async () => {
    const everything = async () => ({
      northmoor: await councilFingerprint(db(), ids.northmoor!),
      southvale: await councilFingerprint(db(), ids.southvale!),
      install: await councilFingerprint(db(), null),
      // Every audit record but signing in.
      audit: (await db().selectFrom('auditEvents').select('id').where('action', '!=', 'signed-in').execute())
        .length,
    })
    const before = await everything()
    const southAdmin = await signedIn('southAdmin')
    await southAdmin.get('/risk-rules')
    const rule = { name: 'x', condition: 'help_requested', severity: 'red', message: 'x' }
    for (const other of ['install', ids.northmoor!, 'not-an-id']) {
      const q = `?council=${other}`
      expect((await southAdmin.get(`/risk-rules${q}`)).statusCode, other).toBe(404)
      expect((await southAdmin.get(`/risk-rules/outbreak${q}`)).statusCode, other).toBe(404)
      expect((await southAdmin.get(`/risk-rules/death/edit${q}`)).statusCode, other).toBe(404)
      expect(
        (await southAdmin.get(`/risk-rules/death/preview${q}&${new URLSearchParams(rule)}`)).statusCode,
      ).toBe(404)
      expect((await southAdmin.post(`/risk-rules/death/disable${q}`, {})).statusCode, other).toBe(404)
      expect((await southAdmin.post(`/risk-rules/no-return/enable${q}`, {})).statusCode, other).toBe(404)
      expect((await southAdmin.post(`/risk-rules/death${q}`, rule)).statusCode, other).toBe(404)
      expect((await southAdmin.post(`/risk-rules/new${q}`, { ...rule, ruleKey: 'sneaky' })).statusCode).toBe(
        404,
      )
      expect((await southAdmin.get(`/enquiries/settings${q}`)).statusCode, other).toBe(404)
      expect((await southAdmin.post(`/enquiries/settings${q}`, { days: '9' })).statusCode, other).toBe(404)
    }
    // A regional administrator is not the install administrator.
    const regionAdmin = await signedIn('regionAdmin')
    expect((await regionAdmin.get('/risk-rules')).statusCode).toBe(200)
    expect((await regionAdmin.get('/risk-rules/new')).statusCode).toBe(403)
    expect((await regionAdmin.post('/risk-rules/death/disable', {})).statusCode).toBe(404)
    expect((await regionAdmin.post('/risk-rules/death', rule)).statusCode).toBe(404)
    expect((await regionAdmin.post('/enquiries/settings', { days: '9' })).statusCode).toBe(404)
    // Nor may anyone give that role on the web.
    await regionAdmin.get('/admin/users/invite')
    const invited = await regionAdmin.post('/admin/users/invite', {
      displayName: 'Ian Stall',
      email: 'ian@install.example',
      organisationId: ids.region!,
      role: 'install_admin',
    })
    expect(invited.statusCode).toBe(400)
    const officer = await signedIn('southOfficer')
    expect((await officer.post('/enquiries/settings', { days: '9' })).statusCode).toBe(404)
    expect((await officer.post('/risk-rules/death/disable', {})).statusCode).toBe(404)
    // The install administrator changes the defaults, never a council's.
    const installAdmin = await signedIn('installAdmin')
    await installAdmin.get('/risk-rules')
    expect(
      (await installAdmin.post(`/risk-rules/death/disable?council=${ids.northmoor}`, {})).statusCode,
    ).toBe(404)
    expect(
      (await installAdmin.post(`/enquiries/settings?council=${ids.northmoor}`, { days: '9' })).statusCode,
    ).toBe(404)
    expect(await everything()).toEqual(before)
  })

  it('lets the install administrator change the defaults, leaving every council’s as it was, and a council added afterwards starts with them', async () => {
    const councils = async () => ({
      northmoor: await councilFingerprint(db(), ids.northmoor!),
      southvale: await councilFingerprint(db(), ids.southvale!),
    })
    const before = await councils()
    const installAdmin = await signedIn('installAdmin')
    const list = (await installAdmin.get('/risk-rules')).body
    expect(list).toContain('Defaults for new councils')
    expect((await installAdmin.post('/risk-rules/help-requested/disable', {})).statusCode).toBe(303)
    await installAdmin.get('/risk-rules/ppe-red/edit')
    const changed = await installAdmin.post('/risk-rules/ppe-red', {
      name: 'PPE runs out within 4 days',
      condition: 'lowest_ppe_days < 4',
      severity: 'red',
      message: 'Low stock',
    })
    expect(changed.statusCode).toBe(303)
    await installAdmin.get('/enquiries/settings')
    expect((await installAdmin.post('/enquiries/settings', { days: '4' })).statusCode).toBe(302)
    expect(await t.services.enquiries.targetWorkingDays(null)).toBe(4)
    expect(await councils()).toEqual(before)
    // The location in no council's area follows the defaults.
    expect(await openAlert(ids.elsewhere!, 'help-requested')).toMatchObject({ status: 'resolved' })
    expect((await openAlert(ids.north1!, 'help-requested'))?.status).toBe('open')

    // A council added on the web by a regional administrator, and one by the command line.
    const regionAdmin = await signedIn('regionAdmin')
    await regionAdmin.get('/admin/organisations/new')
    const added = await regionAdmin.post('/admin/organisations/new', {
      name: 'Eastwold Council',
      kind: 'council',
      onsCode: 'E10000153',
      odsCode: '',
    })
    expect(added.statusCode).toBe(302)
    const eastwold = added.headers.location!.split('/').pop()!
    await createUserByCommand(t.services, {
      email: 'admin@westmere.example',
      name: 'Wes Admin',
      role: 'admin',
      organisation: 'Westmere Council',
      organisationKind: 'council',
      onsCode: 'E10000154',
    })
    const westmere = (
      await db()
        .selectFrom('organisations')
        .select('id')
        .where('name', '=', 'Westmere Council')
        .executeTakeFirstOrThrow()
    ).id
    for (const councilId of [eastwold, westmere]) {
      expect(await rule(councilId, 'help-requested')).toMatchObject({ version: 1, enabled: false })
      expect(await rule(councilId, 'ppe-red')).toMatchObject({ version: 1, condition: 'lowest_ppe_days < 4' })
      expect(await rule(councilId, 'outbreak')).toMatchObject({ version: 1, enabled: true })
      expect(await t.services.enquiries.targetWorkingDays(councilId)).toBe(4)
    }
    // The councils already there keep theirs.
    expect(await rule(ids.northmoor!, 'ppe-red')).toMatchObject({
      version: 1,
      condition: 'lowest_ppe_days < 3',
    })
    expect(await t.services.enquiries.targetWorkingDays(ids.northmoor!)).toBe(2)
  })
})
