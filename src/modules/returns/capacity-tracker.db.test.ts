import { load } from 'cheerio'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  createLocation,
  createOrganisation,
  createProvider,
  createUser,
} from '../../../test/support/factories.ts'
import { buildTestApp, type TestApp, TestClient } from '../../../test/support/test-app.ts'
import { engines } from '../../../test/support/test-database.ts'

describe.each(engines)('capacity tracker extracts on %s', (engine) => {
  let t: TestApp
  const ids: Record<string, string> = {}
  let managerEmail = ''

  beforeAll(async () => {
    t = await buildTestApp(engine)
    const db = t.database.db
    ids.council = await createOrganisation(db, 'council', 'Tracker Council', { onsCode: 'E10000081' })
    ids.provider = await createProvider(db, 'Tracked Care Ltd')
    ids.providerOrg = await createOrganisation(db, 'provider', 'Tracked Care Ltd', {
      providerId: ids.provider,
    })
    ids.home = await createLocation(db, ids.provider, ids.council, { name: 'Tracked House', beds: 40 })
    ids.reported = await createLocation(db, ids.provider, ids.council, {
      name: 'Already Reported House',
      beds: 30,
    })
    managerEmail = (await createUser(db, ids.providerOrg, 'provider_manager')).email
    await db
      .insertInto('situationReturns')
      .values({
        locationId: ids.reported,
        frequency: 'daily',
        periodStart: '2020-04-14',
        version: 1,
        isCurrent: true,
        datasetVersion: 1,
        values: '{}',
        nilReturn: false,
        nothingChanged: false,
        source: 'web',
        timing: 'on-time',
        submittedBy: null,
        submittedAt: new Date(),
        amendmentReason: null,
      })
      .execute()
  })
  afterAll(async () => {
    await t?.close()
  })

  it('imports the tracker’s figures as a partial return, reporting unmatched and invalid rows', async () => {
    const db = t.database.db
    const cqc = async (id: string) =>
      (
        await db
          .selectFrom('locations')
          .select('cqcLocationId')
          .where('id', '=', id)
          .executeTakeFirstOrThrow()
      ).cqcLocationId!
    const csv = [
      'cqcid,location,lastupdatedbst,maxcapacity,usedbeds,isacceptingadmissions,careworkersemployed,nursesemployed,noncareworkersemployed,careworkersabsentcovid,nursesabsentcovid,noncareworkersabsentcovid',
      `${await cqc(ids.home!)},Tracked House,14/04/2020 08:30,40,35,Yes,30,6,8,3,1,0`,
      '1-000000001,Somewhere Else,14/04/2020 08:30,20,10,Yes,10,2,2,0,0,0',
      `${await cqc(ids.home!)},Tracked House,bad date,40,many,Yes,30,6,8,3,1,0`,
      `${await cqc(ids.reported!)},Already Reported House,14/04/2020 08:30,30,20,No,20,4,4,1,0,0`,
    ].join('\n')
    const result = await t.services.capacityTracker.importExtract(
      { userId: null, organisationId: null, scope: { kind: 'everything' } },
      Buffer.from(csv),
    )
    expect(result.rows).toBe(4)
    expect(result.saved).toBe(1)
    expect(result.unmatched).toEqual([{ rowNumber: 3, cqcLocationId: '1-000000001' }])
    expect(result.invalid.map((p) => [p.rowNumber, p.column])).toEqual([
      [4, 'usedbeds'],
      [4, 'lastupdatedbst'],
    ])
    expect(result.alreadyReported.map((r) => r.rowNumber)).toEqual([5])
    const saved = await db
      .selectFrom('situationReturns')
      .select(['source', 'values', 'periodStart'])
      .where('locationId', '=', ids.home!)
      .executeTakeFirstOrThrow()
    expect(saved.source).toBe('import')
    expect(saved.periodStart).toBe('2020-04-14')
    expect(saved.values).toMatchObject({
      bedsAvailable: 40,
      bedsOccupied: 35,
      closedToAdmissions: false,
      staffEmployed: 44,
      staffAbsentCovid: 4,
      ppeDaysGloves: null,
    })
  })

  it('shows the imported figures filled in and marked, and the provider completes them without a reason', async () => {
    const manager = new TestClient(t.app)
    await manager.signIn(managerEmail)
    const form = load((await manager.get(`/locations/${ids.home}/returns/new`)).body)
    expect(form('#bedsOccupied').val()).toBe('35')
    expect(form('#bedsOccupied-hint').text()).toContain('From the national capacity tracker')
    expect(form('#ppeDaysGloves').val() ?? '').toBe('')
    const values = {
      ppeDaysGloves: '10',
      ppeDaysAprons: '8',
      ppeDaysTypeIirMasks: '5',
      ppeDaysFfp3Masks: '3',
      ppeDaysEyeProtection: '14',
      ppeDaysHandSanitiser: '21',
      ppeCanObtainMore: 'yes',
      residents: '35',
      confirmedCasesResidents: '0',
      suspectedCasesResidents: '0',
      confirmedCasesStaff: '0',
      suspectedCasesStaff: '0',
      covidDeathsResidents: '0',
      otherDeathsResidents: '0',
      covidDeathsStaff: '0',
      staffEmployed: '44',
      staffAbsentCovid: '4',
      staffAbsentOther: '0',
      agencyStaffUsed: '0',
      bedsAvailable: '40',
      bedsOccupied: '35',
      closedToAdmissions: 'no',
      canAcceptDischarges: 'yes',
    }
    const sent = await manager.post(`/locations/${ids.home}/returns/check`, {
      ...values,
      periodStart: '2020-04-14',
      action: 'submit',
    })
    expect(sent.statusCode).toBe(302)
    const versions = await t.database.db
      .selectFrom('situationReturns')
      .select(['version', 'source', 'isCurrent'])
      .where('locationId', '=', ids.home!)
      .orderBy('version')
      .execute()
    expect(versions).toEqual([
      { version: 1, source: 'import', isCurrent: false },
      { version: 2, source: 'web', isCurrent: true },
    ])
  })

  it('marks an imported return inside the location’s agreed extension as on time, as the web form does', async () => {
    const db = t.database.db
    ids.extended = await createLocation(db, ids.provider!, ids.council!, { name: 'Extended House', beds: 20 })
    ids.due = await createLocation(db, ids.provider!, ids.council!, { name: 'Due House', beds: 20 })
    await db
      .insertInto('returnExceptions')
      .values({
        locationId: ids.extended,
        extraHours: 4,
        reason: 'The manager reports after the morning round',
        createdBy: null,
        createdAt: new Date('2020-04-01T09:00:00Z'),
      })
      .execute()
    const cqcOf = async (id: string) =>
      (
        await db
          .selectFrom('locations')
          .select('cqcLocationId')
          .where('id', '=', id)
          .executeTakeFirstOrThrow()
      ).cqcLocationId!
    // 11:30 in London: half an hour after the day's return was due, inside Extended House's 4 hours more.
    t.clock.set(new Date('2020-04-15T10:30:00Z'))
    try {
      const result = await t.services.capacityTracker.importExtract(
        { userId: null, organisationId: null, scope: { kind: 'everything' } },
        Buffer.from(
          [
            'cqcid,lastupdatedbst,maxcapacity,usedbeds',
            `${await cqcOf(ids.extended)},15/04/2020 08:30,20,18`,
            `${await cqcOf(ids.due)},15/04/2020 08:30,20,17`,
          ].join('\n'),
        ),
      )
      expect(result.saved).toBe(2)
      const timingAt = async (id: string) =>
        (
          await db
            .selectFrom('situationReturns')
            .select('timing')
            .where('locationId', '=', id)
            .where('periodStart', '=', '2020-04-15')
            .executeTakeFirstOrThrow()
        ).timing
      expect(await timingAt(ids.extended)).toBe('on-time')
      expect(await timingAt(ids.due)).toBe('late')
    } finally {
      t.clock.set(new Date('2020-04-14T08:00:00Z'))
    }
  })
})
