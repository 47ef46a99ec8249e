import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { load } from 'cheerio'
import { createOrganisation, createUser } from '../../../test/support/factories.ts'
import { buildTestApp, type TestApp, TestClient } from '../../../test/support/test-app.ts'
import { engines } from '../../../test/support/test-database.ts'
import { createPreview, saveImport } from './index.ts'

// Issue 17, item 10: the CQC API's locations name only their provider's ID, so their providers had
// placeholder names; the CQC's providers file, imported after them, gives the real ones.
const fixtures = path.resolve('test/fixtures/cqc')
const locationsFile = fs.readFileSync(path.join(fixtures, 'cqc_api_oldham_locations_raw.jsonl'))
const providersFile = fs.readFileSync(path.join(fixtures, 'cqc_api_oldham_providers_raw.jsonl'))
// The fixture's provider records, read here without the importer.
const records = providersFile
  .toString('utf8')
  .split('\n')
  .filter((l) => l.trim() !== '')
  .map((l) => JSON.parse(l) as Record<string, string>)
const system = { userId: null, organisationId: null }

describe.each(engines)('the CQC providers file on %s', (engine) => {
  let t: TestApp
  const db = () => t.database.db
  const providers = () => db().selectFrom('providers').selectAll().orderBy('cqcProviderId').execute()
  const locations = () =>
    db()
      .selectFrom('locations')
      .select(['id', 'providerId', 'name', 'addressLine1', 'status', 'lastImportId', 'updatedAt'])
      .orderBy('id')
      .execute()
  const importFile = async (fileName: string, content: Buffer, save = true) => {
    const preview = await createPreview(db(), t.clock, system, {
      fileName,
      content,
      areaName: null,
      closeMissing: true,
    })
    if (save) await saveImport(db(), t.clock, preview.id, system)
    return preview
  }

  beforeAll(async () => {
    t = await buildTestApp(engine)
    await importFile('oldham_locations.jsonl', locationsFile)
  })
  afterAll(async () => {
    await t?.close()
  })

  it('replaces the placeholder names with the CQC’s, and changes no location', async () => {
    const ids = records.map((r) => r.providerId)
    const before = await providers()
    const placeholders = before.filter(
      (p) => ids.includes(p.cqcProviderId!) && p.name === `CQC provider ${p.cqcProviderId}`,
    )
    // The locations file gave these providers no names.
    expect(placeholders.length).toBeGreaterThan(5)
    // A partnership's record has no Companies House number: one stored already is left as it is.
    const partnership = placeholders.find(
      (p) => !('companiesHouseNumber' in records.find((r) => r.providerId === p.cqcProviderId)!),
    )!
    await db()
      .updateTable('providers')
      .set({ companiesHouseNumber: 'OC123456' })
      .where('id', '=', partnership.id)
      .execute()
    const locationsBefore = await locations()

    // A bad line is listed; with the import not confirmed, nothing is saved.
    const withBadLine = Buffer.concat([
      providersFile,
      Buffer.from('{"providerId": "1-101611810", "name": \n'),
    ])
    const unconfirmed = await importFile('oldham_providers.jsonl', withBadLine, false)
    expect(unconfirmed.parsed.format).toBe('cqc-api-providers-jsonl')
    expect(unconfirmed.counts.errors).toBe(1)
    expect(unconfirmed.plan.errors[0]).toMatchObject({
      rowNumber: records.length + 1,
      reason: 'Line is not valid JSON',
    })
    const known = before.filter((p) => ids.includes(p.cqcProviderId!)).length
    expect(unconfirmed.counts.providers).toMatchObject({
      create: ids.length - known,
      named: placeholders.length,
      renamed: 0,
    })
    // A providers file closes nothing, even asked to close what is missing from it.
    expect(unconfirmed.counts.close).toBe(0)
    expect((await providers()).map((p) => p.name)).toEqual(before.map((p) => p.name))
    const stored = await db()
      .selectFrom('cqcImports')
      .select('status')
      .where('id', '=', unconfirmed.id)
      .executeTakeFirstOrThrow()
    expect(stored.status).toBe('previewed')

    const saved = await importFile('oldham_providers.jsonl', providersFile)
    expect(saved.counts.errors).toBe(0)
    const after = new Map((await providers()).map((p) => [p.cqcProviderId, p]))
    for (const record of records) {
      const p = after.get(record.providerId!)!
      expect(p.name).toBe(record.name!.trim())
      expect(p.addressLine1).toBe(record.postalAddressLine1)
      expect(p.postcode).toBe(record.postalCode)
      expect(p.brandName).toBe(record.brandName ?? null)
      expect(p.companiesHouseNumber).toBe(
        record.companiesHouseNumber ?? (p.id === partnership.id ? 'OC123456' : null),
      )
    }
    expect(after.size).toBe(before.length + ids.length - known)
    expect(await locations()).toEqual(locationsBefore)

    const audits = await db()
      .selectFrom('auditEvents')
      .select(['action', 'entityId'])
      .where('entityType', '=', 'provider')
      .execute()
    expect(audits.filter((a) => a.action === 'provider-created-by-import')).toHaveLength(ids.length - known)
    expect(
      audits
        .filter((a) => a.action === 'provider-updated-by-import')
        .map((a) => a.entityId)
        .sort(),
    ).toEqual(saved.providerPlan!.update.map((u) => u.id).sort())
  })

  it('keeps the names when the locations file comes again, and links its locations to them', async () => {
    const names = (await providers()).map((p) => [p.cqcProviderId, p.name])
    const again = await importFile('oldham_locations.jsonl', locationsFile)
    expect(again.counts.create).toBe(0)
    expect((await providers()).map((p) => [p.cqcProviderId, p.name])).toEqual(names)
    const linked = await db()
      .selectFrom('locations')
      .innerJoin('providers', 'providers.id', 'locations.providerId')
      .select(['locations.cqcLocationId', 'providers.name'])
      .where('providers.cqcProviderId', '=', '1-101614967')
      .execute()
    expect(linked.map((l) => l.name)).toEqual(['Riseway Care Homes Limited'])

    // The provider's page shows what its record gave.
    const region = await createOrganisation(db(), 'region', 'Region')
    const viewer = new TestClient(t.app)
    await viewer.signIn((await createUser(db(), region, 'regional_viewer')).email)
    const riseway = await db()
      .selectFrom('providers')
      .select('id')
      .where('cqcProviderId', '=', '1-101614967')
      .executeTakeFirstOrThrow()
    const page = load((await viewer.get(`/providers/${riseway.id}`)).body)
    expect(page('h1').text()).toBe('Riseway Care Homes Limited')
    expect(page('.govuk-summary-list').text()).toContain('03550909')
    expect(page('.govuk-summary-list').text()).toContain('84 Windsor Road, Oldham, OL8 1RQ')
  })

  it('shows an officer on the web that it is a providers file and what it would change', async () => {
    const council = await createOrganisation(db(), 'council', 'Oldham Metropolitan Borough Council', {
      onsCode: 'E08000004',
    })
    const officer = await createUser(db(), council, 'council_officer')
    const client = new TestClient(t.app)
    await client.signIn(officer.email)
    const form = load((await client.get('/imports/new')).body)
    expect(form('main li').text()).toContain('CQC providers (API JSON lines)')
    const renamed = providersFile
      .toString('utf8')
      .replace('"Riseway Care Homes Limited"', '"Riseway Care Homes (Oldham) Limited"')
    const upload = await client.postMultipart(
      '/imports/new',
      { area: 'Oldham Metropolitan Borough Council' },
      { field: 'file', fileName: 'providers.jsonl', content: Buffer.from(`${renamed}not json\n`) },
    )
    expect(upload.statusCode).toBe(302)
    const $ = load((await client.get(upload.headers.location!)).body)
    expect($('#providers-file').text()).toContain('This is a CQC providers file')
    const figure = (label: string) =>
      $('tr')
        .filter((_, tr) => $(tr).find('th').text() === label)
        .find('td')
        .text()
    expect(figure('Providers renamed')).toBe('1')
    expect(figure('Providers named (a placeholder name replaced)')).toBe('0')
    expect(figure('Rows with errors (not imported)')).toBe('1')
    expect($('table').text()).toContain('Line is not valid JSON')
    // Not confirmed: the name stays.
    const riseway = await db()
      .selectFrom('providers')
      .select('name')
      .where('cqcProviderId', '=', '1-101614967')
      .executeTakeFirstOrThrow()
    expect(riseway.name).toBe('Riseway Care Homes Limited')
  })
})
