import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
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
import type { ServiceType } from '../../domain/service-types.ts'

// Issue 19: capacity tracker extracts uploaded from the browser, previewed, then confirmed. Each of the
// tracker's three shapes imports; another council's rows are reported and never saved; the same file
// again changes nothing.
const fixtures = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../../test/fixtures/capacity-tracker',
)
const fixture = (name: string) => fs.readFileSync(path.join(fixtures, name))

describe.each(engines)('capacity tracker uploads on %s', (engine) => {
  let t: TestApp
  const ids: Record<string, string> = {}
  const emails: Record<string, string> = {}

  const signedIn = async (who: string) => {
    const client = new TestClient(t.app)
    await client.signIn(emails[who]!)
    return client
  }

  beforeAll(async () => {
    t = await buildTestApp(engine)
    const db = t.database.db
    ids.council = await createOrganisation(db, 'council', 'Own Council', { onsCode: 'E10000095' })
    ids.nextCouncil = await createOrganisation(db, 'council', 'Next Council', { onsCode: 'E10000096' })
    ids.provider = await createProvider(db, 'Tracker Test Care Ltd')
    ids.providerOrg = await createOrganisation(db, 'provider', 'Tracker Test Care Ltd', {
      providerId: ids.provider,
    })
    emails.officer = (await createUser(db, ids.council, 'council_officer')).email
    emails.nextOfficer = (await createUser(db, ids.nextCouncil, 'council_officer')).email
    emails.manager = (await createUser(db, ids.providerOrg, 'provider_manager')).email
    // The fixtures' CQC location IDs: 1-1010… our care homes, 1-1020… our agencies, 1-1090… the next council's.
    const place = async (cqc: string, council: string, serviceType: ServiceType, name: string) => {
      const id = await createLocation(db, ids.provider!, council, { name, serviceType, beds: 40 })
      await db.updateTable('locations').set({ cqcLocationId: cqc }).where('id', '=', id).execute()
      ids[cqc] = id
    }
    for (const n of [1, 2, 3, 4])
      await place(`1-10100000${n}`, ids.council, 'care_home_residential', `Home ${n}`)
    for (const n of [1, 2, 3]) await place(`1-10200000${n}`, ids.council, 'home_care', `Agency ${n}`)
    await place('1-109000001', ids.nextCouncil, 'care_home_residential', 'Next Home')
    await place('1-109000002', ids.nextCouncil, 'home_care', 'Next Agency')
    await place('1-109000003', ids.nextCouncil, 'care_home_nursing', 'Next Home Two')
  }, 120_000)
  afterAll(async () => {
    await t?.close()
  })

  const returnsOf = (cqc: string) =>
    t.database.db
      .selectFrom('situationReturns')
      .select(['version', 'values', 'source', 'periodStart'])
      .where('locationId', '=', ids[cqc]!)
      .orderBy('version')
      .execute()
  const everything = async () => ({
    returns: Number(
      (
        await t.database.db
          .selectFrom('situationReturns')
          .select((eb) => eb.fn.countAll<string>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    ),
    audits: Number(
      (
        await t.database.db
          .selectFrom('auditEvents')
          .select((eb) => eb.fn.countAll<string>().as('n'))
          .where('action', 'like', '%capacity-tracker%')
          .executeTakeFirstOrThrow()
      ).n,
    ),
  })

  async function upload(client: TestClient, fileName: string, content: Buffer) {
    await client.get('/returns/capacity-tracker/upload')
    const response = await client.postMultipart(
      '/returns/capacity-tracker/upload',
      {},
      { field: 'file', fileName, content },
    )
    expect(response.statusCode, response.body.slice(0, 400)).toBe(302)
    const page = response.headers.location as string
    const preview = await client.get(page)
    expect(preview.statusCode).toBe(200)
    return { page, $: load(preview.body) }
  }
  const count = ($: ReturnType<typeof load>, what: string) => $(`#count-${what}`).text().trim()
  const outcomes = ($: ReturnType<typeof load>) =>
    $('tr[data-outcome]')
      .map((_, r) => `${$(r).find('td').first().text().trim()} ${$(r).attr('data-outcome')}`)
      .get()

  it('previews the care homes extract by row and column, saving nothing until it is confirmed', async () => {
    const officer = await signedIn('officer')
    const { page, $ } = await upload(officer, 'care-homes.csv', fixture('care-homes.csv'))
    expect($('h1').text()).toContain('care-homes.csv')
    expect($('.govuk-summary-list').text()).toContain('Care homes extract')
    expect(count($, 'rows')).toBe('5')
    expect(count($, 'matched')).toBe('2')
    expect(count($, 'other-council')).toBe('1')
    expect(count($, 'unmatched')).toBe('1')
    expect(count($, 'invalid')).toBe('1')
    expect(outcomes($).sort()).toEqual([
      '2 matched',
      '3 matched',
      '4 other-council',
      '5 unmatched',
      '6 invalid',
    ])
    // The invalid row names its column and the reason.
    const invalid = $('tr[data-outcome="invalid"] td')
      .map((_, c) => $(c).text().trim())
      .get()
    expect(invalid).toEqual([
      '6',
      '1-101000003',
      'Not imported',
      'bedsOccupied',
      'Beds occupied cannot be more than the beds you can use',
    ])
    expect(await returnsOf('1-101000001')).toEqual([])

    const confirmed = await officer.post(`${page}/confirm`, {})
    expect(confirmed.statusCode, confirmed.body.slice(0, 2000)).toBe(302)
    const after = load((await officer.get(page)).body)
    expect(after('.govuk-notification-banner').text()).toContain('2 returns filled in')
    expect(await returnsOf('1-101000001')).toEqual([
      {
        version: 1,
        source: 'import',
        periodStart: '2020-04-14',
        values: expect.objectContaining({ bedsAvailable: 40, bedsOccupied: 36, staffEmployed: 44 }),
      },
    ])
    expect((await returnsOf('1-101000002'))[0]!.values).toMatchObject({ closedToAdmissions: true })
    // Another council's location: reported, never saved.
    expect(await returnsOf('1-109000001')).toEqual([])
    const audit = await t.database.db
      .selectFrom('auditEvents')
      .select(['actorUserId', 'after'])
      .where('action', '=', 'capacity-tracker-extract-imported')
      .execute()
    expect(audit).toHaveLength(1)
    expect(audit[0]!.after).toMatchObject({ fileName: 'care-homes.csv', matched: 2, 'other-council': 1 })
  })

  it('imports the home care extract, refusing a bad cell by its column', async () => {
    const officer = await signedIn('officer')
    const { page, $ } = await upload(officer, 'home-care.csv', fixture('home-care.csv'))
    expect($('.govuk-summary-list').text()).toContain('Home care (non-residential) extract')
    expect(outcomes($).sort()).toEqual(['2 matched', '3 other-council', '4 invalid'])
    expect($('tr[data-outcome="invalid"]').text()).toContain('canprovidermorehours')
    expect((await officer.post(`${page}/confirm`, {})).statusCode).toBe(302)
    const [saved] = await returnsOf('1-102000001')
    expect(saved!.values).toMatchObject({
      peopleSupported: 212,
      staffEmployed: 64,
      capacityForNewPackages: true,
    })
    expect(saved!.periodStart).toBe('2020-04-13')
    expect(await returnsOf('1-109000002')).toEqual([])
    expect(await returnsOf('1-102000002')).toEqual([])
  })

  it('imports the combined extract as XLSX, each row reading only the figures its location is asked', async () => {
    const officer = await signedIn('officer')
    const { page, $ } = await upload(officer, 'combined.xlsx', fixture('combined.xlsx'))
    expect($('.govuk-summary-list').text()).toContain('Combined extract')
    expect(outcomes($).sort()).toEqual(['2 matched', '3 matched', '4 other-council', '5 invalid'])
    expect((await officer.post(`${page}/confirm`, {})).statusCode).toBe(302)
    expect((await returnsOf('1-101000004'))[0]!.values).toMatchObject({
      bedsAvailable: 32,
      bedsOccupied: 30,
      staffEmployed: 35,
    })
    // The agency's row had 0 beds in the care home columns: not figures a home care return holds.
    const [agency] = await returnsOf('1-102000003')
    expect(agency!.values).toMatchObject({ peopleSupported: 140, capacityForNewPackages: false })
    expect(agency!.values).not.toHaveProperty('bedsAvailable')
    expect(await returnsOf('1-109000003')).toEqual([])
  })

  it('changes nothing when the same file is uploaded again, or the same figures in another file', async () => {
    const officer = await signedIn('officer')
    const before = await everything()
    const { page, $ } = await upload(officer, 'care-homes.csv', fixture('care-homes.csv'))
    expect($('.govuk-inset-text').text()).toContain('Importing it again would change nothing')
    expect($(`form[action="${page}/confirm"]`).length).toBe(0)
    expect((await officer.post(`${page}/confirm`, {})).statusCode).toBe(404)
    // The same figures in a file saved again (its bytes differ): each row is unchanged.
    const resaved = Buffer.from(`${fixture('care-homes.csv').toString('utf8').trimEnd()}\r\n`)
    const again = await upload(officer, 'care-homes (1).csv', resaved)
    expect(count(again.$, 'matched')).toBe('0')
    expect(count(again.$, 'unchanged')).toBe('2')
    expect((await officer.post(`${again.page}/confirm`, {})).statusCode).toBe(302)
    // Only the record of the upload itself is new.
    expect(await everything()).toEqual({ ...before, audits: before.audits + 1 })
    expect((await returnsOf('1-101000001')).map((r) => r.version)).toEqual([1])
  })

  it('lists the council’s uploads with their SHA-256 and counts, to its own officers only', async () => {
    const officer = await signedIn('officer')
    const list = load((await officer.get('/returns/capacity-tracker')).body)
    const hash = (await import('node:crypto'))
      .createHash('sha256')
      .update(fixture('care-homes.csv'))
      .digest('hex')
    expect(list('table').text()).toContain(hash)
    expect(list('tbody tr').length).toBe(5)
    // Another council sees none of them, and cannot open one.
    const next = await signedIn('nextOfficer')
    const theirs = load((await next.get('/returns/capacity-tracker')).body)
    expect(theirs('tbody tr').length).toBe(0)
    const first = list('tbody tr a').first().attr('href')!
    expect((await next.get(first)).statusCode).toBe(404)
    const manager = await signedIn('manager')
    expect((await manager.get('/returns/capacity-tracker')).statusCode).toBe(403)
    expect((await manager.get('/returns/capacity-tracker/upload')).statusCode).toBe(403)
  })

  it('refuses a file that is not a tracker extract, on the upload page', async () => {
    const officer = await signedIn('officer')
    await officer.get('/returns/capacity-tracker/upload')
    const response = await officer.postMultipart(
      '/returns/capacity-tracker/upload',
      {},
      { field: 'file', fileName: 'other.csv', content: Buffer.from('name,beds\nA,3\n') },
    )
    expect(response.statusCode).toBe(400)
    const $ = load(response.body)
    expect($('.govuk-error-summary a').attr('href')).toBe('#file')
    expect($('.govuk-error-summary').text()).toContain('no cqcid column')
  })
})
