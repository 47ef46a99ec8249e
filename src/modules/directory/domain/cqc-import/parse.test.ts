import { readFileSync } from 'node:fs'
import { parse } from 'csv-parse/sync'
import { stringify } from 'csv-stringify/sync'
import ExcelJS from 'exceljs'
import { describe, expect, it } from 'vitest'
import { isCareHome, type ServiceType } from '../../../../domain/service-types.ts'
import type { CqcLocation, ParsedRow } from './cqc-location.ts'
import { parseCqcFile } from './parse.ts'

const fixturePath = (name: string) => new URL(`../../../../../test/fixtures/cqc/${name}`, import.meta.url)
const fixture = (name: string) => readFileSync(fixturePath(name))

const withFiltersName = 'cqc_care_directory_with_filters_head_2025.csv'
const directoryName = 'cqc_directory_head_2025.csv'
const _oldhamName = 'cqc_api_oldham_locations_raw.jsonl'

const locationsOf = (rows: ParsedRow[]): CqcLocation[] =>
  rows.flatMap((r) => (r.outcome === 'location' ? [r.location] : []))
const byOutcome = <O extends ParsedRow['outcome']>(rows: ParsedRow[], outcome: O) =>
  rows.filter((r): r is Extract<ParsedRow, { outcome: O }> => r.outcome === outcome)

// The with-filters fixture as plain records, read here without the importer.
const withFiltersRaw = () =>
  parse(fixture(withFiltersName), { columns: true, bom: true }) as Record<string, string>[]
const withFiltersTable = () => parse(fixture(withFiltersName), { bom: true }) as string[][]

async function parseCsv(table: string[][], fileName = 'test.csv') {
  return parseCqcFile({ fileName, content: Buffer.from(stringify(table)) })
}

