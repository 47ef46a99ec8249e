import { load } from 'cheerio'
import { parse } from 'csv-parse/sync'
import { stringify } from 'csv-stringify/sync'
import ExcelJS from 'exceljs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { testPassword } from '../../../../test/support/factories.ts'
import { fullReturn } from '../../../../test/support/returns.fixture.ts'
import { buildTestApp, type TestApp, TestClient } from '../../../../test/support/test-app.ts'
import { engines } from '../../../../test/support/test-database.ts'
import { csvRow, header, homeCareReturn, keys, problemsIn, seedUploadTestData } from './upload-test-data.ts'

// A spreadsheet as a CSV file, written as Excel would (csv-stringify, not CareHub's own writer).
const csvFile = (rows: Record<string, string>[], columns = header) =>
  Buffer.from(stringify(rows, { header: true, columns }))

describe.each(engines)('bulk upload of situation returns on %s', (engine) => {
  let t: TestApp
  const ids: Record<string, string> = {}
  const emails: Record<string, string> = {}
  // Provider A's 500 care homes, by CQC location ID, in the template's order (by name).
  let chain: { id: string; cqcLocationId: string; name: string }[] = []
  const cqcIdOf: Record<string, string> = {}

  beforeAll(async () => {
    t = await buildTestApp(engine)
    // Friday 17 April 2020, 9 am: the daily returns are due by 11 and the week's return is open.
    t.clock.set(new Date('2020-04-17T08:00:00Z'))
    const seeded = await seedUploadTestData(t.database.db)
    Object.assign(ids, seeded.ids)
    Object.assign(emails, seeded.emails)
    Object.assign(cqcIdOf, seeded.cqcIdOf)
    chain = seeded.chain
  })
  afterAll(async () => {
    await t?.close()
  })

  // One client per person.
  const clients = new Map<string, TestClient>()
  const signedIn = async (who: string) => {
    if (!clients.has(who)) {
      // Signed in without TestClient.signIn, which also opens the home page (slow for 500 locations).
      const client = new TestClient(t.app)
      await client.get('/sign-in')
      const response = await client.post('/sign-in', { email: emails[who]!, password: testPassword })
      expect(response.statusCode).toBe(302)
      clients.set(who, client)
    }
    return clients.get(who)!
  }
  const upload = async (client: TestClient, fileName: string, content: Buffer) => {
    await client.get('/returns/upload')
    return client.postMultipart('/returns/upload', {}, { field: 'file', fileName, content })
  }
  const uploadedReturns = async () =>
    Number(
      (
        await t.database.db
          .selectFrom('situationReturns')
          .select((eb) => eb.fn.countAll<string>().as('n'))
          .where('source', '=', 'upload')
          .executeTakeFirstOrThrow()
      ).n,
    )

  it('links to the upload from the provider manager’s home, and gives a template from the dataset in CSV and XLSX', async () => {
    const small = await signedIn('smallManager')
    const home = load((await small.get('/')).body)
    expect(home('a[href="/returns/upload"]').text()).toBe('upload a spreadsheet')
    const manager = await signedIn('chainManager')
    const page = load((await manager.get('/returns/upload')).body)
    expect(page('h1').text()).toBe('Upload returns for several locations')
    expect(page('a[href="/returns/upload/template.csv"]').length).toBe(1)
    expect(page('a[href="/returns/upload/template.xlsx"]').length).toBe(1)
    expect(page('input[type="file"][name="file"]').length).toBe(1)
    expect(page('body').text()).toContain('500 open locations')

    const csv = await manager.get('/returns/upload/template.csv')
    expect(csv.statusCode).toBe(200)
    expect(csv.headers['content-type']).toContain('text/csv')
    const records = parse(csv.body, { bom: true }) as string[][]
    expect(records[0]).toEqual(header)
    expect(records[0]!.slice(3)).toEqual(keys)
    expect(records.slice(1).map((r) => r[0])).toEqual(chain.map((l) => l.cqcLocationId))
    expect(records[1]![1]).toBe('Chain Home 001')
    expect(records.slice(1).every((r) => r.slice(2).every((c) => c === ''))).toBe(true)

    const xlsx = await manager.get('/returns/upload/template.xlsx')
    expect(xlsx.statusCode).toBe(200)
    const workbook = new ExcelJS.Workbook()
    await workbook.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer)
    expect(workbook.worksheets.map((s) => s.name)).toEqual(['Returns', 'Guidance'])
    const sheet = workbook.worksheets[0]!
    expect((sheet.getRow(1).values as unknown[]).slice(1)).toEqual(header)
    expect(sheet.rowCount).toBe(501)
    const guidance = workbook.getWorksheet('Guidance')!
    const guide = new Map<string, string[]>()
    guidance.eachRow((row) => {
      const cells = (row.values as unknown[]).slice(1).map((v) => String(v ?? ''))
      guide.set(cells[0]!, cells)
    })
    expect(guide.get('Column')).toEqual([
      'Column',
      'What it is',
      'Type',
      'Unit',
      'Applies to',
      'Required',
      'Notes',
    ])
    for (const key of keys) expect(guide.has(key), key).toBe(true)
    expect(guide.get('ppeDaysGloves')!.slice(1, 4)).toEqual([
      'Days of gloves in stock',
      'Whole number, 0 to 365',
      'days',
    ])
    expect(guide.get('bedsAvailable')![4]).toBe('Care home with nursing, Care home without nursing')
    expect(guide.get('hoursDelivered')![4]).toBe('Home care agency')
    expect(guide.get('staffEmployed')![4]).toBe('All services')

    // Someone else's template has only their own locations.
    const smallRows = parse((await small.get('/returns/upload/template.csv')).body, {
      bom: true,
    }) as string[][]
    expect(smallRows.slice(1).map((r) => r[1])).toEqual(['Hazel Home Care', 'Rowan House', 'Willow Court'])
  })

  it('saves nothing from 500 rows with one bad row, and names that row and column; the same file fixed saves all 500', async () => {
    const manager = await signedIn('chainManager')
    const rows = chain.map((l) => csvRow(l.cqcLocationId, fullReturn, { locationName: l.name }))
    const bad = 321
    rows[bad] = { ...rows[bad]!, ppeDaysGloves: '-3' }
    const refused = await upload(manager, 'returns.csv', csvFile(rows))
    expect(refused.statusCode).toBe(400)
    expect(problemsIn(refused.body)).toEqual([
      { row: bad + 2, column: 'ppeDaysGloves', message: 'Days of gloves in stock must be 0 or more' },
    ])
    const $ = load(refused.body)
    expect($('.govuk-error-summary').text()).toContain(`Row ${bad + 2}, ppeDaysGloves`)
    expect($('title').text()).toMatch(/^Error:/)
    expect($('main').text()).toContain('Nothing has been saved')
    expect(await uploadedReturns()).toBe(0)

    rows[bad] = { ...rows[bad]!, ppeDaysGloves: '3' }
    const saved = await upload(manager, 'returns.csv', csvFile(rows))
    expect(saved.statusCode).toBe(200)
    expect(load(saved.body)('.govuk-panel__title').text().trim()).toBe('500 returns saved')
    expect(await uploadedReturns()).toBe(500)
    const stored = await t.database.db
      .selectFrom('situationReturns')
      .select(['periodStart', 'values', 'timing', 'version'])
      .where('locationId', '=', chain[bad]!.id)
      .executeTakeFirstOrThrow()
    expect(stored).toMatchObject({ periodStart: '2020-04-17', timing: 'on-time', version: 1 })
    expect(stored.values).toMatchObject({ ppeDaysGloves: 3, ppeDaysFfp3Masks: 0, residentsTested: null })
  })

  it('asks for an amendment reason on rows for a period that already has a return, and keeps both versions', async () => {
    const manager = await signedIn('chainManager')
    const rows = chain.slice(0, 3).map((l) => csvRow(l.cqcLocationId, { ...fullReturn, bedsOccupied: '39' }))
    const refused = await upload(manager, 'corrections.csv', csvFile(rows))
    expect(refused.statusCode).toBe(400)
    expect(problemsIn(refused.body)).toEqual(
      [2, 3, 4].map((row) => ({
        row,
        column: 'amendmentReason',
        message: 'Enter why you are changing this return',
      })),
    )
    const reasons = rows.map((r, i) => ({ ...r, amendmentReason: i === 1 ? '' : 'One more admission' }))
    const oneMissing = await upload(
      manager,
      'corrections.csv',
      csvFile(reasons, [...header, 'amendmentReason']),
    )
    expect(problemsIn(oneMissing.body)).toEqual([
      { row: 3, column: 'amendmentReason', message: 'Enter why you are changing this return' },
    ])
    const fixed = reasons.map((r) => ({ ...r, amendmentReason: 'One more admission' }))
    const saved = await upload(manager, 'corrections.csv', csvFile(fixed, [...header, 'amendmentReason']))
    expect(saved.statusCode).toBe(200)
    expect(load(saved.body)('.govuk-panel__title').text().trim()).toBe('3 returns saved')
    const versions = await t.database.db
      .selectFrom('situationReturns')
      .select(['version', 'isCurrent', 'amendmentReason', 'values'])
      .where('locationId', '=', chain[0]!.id)
      .orderBy('version')
      .execute()
    expect(versions.map((v) => [v.version, v.isCurrent, v.amendmentReason, v.values.bedsOccupied])).toEqual([
      [1, false, null, 38],
      [2, true, 'One more admission', 39],
    ])
  })

  it('rejects a row naming another provider’s location, or an unknown one, by row, and saves nothing', async () => {
    const manager = await signedIn('smallManager')
    const before = await uploadedReturns()
    const response = await upload(
      manager,
      'returns.csv',
      csvFile([
        csvRow(cqcIdOf.rowan!, fullReturn),
        csvRow(cqcIdOf.elm!, fullReturn),
        csvRow('1-999999999', fullReturn),
        csvRow(chain[0]!.cqcLocationId, fullReturn),
      ]),
    )
    expect(response.statusCode).toBe(400)
    expect(problemsIn(response.body)).toEqual(
      [3, 4, 5].map((row) => ({
        row,
        column: 'cqcLocationId',
        message: 'Location not found, or not one of yours',
      })),
    )
    expect(response.body).not.toContain('Elm Lodge')
    expect(await uploadedReturns()).toBe(before)

    // The same by CareHub's own location id.
    const byId = await upload(
      manager,
      'returns.csv',
      csvFile(
        [
          { locationId: ids.willow!, ...fullReturn },
          { locationId: ids.elm!, ...fullReturn },
        ],
        ['locationId', ...keys],
      ),
    )
    expect(problemsIn(byId.body)).toEqual([
      { row: 3, column: 'locationId', message: 'Location not found, or not one of yours' },
    ])
    expect(await uploadedReturns()).toBe(before)
  })

  it('reports a non-number, occupied beds over beds and a column that does not apply, by row and column', async () => {
    const manager = await signedIn('smallManager')
    const before = await uploadedReturns()
    const rows = [
      csvRow(cqcIdOf.rowan!, { ...fullReturn, staffEmployed: 'fifty' }),
      csvRow(cqcIdOf.willow!, { ...fullReturn, bedsOccupied: '45' }),
      csvRow(cqcIdOf.agency!, { ...homeCareReturn, bedsAvailable: '12' }),
    ]
    // An empty line in the middle still counts as a row, as a spreadsheet shows it.
    const text = csvFile(rows).toString().split('\n')
    text.splice(2, 0, '')
    const response = await upload(manager, 'returns.csv', Buffer.from(text.join('\n')))
    expect(response.statusCode).toBe(400)
    expect(problemsIn(response.body)).toEqual([
      { row: 2, column: 'staffEmployed', message: 'Staff employed must be a whole number' },
      { row: 4, column: 'bedsOccupied', message: 'Beds occupied cannot be more than the beds you can use' },
      {
        row: 5,
        column: 'bedsAvailable',
        message: 'bedsAvailable does not apply to a home care agency: leave it blank',
      },
    ])
    expect(await uploadedReturns()).toBe(before)
  })

  it('reads an XLSX upload the same way', async () => {
    const manager = await signedIn('smallManager')
    const before = await uploadedReturns()
    const xlsx = async (staffEmployed: unknown) => {
      const workbook = new ExcelJS.Workbook()
      const sheet = workbook.addWorksheet('Returns')
      sheet.addRow(header)
      for (const [key, values] of [
        ['rowan', { ...fullReturn, staffEmployed }],
        ['willow', fullReturn],
        ['agency', homeCareReturn],
      ] as const) {
        // Figures as numbers, as Excel keeps them; the period as a date cell.
        sheet.addRow(
          header.map((column) => {
            if (column === 'cqcLocationId') return cqcIdOf[key]
            if (column === 'periodStart') return key === 'willow' ? new Date(Date.UTC(2020, 3, 14)) : null
            const value = (values as Record<string, unknown>)[column]
            if (value === undefined || value === '') return null
            return typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value
          }),
        )
      }
      return Buffer.from(await workbook.xlsx.writeBuffer())
    }
    const refused = await upload(manager, 'returns.xlsx', await xlsx('about 50'))
    expect(refused.statusCode).toBe(400)
    expect(problemsIn(refused.body)).toEqual([
      { row: 2, column: 'staffEmployed', message: 'Staff employed must be a whole number' },
    ])
    expect(await uploadedReturns()).toBe(before)
    const saved = await upload(manager, 'returns.xlsx', await xlsx(50))
    expect(saved.statusCode).toBe(200)
    expect(load(saved.body)('.govuk-panel__title').text().trim()).toBe('3 returns saved')
    const agency = await t.database.db
      .selectFrom('situationReturns')
      .select(['periodStart', 'frequency', 'source', 'values'])
      .where('locationId', '=', ids.agency!)
      .executeTakeFirstOrThrow()
    expect(agency).toMatchObject({ periodStart: '2020-04-13', frequency: 'weekly', source: 'upload' })
    expect(agency.values).toMatchObject({ hoursDelivered: 900, ppeCanObtainMore: true, helpRequested: 'ppe' })
  })

  it('leaves out rows with no figures, checks the header, and lets an officer upload on a provider’s behalf', async () => {
    const officer = await signedIn('officer')
    const template = parse((await officer.get('/returns/upload/template.csv')).body, {
      bom: true,
      columns: true,
    }) as Record<string, string>[]
    expect(template.length).toBe(504)
    const unknownColumn = await upload(
      officer,
      'returns.csv',
      csvFile([csvRow(cqcIdOf.elm!, { ...fullReturn, beds: '3' })], [...header, 'beds']),
    )
    expect(problemsIn(unknownColumn.body)).toEqual([
      { row: 1, column: 'beds', message: 'beds is not a column of the returns template. Check the heading' },
    ])
    const filled = template.map((r) => (r.cqcLocationId === cqcIdOf.elm ? { ...r, ...fullReturn } : r))
    const saved = await upload(officer, 'returns.csv', csvFile(filled))
    expect(saved.statusCode).toBe(200)
    const $ = load(saved.body)
    expect($('.govuk-panel__title').text().trim()).toBe('1 return saved')
    expect($('main').text()).toContain(
      '503 rows have no figures and were left out: rows 2 to 501, 503 to 505.',
    )
    const elm = await t.database.db
      .selectFrom('situationReturns')
      .innerJoin('users', 'users.id', 'situationReturns.submittedBy')
      .select(['situationReturns.source', 'users.email'])
      .where('locationId', '=', ids.elm!)
      .executeTakeFirstOrThrow()
    expect(elm).toEqual({ source: 'upload', email: emails.officer })
    const empty = await upload(officer, 'returns.csv', csvFile(template))
    expect(load(empty.body)('.govuk-error-summary').text()).toContain('The file has no figures in it')
    const wrongType = await upload(officer, 'returns.pdf', Buffer.from('%PDF-1.4'))
    expect(wrongType.statusCode).toBe(400)
    expect(load(wrongType.body)('#file-error').text()).toContain(
      'The file must be a CSV or an Excel workbook',
    )
    const tooLarge = await upload(officer, 'returns.csv', Buffer.alloc(11 * 1024 * 1024, 'a'))
    expect(tooLarge.statusCode).toBe(400)
    expect(load(tooLarge.body)('#file-error').text()).toContain('The file must be smaller than 10 MB')
    const noFile = await upload(officer, '', Buffer.alloc(0))
    expect(load(noFile.body)('#file-error').text()).toContain('Select a spreadsheet of returns')
  })

  it('refuses read-only roles', async () => {
    const viewer = await signedIn('viewer')
    expect((await viewer.get('/returns/upload')).statusCode).toBe(403)
    expect((await viewer.get('/returns/upload/template.csv')).statusCode).toBe(403)
    expect((await viewer.get('/returns/upload/template.xlsx')).statusCode).toBe(403)
    await viewer.get('/')
    const post = await viewer.postMultipart(
      '/returns/upload',
      {},
      { field: 'file', fileName: 'returns.csv', content: csvFile([csvRow(cqcIdOf.elm!, fullReturn)]) },
    )
    expect(post.statusCode).toBe(403)
  })
})
