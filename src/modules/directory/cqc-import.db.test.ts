import fs from 'node:fs'
import path from 'node:path'
import { load } from 'cheerio'
import { parse } from 'csv-parse/sync'
import { stringify } from 'csv-stringify/sync'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createOrganisation, createUser } from '../../../test/support/factories.ts'
import { buildTestApp, type TestApp, TestClient } from '../../../test/support/test-app.ts'
import { engines } from '../../../test/support/test-database.ts'
import { createPreview, saveImport } from './index.ts'

const fixtures = path.resolve('test/fixtures/cqc')
const withFilters = fs.readFileSync(path.join(fixtures, 'cqc_care_directory_with_filters_head_2025.csv'))
const oldham = fs.readFileSync(path.join(fixtures, 'cqc_api_oldham_locations_raw.jsonl'))
const system = { userId: null, organisationId: null }

// Figures computed from the file itself, independently of the importer.
function figuresFromWithFilters() {
  const rows = parse(withFilters, { columns: true, bom: true, relax_column_count: true }) as Record<
    string,
    string
  >[]
  // The CQC's own inspection category says whether a location is adult social care.
  // (A few new locations have no category yet: their service types say what they are.)
  const adultSocialCare = rows.filter((r) => {
    const category = r['Primary inspection category'] ?? ''
    return (
      /adult social care|residential social care/i.test(category) ||
      (!category &&
        /domiciliary|care home|supported living|extra care|shared lives/i.test(r['Service Types'] ?? ''))
    )
  })
  const ids = new Set(adultSocialCare.map((r) => r['Location ID']!.trim()))
  const homeBeds = adultSocialCare
    .filter((r) => /care home/i.test(r['Service Types'] ?? ''))
    .reduce((sum, r) => sum + Number(r['Care homes beds'] || 0), 0)
  return { total: rows.length, locations: ids.size, homeBeds }
}