describe('parseCqcFile: care directory with filters', () => {
  it('imports every adult social care location and sets the rest aside', async () => {
    const started = performance.now()
    const parsed = await parseCqcFile({ fileName: withFiltersName, content: fixture(withFiltersName) })
    const elapsed = performance.now() - started
    expect(parsed.format).toBe('care-directory-with-filters')
    expect(parsed.fileProblems).toEqual([])

    // Independently: CQC's primary inspection category, or for the few rows without one, the service types.
    const raw = withFiltersRaw()
    const adultSocialCareCategories = new Set([
      'Residential social care',
      'Community based adult social care services',
    ])
    const isAdultSocialCare = (r: Record<string, string>) =>
      adultSocialCareCategories.has(r['Primary inspection category']!) ||
      (r['Primary inspection category'] === '' &&
        /care home|domiciliary|supported living|extra care|shared lives/i.test(r['Service Types']!))
    const expectedIds = new Set(raw.filter(isAdultSocialCare).map((r) => r['Location ID']))

    const locations = locationsOf(parsed.rows)
    expect(locations.length).toBe(expectedIds.size)
    expect(new Set(locations.map((l) => l.cqcLocationId))).toEqual(expectedIds)

    const skipped = byOutcome(parsed.rows, 'skip')
    expect(skipped.length).toBe(raw.length - expectedIds.size)
    for (const s of skipped) expect(s.reason).toMatch(/^Not an adult social care service \(.+\)$/)
    expect(byOutcome(parsed.rows, 'error')).toEqual([])

    // Beds: the file's own "Care homes beds" over its care homes.
    const careHomeRows = raw
      .filter(isAdultSocialCare)
      .filter((r) => /Care home service/.test(r['Service Types']!))
    const fileBeds = careHomeRows.reduce((sum, r) => sum + Number(r['Care homes beds']), 0)
    const careHomes = locations.filter((l) => isCareHome(l.serviceType))
    const importedBeds = careHomes.reduce((sum, l) => sum + (l.registeredBeds ?? 0), 0)
    expect(careHomes.length).toBe(careHomeRows.length)
    expect(importedBeds).toBe(fileBeds)
    for (const l of locations) if (!isCareHome(l.serviceType)) expect(l.registeredBeds).toBeNull()

    console.log(
      `with filters: ${raw.length} rows, ${locations.length} locations, ${skipped.length} skipped ` +
        `(${[...new Set(skipped.map((s) => s.reason))].join('; ')}), ${careHomes.length} care homes with ` +
        `${importedBeds} beds, parsed in ${Math.round(elapsed)} ms`,
    )
    // (Its speed is the benchmark's to measure, not a test's: a timed test fails on a busy machine.)
  })

  it('tidies names and reads the provider, rating, dates and dormancy', async () => {
    const parsed = await parseCqcFile({ fileName: withFiltersName, content: fixture(withFiltersName) })
    const byId = new Map(locationsOf(parsed.rows).map((l) => [l.cqcLocationId, l]))
    expect(byId.get('1-21268168552')).toEqual({
      cqcLocationId: '1-21268168552',
      cqcProviderId: '1-18392978582',
      providerName: 'AbilityAvenue Care Ltd',
      providerCompaniesHouseNumber: '14501286',
      providerOwnership: 'Organisation',
      name: 'AbilityAvenue Care',
      odsCode: null,
      addressLine1: null,
      addressLine2: null,
      town: null,
      postcode: null,
      localAuthorityName: 'Dorset',
      serviceType: 'supported_living',
      registeredBeds: null,
      cqcRating: null,
      cqcRatingDate: null,
      registrationStart: '2025-01-02',
      registrationEnd: null,
      dormant: true,
      dormancyStart: null,
      status: 'open',
    } satisfies CqcLocation)
    // An NHS trust's care home is registered under its ODS site code.
    expect(byId.get('RX3LD')).toMatchObject({
      serviceType: 'care_home_nursing',
      registeredBeds: 5,
      cqcRating: 'Good',
    })
    // Trailing spaces and Excel's lost leading zero on Companies House numbers.
    expect(byId.get('1-22940471514')?.providerCompaniesHouseNumber).toBe('15756430')
    const raw = withFiltersRaw()
    const sevenDigits = raw.find((r) => /^\d{7}$/.test(r['Provider Companies House Number']!))!
    expect(byId.get(sevenDigits['Location ID']!)?.providerCompaniesHouseNumber).toBe(
      `0${sevenDigits['Provider Companies House Number']}`,
    )
    // Ratings come in two casings.
    const ratings = new Set(locationsOf(parsed.rows).map((l) => l.cqcRating))
    expect(ratings).toEqual(
      new Set([null, 'Good', 'Requires improvement', 'Outstanding', 'Inadequate', 'Inspected but not rated']),
    )
    for (const l of locationsOf(parsed.rows)) {
      expect(l.name).toBe(l.name.trim())
      expect(l.registrationStart).toMatch(/^\d{4}-\d{2}-\d{2}$/)
      expect(l.status).toBe('open')
    }
    const dormantIds = raw.filter((r) => r.Dormant === 'Y').map((r) => r['Location ID'])
    expect(
      locationsOf(parsed.rows)
        .filter((l) => l.dormant)
        .map((l) => l.cqcLocationId),
    ).toEqual(dormantIds.filter((id) => byId.has(id!)))
  })

  it('closes a location with an HSCA end date, in either date format', async () => {
    const [header, ...rows] = withFiltersTable()
    const end = header!.indexOf('Location HSCA end date')
    const start = header!.indexOf('Location HSCA start date')
    const a = [...rows[0]!]
    const b = [...rows[1]!]
    a[end] = '01/02/2025'
    b[end] = '2025-02-01'
    b[start] = '05/03/2011'
    const parsed = await parseCsv([header!, a, b])
    const [first, second] = locationsOf(parsed.rows)
    expect(first).toMatchObject({ status: 'closed', registrationEnd: '2025-02-01' })
    expect(second).toMatchObject({
      status: 'closed',
      registrationEnd: '2025-02-01',
      registrationStart: '2011-03-05',
    })
  })
})

