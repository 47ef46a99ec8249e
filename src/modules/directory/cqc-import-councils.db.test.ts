import { load } from 'cheerio'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { careHomeRow, cqcCsv } from '../../../test/support/cqc-files.ts'
import {
  createLocation,
  createOrganisation,
  createProvider,
  createUser,
} from '../../../test/support/factories.ts'
import { buildTestApp, type TestApp, TestClient } from '../../../test/support/test-app.ts'
import { engines } from '../../../test/support/test-database.ts'
import { loadActor } from '../access/index.ts'
import { createPreview, saveImport } from './index.ts'

const system = { userId: null, organisationId: null }

// One council's import must not change another council's locations (issue 15, item 3).
describe.each(engines)('a CQC import and the councils’ markets on %s', (engine) => {
  let t: TestApp
  let southvale: string
  let northmoor: string
  let officer: { id: string; email: string }
  let southvaleAdmin: string
  let northmoorAdmin: string
  let provider: string
  let locations = 0

  beforeAll(async () => {
    t = await buildTestApp(engine)
    const db = t.database.db
    southvale = await createOrganisation(db, 'council', 'Southvale')
    northmoor = await createOrganisation(db, 'council', 'Northmoor')
    officer = await createUser(db, southvale, 'council_officer')
    southvaleAdmin = (await createUser(db, southvale, 'admin')).id
    northmoorAdmin = (await createUser(db, northmoor, 'admin')).id
    provider = await createProvider(db)
  })
  afterAll(async () => {
    await t?.close()
  })

  async function location(
    councilId: string | null,
    localAuthorityName: string | null,
    contractedBy?: string[],
  ) {
    const id = await createLocation(t.database.db, provider, councilId, { contractedBy })
    // A Location ID as the CQC writes them (the factory's are shorter).
    const cqcLocationId = `1-${700_000_000 + ++locations}`
    await t.database.db
      .updateTable('locations')
      .set({ localAuthorityName, cqcLocationId })
      .where('id', '=', id)
      .execute()
    return { id, cqcLocationId }
  }
  const stored = (id: string) =>
    t.database.db
      .selectFrom('locations')
      .select(['name', 'registeredBeds', 'status', 'dormant', 'councilId', 'addressLine1'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow()

  // Everything of Northmoor's that an import could touch, as one fingerprint.
  async function northmoorFingerprint() {
    const result = await sql<{ fingerprint: string }>`
      select md5(coalesce(string_agg(x, '|' order by x), '')) as fingerprint from (
        select row_to_json(l)::text as x from locations l where l.council_id = ${northmoor}
        union all
        select row_to_json(e)::text from location_status_events e
          join locations l on l.id = e.location_id where l.council_id = ${northmoor}
        union all
        select row_to_json(a)::text from audit_events a
          where a.organisation_id = ${northmoor} or a.council_id = ${northmoor}
            or a.entity_id in (select id::text from locations where council_id = ${northmoor})
      ) rows`.execute(t.database.db)
    return result.rows[0]!.fingerprint
  }

  async function auditTrailOf(userId: string, entityId: string) {
    const actor = (await loadActor(t.database.db, userId))!.actor
    const found = await t.services.audit.search(actor, { entityId, page: 1, pageSize: 50 })
    return found!.events.map((e) => e.action)
  }

  it('refuses a row naming another council’s location, and changes nothing of that council’s', async () => {
    const theirs = await location(northmoor, 'Northmoor')
    // Put in Southvale's area by an earlier import, but Northmoor's: never Southvale's to close.
    const theirsNamedSouthvale = await location(northmoor, 'Southvale')
    const ours = await location(southvale, 'Southvale')
    const oursGone = await location(southvale, 'Southvale')
    const nobodysInArea = await location(null, 'Southvale')
    const nobodysElsewhere = await location(null, 'Elsewhere')
    const newId = '1-555000001'
    const file = cqcCsv([
      // The attack: Northmoor's location, said to be in Southvale, renamed, blanked, 1 bed, dormant.
      careHomeRow(theirs.cqcLocationId, {
        'Location Name': 'Renamed by Southvale',
        'Address 1': '',
        'Care homes beds': '1',
        Dormant: 'Y',
      }),
      careHomeRow(ours.cqcLocationId, { 'Care homes beds': '45' }),
      careHomeRow(newId),
      careHomeRow(nobodysInArea.cqcLocationId, { 'Care homes beds': '12' }),
      careHomeRow(nobodysElsewhere.cqcLocationId, { 'Care homes beds': '12' }),
    ])
    const before = await northmoorFingerprint()

    const client = new TestClient(t.app)
    await client.signIn(officer.email)
    await client.get('/imports/new')
    const upload = await client.postMultipart(
      '/imports/new',
      { area: 'Southvale', closeMissing: 'yes' },
      { field: 'file', fileName: 'southvale.csv', content: file },
    )
    expect(upload.statusCode).toBe(302)
    const importId = upload.headers.location!.split('/').pop()!
    const $ = load((await client.get(`/imports/${importId}`)).body)
    const problems = $('tbody tr')
      .toArray()
      .map((tr) =>
        $(tr)
          .find('td')
          .toArray()
          .map((td) => $(td).text().trim()),
      )
      .filter((cells) => cells.length === 5)
    expect(problems).toEqual([
      [
        '2',
        'Location ID',
        theirs.cqcLocationId,
        `Location ID ${theirs.cqcLocationId} belongs to another council's market, so this import cannot change it`,
        theirs.cqcLocationId,
      ],
      [
        '6',
        'Location ID',
        nobodysElsewhere.cqcLocationId,
        `Location ID ${nobodysElsewhere.cqcLocationId} is recorded outside this council's area, so this import cannot change it`,
        nobodysElsewhere.cqcLocationId,
      ],
    ])
    const counts = await t.database.db
      .selectFrom('cqcImports')
      .select('counts')
      .where('id', '=', importId)
      .executeTakeFirstOrThrow()
    expect(counts.counts).toMatchObject({ create: 1, update: 2, close: 1, errors: 2 })

    expect((await client.post(`/imports/${importId}/confirm`, {})).statusCode).toBe(302)
    for (let i = 0; i < 200; i++) {
      const { status } = await t.database.db
        .selectFrom('cqcImports')
        .select('status')
        .where('id', '=', importId)
        .executeTakeFirstOrThrow()
      if (status !== 'saving') break
      await new Promise((resolve) => setTimeout(resolve, 50))
    }

    expect(await northmoorFingerprint()).toBe(before)
    expect(await stored(theirs.id)).toMatchObject({
      name: expect.not.stringContaining('Renamed'),
      dormant: false,
    })
    expect((await stored(theirsNamedSouthvale.id)).status).toBe('open')
    expect((await stored(ours.id)).registeredBeds).toBe(45)
    expect((await stored(oursGone.id)).status).toBe('closed')
    expect((await stored(nobodysInArea.id)).registeredBeds).toBe(12)
    expect((await stored(nobodysElsewhere.id)).registeredBeds).toBe(30)
    const created = await t.database.db
      .selectFrom('locations')
      .select('councilId')
      .where('cqcLocationId', '=', newId)
      .executeTakeFirstOrThrow()
    expect(created.councilId).toBe(southvale)

    // Southvale's own changes are audited under Southvale, and in its trail.
    const audit = await t.database.db
      .selectFrom('auditEvents')
      .select(['organisationId', 'councilId', 'actorUserId'])
      .where('entityId', '=', ours.id)
      .where('action', '=', 'location-updated-by-import')
      .executeTakeFirstOrThrow()
    expect(audit).toEqual({ organisationId: southvale, councilId: southvale, actorUserId: officer.id })
    expect(await auditTrailOf(southvaleAdmin, ours.id)).toContain('location-updated-by-import')
  })

  it('keeps to the council named at the command line, as an officer’s import does', async () => {
    const theirs = await location(northmoor, 'Northmoor')
    const preview = await createPreview(t.database.db, t.clock, system, {
      fileName: 'cli.csv',
      content: cqcCsv([careHomeRow(theirs.cqcLocationId, { 'Care homes beds': '2' })]),
      areaName: 'Southvale',
      closeMissing: false,
    })
    expect(preview.plan.errors).toEqual([
      expect.objectContaining({ rowNumber: 2, reason: expect.stringContaining("another council's market") }),
    ])
    expect(preview.counts.update).toBe(0)
  })

  it('puts an install-wide import’s change to a location in its council’s trail', async () => {
    const theirs = await location(northmoor, 'Northmoor')
    // The command line with --all: no council, no actor, may change any location.
    const preview = await createPreview(t.database.db, t.clock, system, {
      fileName: 'national.csv',
      content: cqcCsv([
        careHomeRow(theirs.cqcLocationId, {
          'Care homes beds': '35',
          'Location Local Authority': 'Northmoor',
        }),
      ]),
      areaName: null,
      closeMissing: false,
    })
    expect(preview.counts.update).toBe(1)
    await saveImport(t.database.db, t.clock, preview.id, system)
    expect((await stored(theirs.id)).registeredBeds).toBe(35)
    expect(await auditTrailOf(northmoorAdmin, theirs.id)).toEqual(['location-updated-by-import'])
    expect(await auditTrailOf(southvaleAdmin, theirs.id)).toEqual([])
  })

  it('lets a council update a location it contracts with, in both councils’ trails', async () => {
    const contracted = await location(northmoor, 'Northmoor', [southvale])
    const actor = (await loadActor(t.database.db, officer.id))!.actor
    const preview = await t.services.cqcImports.preview(actor, {
      fileName: 'contracted.csv',
      content: cqcCsv([careHomeRow(contracted.cqcLocationId, { 'Care homes beds': '33' })]),
      areaName: 'Southvale',
      closeMissing: false,
    })
    expect(preview!.counts.update).toBe(1)
    await saveImport(t.database.db, t.clock, preview!.id, { userId: officer.id, organisationId: southvale })
    expect((await stored(contracted.id)).registeredBeds).toBe(33)
    expect(await auditTrailOf(northmoorAdmin, contracted.id)).toEqual(['location-updated-by-import'])
    expect(await auditTrailOf(southvaleAdmin, contracted.id)).toEqual(['location-updated-by-import'])
  })
})