describe.each(engines)('CQC import on %s', (engine) => {
  let t: TestApp

  beforeAll(async () => {
    t = await buildTestApp(engine)
  })
  afterAll(async () => {
    await t?.close()
  })

  it('creates one location per adult social care Location ID, with the file’s own sum of care home beds', async () => {
    const expected = figuresFromWithFilters()
    const preview = await createPreview(t.database.db, t.clock, system, {
      fileName: 'with-filters.csv',
      content: withFilters,
      areaName: null,
      closeMissing: false,
    })
    expect(preview.parsed.format).toBe('care-directory-with-filters')
    expect(preview.counts.create).toBe(expected.locations)
    expect(preview.plan.skip.every((s) => s.reason.startsWith('Not an adult social care service'))).toBe(true)
    expect(preview.counts.create + preview.counts.skip + preview.counts.errors).toBe(expected.total)
    await saveImport(t.database.db, t.clock, preview.id, system)

    const db = t.database.db
    const count = await db
      .selectFrom('locations')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow()
    expect(Number(count.n)).toBe(expected.locations)
    const beds = await db
      .selectFrom('locations')
      .select((eb) => eb.fn.sum<string>('registeredBeds').as('beds'))
      .where('serviceType', 'in', ['care_home_nursing', 'care_home_residential'])
      .executeTakeFirstOrThrow()
    expect(Number(beds.beds)).toBe(expected.homeBeds)
    const history = await db
      .selectFrom('locationStatusEvents')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow()
    expect(Number(history.n)).toBeGreaterThanOrEqual(expected.locations)
    const audits = await db
      .selectFrom('auditEvents')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('action', '=', 'location-created-by-import')
      .executeTakeFirstOrThrow()
    expect(Number(audits.n)).toBe(expected.locations)
  })

  it('changes nothing when the same file is imported again', async () => {
    const stamps = async () =>
      t.database.db.selectFrom('locations').select(['id', 'updatedAt']).orderBy('id').execute()
    const before = await stamps()
    const preview = await createPreview(t.database.db, t.clock, system, {
      fileName: 'with-filters.csv',
      content: withFilters,
      areaName: null,
      closeMissing: false,
    })
    expect(preview.counts.create).toBe(0)
    expect(preview.counts.update).toBe(0)
    t.clock.advanceMinutes(5)
    await saveImport(t.database.db, t.clock, preview.id, system)
    expect(await stamps()).toEqual(before)
  })

  it('updates what changed and, only when asked, closes what disappeared, with history and audit', async () => {
    // Parse and re-write the whole file: some cells hold line breaks.
    const records = parse(withFilters, { bom: true, relax_column_count: true }) as string[][]
    const header = records[0]!
    const bedsColumn = header.indexOf('Care homes beds')
    const idColumn = header.indexOf('Location ID')
    const homeIndex = records.findIndex((r, i) => i > 0 && Number(r[bedsColumn]) > 5)
    const home = [...records[homeIndex]!]
    const gone = records[homeIndex + 1]!
    home[bedsColumn] = String(Number(home[bedsColumn]) + 3)
    const changed = stringify(
      records.flatMap((r, i) => (i === homeIndex ? [home] : i === homeIndex + 1 ? [] : [r])),
    )
    const withoutClosing = await createPreview(t.database.db, t.clock, system, {
      fileName: 'later.csv',
      content: Buffer.from(changed),
      areaName: null,
      closeMissing: false,
    })
    expect(withoutClosing.counts).toMatchObject({ create: 0, update: 1, close: 0 })
    const later = await createPreview(t.database.db, t.clock, system, {
      fileName: 'later.csv',
      content: Buffer.from(changed),
      areaName: null,
      closeMissing: true,
    })
    expect(later.counts).toMatchObject({ create: 0, update: 1, close: 1 })
    await saveImport(t.database.db, t.clock, later.id, system)

    const db = t.database.db
    const updated = await db
      .selectFrom('locations')
      .select(['id', 'registeredBeds'])
      .where('cqcLocationId', '=', home[idColumn]!.trim())
      .executeTakeFirstOrThrow()
    expect(updated.registeredBeds).toBe(Number(home[bedsColumn]))
    const audit = await db
      .selectFrom('auditEvents')
      .select(['before', 'after'])
      .where('entityId', '=', updated.id)
      .where('action', '=', 'location-updated-by-import')
      .executeTakeFirstOrThrow()
    expect(audit).toEqual({
      before: { registeredBeds: Number(home[bedsColumn]) - 3 },
      after: { registeredBeds: Number(home[bedsColumn]) },
    })
    const closed = await db
      .selectFrom('locations')
      .select(['id', 'status'])
      .where('cqcLocationId', '=', gone[idColumn]!.trim())
      .executeTakeFirstOrThrow()
    expect(closed.status).toBe('closed')
    const events = await db
      .selectFrom('locationStatusEvents')
      .select(['status', 'source'])
      .where('locationId', '=', closed.id)
      .orderBy('id')
      .execute()
    expect(events.at(-1)).toEqual({ status: 'closed', source: 'cqc-import' })
    // Put the file back as it was, so the next tests see the original.
    const restore = await createPreview(db, t.clock, system, {
      fileName: 'with-filters.csv',
      content: withFilters,
      areaName: null,
      closeMissing: false,
    })
    await saveImport(db, t.clock, restore.id, system)
  })

  it('takes the Oldham API records restricted to Oldham: care homes with their beds, deregistered ones closed with dates', async () => {
    const records = oldham
      .toString('utf8')
      .split('\n')
      .filter((l) => l.trim())
      .map((l) => JSON.parse(l) as Record<string, unknown>)
    const homes = records.filter(
      (r) => r.careHome === 'Y' && r.registrationStatus === 'Registered' && r.localAuthority === 'Oldham',
    )
    const deregisteredSocialCare = records.filter(
      (r) => r.registrationStatus === 'Deregistered' && r.inspectionDirectorate === 'Adult social care',
    )

    const preview = await createPreview(t.database.db, t.clock, system, {
      fileName: 'oldham.jsonl',
      content: oldham,
      areaName: 'Oldham Metropolitan Borough Council',
      closeMissing: false,
    })
    expect(preview.parsed.format).toBe('cqc-api-jsonl')
    await saveImport(t.database.db, t.clock, preview.id, system)
    const db = t.database.db
    for (const home of homes) {
      const row = await db
        .selectFrom('locations')
        .select(['registeredBeds', 'status', 'serviceType'])
        .where('cqcLocationId', '=', String(home.locationId))
        .executeTakeFirst()
      expect(row, `care home ${home.locationId}`).toBeDefined()
      if (!row) continue
      expect(row.registeredBeds, String(home.locationId)).toBe(home.numberOfBeds)
      expect(row.status).toBe('open')
      expect(['care_home_nursing', 'care_home_residential']).toContain(row.serviceType)
    }
    expect(homes.length).toBeGreaterThan(10)
    for (const gone of deregisteredSocialCare) {
      const row = await db
        .selectFrom('locations')
        .select(['id', 'status', 'registrationEnd'])
        .where('cqcLocationId', '=', String(gone.locationId))
        .executeTakeFirst()
      expect(row, `deregistered ${gone.locationId} ${gone.localAuthority}`).toBeDefined()
      if (!row) continue
      expect(row.status).toBe('closed')
      expect(row.registrationEnd).toBe(gone.deregistrationDate)
      const events = await db
        .selectFrom('locationStatusEvents')
        .select(['status', 'effectiveFrom'])
        .where('locationId', '=', row.id)
        .orderBy('effectiveFrom')
        .execute()
      expect(events.at(-1)).toEqual({ status: 'closed', effectiveFrom: gone.deregistrationDate })
    }
    expect(deregisteredSocialCare.length).toBeGreaterThan(5)
  })

  it('reports a wrong column set, a malformed ID and a non-numeric bed count by row and column', async () => {
    const wrong = await createPreview(t.database.db, t.clock, system, {
      fileName: 'wrong.csv',
      content: Buffer.from('Name,Colour\nA,Blue\n'),
      areaName: null,
      closeMissing: false,
    })
    expect(wrong.parsed.fileProblems[0]!.reason).toMatch(/Location ID/)
    const lines = withFilters.toString('utf8').split(/\r?\n/)
    const header = parse(lines[0]!)[0] as string[]
    const idColumn = header.indexOf('Location ID')
    const bedsColumn = header.indexOf('Care homes beds')
    const row = (line: string, change: (cells: string[]) => void) => {
      const cells = parse(line)[0] as string[]
      change(cells)
      return cells.map((c) => `"${c.replace(/"/g, '""')}"`).join(',')
    }
    const homeLine = lines.findIndex(
      (l, i) => i > 0 && /Care home service/.test(l) && Number((parse(l)[0] as string[])[bedsColumn]) > 0,
    )
    const bad = [
      lines[0],
      row(lines[homeLine]!, (c) => (c[idColumn] = '1-ABC')),
      row(lines[homeLine + 1]!, (c) => (c[bedsColumn] = 'ten')),
    ].join('\n')
    const preview = await createPreview(t.database.db, t.clock, system, {
      fileName: 'bad.csv',
      content: Buffer.from(bad),
      areaName: null,
      closeMissing: false,
    })
    expect(preview.plan.errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ rowNumber: 2, column: 'Location ID' }),
        expect.objectContaining({ rowNumber: 3, column: 'Care homes beds' }),
      ]),
    )
  })

  it('leaves the database exactly as it was when the save crashes half-way', async () => {
    const snapshot = async () => ({
      locations: await t.database.db
        .selectFrom('locations')
        .select(['id', 'updatedAt', 'status', 'registeredBeds'])
        .orderBy('id')
        .execute(),
      providers: await t.database.db.selectFrom('providers').select('id').orderBy('id').execute(),
      events: await t.database.db.selectFrom('locationStatusEvents').select('id').orderBy('id').execute(),
      audit: await t.database.db
        .selectFrom('auditEvents')
        .select('id')
        .where('entityType', '=', 'location')
        .orderBy('id')
        .execute(),
    })
    const before = await snapshot()
    const directory = fs.readFileSync(path.join(fixtures, 'cqc_directory_head_2025.csv'))
    const preview = await createPreview(t.database.db, t.clock, system, {
      fileName: 'directory.csv',
      content: directory,
      areaName: null,
      closeMissing: false,
    })
    expect(preview.counts.create).toBeGreaterThan(100)
    const crash = (done: number, total: number) => {
      if (done >= total / 2) throw new Error('injected crash half-way')
    }
    await expect(saveImport(t.database.db, t.clock, preview.id, system, crash)).rejects.toThrow(
      'injected crash',
    )
    expect(await snapshot()).toEqual(before)
    const stored = await t.database.db
      .selectFrom('cqcImports')
      .select(['status', 'error'])
      .where('id', '=', preview.id)
      .executeTakeFirstOrThrow()
    expect(stored).toEqual({ status: 'failed', error: 'injected crash half-way' })
  })

  it('previews, confirms and lists an upload through the web, with problem rows to download', async () => {
    const council = await createOrganisation(
      t.database.db,
      'council',
      'Oldham Metropolitan Borough Council',
      { onsCode: 'E08000004' },
    )
    const officer = await createUser(t.database.db, council, 'council_officer')
    const client = new TestClient(t.app)
    await client.signIn(officer.email)
    await client.get('/imports/new')
    const upload = await client.postMultipart(
      '/imports/new',
      { area: 'Oldham Metropolitan Borough Council' },
      { field: 'file', fileName: 'oldham.jsonl', content: oldham },
    )
    expect(
      upload.statusCode,
      upload.body.slice(upload.body.indexOf('<h1'), upload.body.indexOf('<h1') + 300),
    ).toBe(302)
    const page = await client.get(upload.headers.location!)
    const $ = load(page.body)
    expect($('h1').text()).toBe('oldham.jsonl')
    expect($('caption').first().text()).toContain('What this file would change')
    expect($('table').text()).toContain('Not an adult social care service (Dental')
    const importId = upload.headers.location!.split('/').pop()!
    const problems = await client.get(`/imports/${importId}/problems.csv`)
    expect(problems.headers['content-type']).toContain('text/csv')
    const problemRows = parse(problems.body, { columns: true }) as Record<string, string>[]
    expect(problemRows.length).toBeGreaterThan(0)
    expect(Object.keys(problemRows[0]!)).toEqual(['Row', 'Column', 'Location ID', 'Problem', 'Value'])

    expect((await client.post(`/imports/${importId}/confirm`, {})).statusCode).toBe(302)
    for (let i = 0; i < 100; i++) {
      const status = await t.database.db
        .selectFrom('cqcImports')
        .select('status')
        .where('id', '=', importId)
        .executeTakeFirstOrThrow()
      if (status.status !== 'saving') break
      await new Promise((r) => setTimeout(r, 50))
    }
    const list = load((await client.get('/imports')).body)
    expect(list('tbody tr').first().text()).toContain('oldham.jsonl')
    expect(list('tbody tr').first().text()).toContain('Saved')
  })
})