describe('parseCqcFile: care directory', () => {
  const intended: Record<string, ServiceType> = {
    'Nursing homes': 'care_home_nursing',
    'Residential homes': 'care_home_residential',
    'Supported housing': 'extra_care',
    'Supported living': 'supported_living',
    'Homecare agencies': 'home_care',
  }
  const precedence: ServiceType[] = [
    'care_home_nursing',
    'care_home_residential',
    'extra_care',
    'supported_living',
    'home_care',
  ]

  it('reads every row as a location or a skip with a reason, and maps the service types as intended', async () => {
    const parsed = await parseCqcFile({ fileName: directoryName, content: fixture(directoryName) })
    expect(parsed.format).toBe('care-directory')
    expect(parsed.fileProblems).toEqual([])
    const raw = parse(fixture(directoryName), { columns: true, bom: true }) as Record<string, string>[]
    expect(parsed.rows.length).toBe(raw.length)

    // The one error is real: the file lists Inn Care's Bristol office twice, on rows 435 and 436.
    expect(byOutcome(parsed.rows, 'error')).toEqual([
      expect.objectContaining({
        rowNumber: 436,
        cqcLocationId: '1-19666812212',
        problems: [
          expect.objectContaining({
            column: 'CQC Location ID (for office use only)',
            reason: 'Location ID 1-19666812212 appears more than once in this file (first on row 435)',
          }),
        ],
      }),
    ])

    let locations = 0
    raw.forEach((r, i) => {
      const row = parsed.rows[i]!
      expect(row.rowNumber).toBe(i + 2)
      const ours = r['Service types']!.split(',').flatMap((v) => (intended[v] ? [intended[v]] : []))
      const expected = precedence.find((t) => ours.includes(t))
      if (row.outcome === 'location') {
        locations++
        expect([row.rowNumber, row.location.serviceType]).toEqual([row.rowNumber, expected])
        expect(row.location.name).toBe(r.Name!.trim())
        expect(row.location.postcode).toBe(r.Postcode)
        expect(row.location.cqcProviderId).toBe(r['CQC Provider ID (for office use only)'])
        expect(row.location.providerName).toBe(r['Provider name'])
        expect(row.location.registeredBeds).toBeNull()
      } else if (row.outcome === 'skip') {
        if (r['CQC Location ID (for office use only)'] === '')
          expect(row.reason).toBe('A provider, not a location')
        else {
          expect(expected).toBeUndefined()
          expect(row.reason).toMatch(/^Not an adult social care service \(.+\)$/)
        }
      }
    })
    console.log(
      `care directory: ${raw.length} rows, ${locations} locations, ` +
        `${byOutcome(parsed.rows, 'skip').filter((s) => s.reason.startsWith('Not')).length} not adult social care, ` +
        `${byOutcome(parsed.rows, 'skip').filter((s) => s.reason.startsWith('A provider')).length} provider rows, 1 repeated`,
    )
  })
})

describe('parseCqcFile: problems with the file and its rows', () => {
  it('names the missing columns of a file with the wrong column set', async () => {
    const [header, ...rows] = withFiltersTable()
    const keep = header!
      .map((_, i) => i)
      .filter((i) => !['Location ID', 'Location Name'].includes(header![i]!))
    const parsed = await parseCsv([header!, ...rows.slice(0, 3)].map((r) => keep.map((i) => r[i]!)))
    expect(parsed.format).toBeNull()
    expect(parsed.rows).toEqual([])
    expect(parsed.fileProblems).toHaveLength(1)
    const [problem] = parsed.fileProblems
    expect(problem!.reason).toContain('it has no Location ID or Location Name column')
    expect(problem!.reason).toContain('Columns found: Comments within last month')
    expect(problem!.reason).toContain('Care homes beds')
    expect(problem!.value).toBe('Location ID, Location Name')
  })

  it('reports each faulty row with its row number, column and reason', async () => {
    const [header, ...rows] = withFiltersTable()
    const col = (name: string) => header!.indexOf(name)
    const careHomes = rows.filter((r) => r[col('Service Types')] === 'Care home service without nursing')
    const edit = (row: string[], name: string, value: string) => {
      const copy = [...row]
      copy[col(name)] = value
      return copy
    }
    const table = [
      header!,
      careHomes[0]!, // row 2
      edit(careHomes[1]!, 'Location ID', '1-12AB'), // row 3
      edit(careHomes[2]!, 'Care homes beds', 'ten'), // row 4
      edit(careHomes[3]!, 'Care homes beds', '-3'), // row 5
      edit(careHomes[4]!, 'Location HSCA start date', '31/02/2020'), // row 6
      edit(careHomes[5]!, 'Location Name', '   '), // row 7
      careHomes[0]!, // row 8: the same location again
    ]
    const parsed = await parseCsv(table)
    expect(parsed.rows.map((r) => r.outcome)).toEqual(['location', ...Array(6).fill('error')])
    const problemsOn = (rowNumber: number) => {
      const row = parsed.rows.find((r) => r.rowNumber === rowNumber)
      return row?.outcome === 'error' ? row.problems : []
    }
    expect(problemsOn(3)).toEqual([
      expect.objectContaining({
        rowNumber: 3,
        column: 'Location ID',
        reason: 'Location ID must look like 1-123456789 (or an NHS site code such as RX3LD)',
        value: '1-12AB',
      }),
    ])
    expect(problemsOn(4)).toEqual([
      expect.objectContaining({
        rowNumber: 4,
        column: 'Care homes beds',
        reason: 'Care homes beds must be a whole number from 0 to 10,000',
        value: 'ten',
      }),
    ])
    expect(problemsOn(5)).toEqual([
      expect.objectContaining({ rowNumber: 5, column: 'Care homes beds', value: '-3' }),
    ])
    expect(problemsOn(6)).toEqual([
      expect.objectContaining({
        rowNumber: 6,
        column: 'Location HSCA start date',
        reason: 'Location HSCA start date is not a date CareHub recognises (use dd/mm/yyyy or yyyy-mm-dd)',
      }),
    ])
    expect(problemsOn(7)).toEqual([
      expect.objectContaining({ rowNumber: 7, column: 'Location Name', reason: 'Location name is missing' }),
    ])
    const id = careHomes[0]![col('Location ID')]
    expect(problemsOn(8)).toEqual([
      expect.objectContaining({
        rowNumber: 8,
        column: 'Location ID',
        reason: `Location ID ${id} appears more than once in this file (first on row 2)`,
      }),
    ])
  })

  it('reports a row with the wrong number of fields instead of failing', async () => {
    const header = 'Location ID,Location Name,Service Types,Care homes beds'
    const content = Buffer.from(
      `${header}\n1-123456789,One,Care home service with nursing,20\n1-123456780,Two,Care home service with nursing\n\n1-123456781,Three,Domiciliary care service,0\n`,
    )
    const parsed = await parseCqcFile({ fileName: 'short.csv', content })
    expect(parsed.rows.map((r) => [r.rowNumber, r.outcome])).toEqual([
      [2, 'location'],
      [3, 'error'],
      [5, 'location'],
    ])
    expect(parsed.rows[1]).toMatchObject({
      problems: [{ reason: 'This row has 3 fields but the header row has 4' }],
    })
  })

  it('reads headers in any order and case, with spaces and a byte-order mark', async () => {
    const [header, ...rows] = withFiltersTable()
    const sample = rows.slice(0, 20)
    const plain = await parseCsv([header!, ...sample])
    const order = header!.map((_, i) => i).reverse()
    const messy = [header!.map((h) => `  ${h.toUpperCase().replace(/ /g, '  ')} `), ...sample].map((r) =>
      order.map((i) => r[i]!),
    )
    const content = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(stringify(messy))])
    const reordered = await parseCqcFile({ fileName: 'Messy.CSV', content })
    expect(reordered.format).toBe('care-directory-with-filters')
    expect(reordered.rows).toEqual(plain.rows)
  })

  it('turns away a file of another kind', async () => {
    const parsed = await parseCqcFile({ fileName: 'report.pdf', content: Buffer.from('%PDF') })
    expect(parsed).toEqual({
      format: null,
      rows: [],
      fileProblems: [expect.objectContaining({ reason: expect.stringContaining('.csv, .xlsx or .jsonl') })],
    })
  })
})

describe('parseCqcFile: Excel', () => {
  it('reads an .xlsx made from fixture rows to the same locations as the CSV rows', async () => {
    const [header, ...rows] = withFiltersTable()
    const sample = [...rows.slice(0, 12), rows.find((r) => r[1] === 'RX3LD')!]
    const fromCsv = await parseCsv([header!, ...sample])

    const numeric = new Set(['Care homes beds'])
    const dated = new Set(['Location HSCA start date'])
    const workbook = new ExcelJS.Workbook()
    const sheet = workbook.addWorksheet('Locations')
    sheet.addRow(header!)
    for (const row of sample) {
      sheet.addRow(
        row.map((value, i) => {
          const name = header![i]!
          if (numeric.has(name) && value !== '') return Number(value)
          if (dated.has(name) && value !== '') return new Date(`${value}T00:00:00Z`)
          return value
        }),
      )
    }
    const content = Buffer.from(await workbook.xlsx.writeBuffer())
    const fromXlsx = await parseCqcFile({ fileName: 'locations.xlsx', content })
    expect(fromXlsx.format).toBe('care-directory-with-filters')
    expect(fromXlsx.fileProblems).toEqual([])
    expect(fromXlsx.rows).toEqual(fromCsv.rows)
    expect(locationsOf(fromXlsx.rows).length).toBe(13)
  })
})
