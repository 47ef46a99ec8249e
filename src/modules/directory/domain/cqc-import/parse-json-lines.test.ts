import { readFileSync } from 'node:fs'
import { parse } from 'csv-parse/sync'
import { stringify } from 'csv-stringify/sync'
import { describe, expect, it } from 'vitest'
import { isCareHome } from '../../../../domain/service-types.ts'
import { restrictToArea } from './area.ts'
import type { CqcLocation, ParsedRow } from './cqc-location.ts'
import { parseCqcFile } from './parse.ts'

const fixturePath = (name: string) => new URL(`../../../../../test/fixtures/cqc/${name}`, import.meta.url)
const fixture = (name: string) => readFileSync(fixturePath(name))

const withFiltersName = 'cqc_care_directory_with_filters_head_2025.csv'
const _directoryName = 'cqc_directory_head_2025.csv'
const oldhamName = 'cqc_api_oldham_locations_raw.jsonl'

const locationsOf = (rows: ParsedRow[]): CqcLocation[] =>
  rows.flatMap((r) => (r.outcome === 'location' ? [r.location] : []))
const byOutcome = <O extends ParsedRow['outcome']>(rows: ParsedRow[], outcome: O) =>
  rows.filter((r): r is Extract<ParsedRow, { outcome: O }> => r.outcome === outcome)

// The with-filters fixture as plain records, read here without the importer.
const _withFiltersRaw = () =>
  parse(fixture(withFiltersName), { columns: true, bom: true }) as Record<string, string>[]
const _withFiltersTable = () => parse(fixture(withFiltersName), { bom: true }) as string[][]

async function _parseCsv(table: string[][], fileName = 'test.csv') {
  return parseCqcFile({ fileName, content: Buffer.from(stringify(table)) })
}

describe('parseCqcFile: CQC API JSON lines (Oldham)', () => {
  const records = () =>
    fixture(oldhamName)
      .toString('utf8')
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l) as Record<string, unknown>)

  it('gives Oldham’s registered care homes and their beds as the records state', async () => {
    const parsed = await parseCqcFile({ fileName: oldhamName, content: fixture(oldhamName) })
    expect(parsed.format).toBe('cqc-api-jsonl')
    const rows = restrictToArea(parsed.rows, { localAuthorityName: 'Oldham Metropolitan Borough Council' })
    expect(byOutcome(rows, 'skip').filter((s) => s.reason.startsWith('Outside'))).toEqual([])
    expect(byOutcome(rows, 'error')).toEqual([])

    const registeredCareHomes = records().filter(
      (r) => r.careHome === 'Y' && r.registrationStatus === 'Registered',
    )
    const openCareHomes = locationsOf(rows).filter((l) => isCareHome(l.serviceType) && l.status === 'open')
    expect(new Set(openCareHomes.map((l) => l.cqcLocationId))).toEqual(
      new Set(registeredCareHomes.map((r) => r.locationId)),
    )
    const recordBeds = registeredCareHomes.reduce((sum, r) => sum + (r.numberOfBeds as number), 0)
    expect(openCareHomes.reduce((sum, l) => sum + (l.registeredBeds ?? 0), 0)).toBe(recordBeds)
    for (const home of openCareHomes) {
      const record = registeredCareHomes.find((r) => r.locationId === home.cqcLocationId)!
      expect(home.registeredBeds).toBe(record.numberOfBeds)
      const gac = (record.gacServiceTypes as { description: string }[]).map((s) => s.description)
      expect(home.serviceType).toBe(
        gac.includes('Care home service with nursing') ? 'care_home_nursing' : 'care_home_residential',
      )
    }
    console.log(
      `Oldham API: ${records().length} records, ${locationsOf(rows).length} adult social care locations ` +
        `(${locationsOf(rows).filter((l) => l.status === 'open').length} open), ${openCareHomes.length} registered ` +
        `care homes with ${recordBeds} beds`,
    )
  })

  it('closes deregistered locations from their deregistration date and reads the rest of the record', async () => {
    const parsed = await parseCqcFile({ fileName: oldhamName, content: fixture(oldhamName) })
    const byId = new Map(locationsOf(parsed.rows).map((l) => [l.cqcLocationId, l]))
    const deregistered = records().filter(
      (r) => r.registrationStatus === 'Deregistered' && byId.has(r.locationId as string),
    )
    expect(deregistered.length).toBeGreaterThan(50)
    for (const r of deregistered) {
      expect(byId.get(r.locationId as string)).toMatchObject({
        status: 'closed',
        registrationEnd: r.deregistrationDate,
        registrationStart: r.registrationDate,
      })
    }
    for (const l of byId.values()) if (l.status === 'open') expect(l.registrationEnd).toBeNull()
    expect(byId.get('1-10024040008')).toEqual({
      cqcLocationId: '1-10024040008',
      cqcProviderId: '1-9408305833',
      providerName: null,
      providerCompaniesHouseNumber: null,
      providerOwnership: null,
      name: 'Ebenezer Care Services',
      odsCode: 'VNHWE',
      addressLine1: 'S/C 2-5, Ivy Business Centre',
      addressLine2: 'Crown Street, Failsworth',
      town: 'Manchester',
      postcode: 'M35 9BG',
      localAuthorityName: 'Oldham',
      serviceType: 'home_care',
      registeredBeds: null,
      cqcRating: null,
      cqcRatingDate: null,
      registrationStart: '2021-03-31',
      registrationEnd: null,
      dormant: true,
      // The CQC's own date (issue 17, item 5), not the day of the import.
      dormancyStart: '2023-06-01',
      status: 'open',
    } satisfies CqcLocation)
    const rated = records().find(
      (r) =>
        byId.has(r.locationId as string) &&
        (r.currentRatings as { overall?: { rating?: string; reportDate?: string } } | undefined)?.overall
          ?.reportDate,
    )!
    const overall = (r: Record<string, unknown>) =>
      (r.currentRatings as { overall: { rating: string; reportDate: string } }).overall
    expect(byId.get(rated.locationId as string)).toMatchObject({
      cqcRating: overall(rated).rating,
      cqcRatingDate: overall(rated).reportDate,
    })
  })

  it('sets aside dentists, doctors and hospitals, saying what they are, and provider records', async () => {
    const parsed = await parseCqcFile({ fileName: oldhamName, content: fixture(oldhamName) })
    const dentist = parsed.rows.find((r) => r.outcome === 'skip' && r.cqcLocationId === '1-1015412687')
    expect(dentist).toMatchObject({
      reason: 'Not an adult social care service (Dental service)',
      rowNumber: 2,
    })
    // A care home CQC lists under "Unspecified" (old, deregistered) is still a care home.
    const unspecifiedCareHomes = records().filter(
      (r) => r.inspectionDirectorate === 'Unspecified' && r.careHome === 'Y',
    )
    expect(unspecifiedCareHomes.length).toBeGreaterThan(0)
    for (const r of unspecifiedCareHomes) {
      expect(
        parsed.rows.find((p) => p.outcome === 'location' && p.location.cqcLocationId === r.locationId),
      ).toBeDefined()
    }
    const providers = await parseCqcFile({
      fileName: 'cqc_api_oldham_providers_raw.jsonl',
      content: fixture('cqc_api_oldham_providers_raw.jsonl'),
    })
    expect(
      providers.rows.every((r) => r.outcome === 'skip' && r.reason === 'A provider, not a location'),
    ).toBe(true)
  })

  it('reports a line that is not JSON, ignores blank lines and keeps line numbers', async () => {
    const lines = fixture(oldhamName).toString('utf8').split('\n').slice(0, 3)
    const content = Buffer.from(
      [lines[0], '', '{"locationId": "1-10024040008", "name": ', lines[2], ''].join('\n'),
    )
    const parsed = await parseCqcFile({ fileName: 'oldham.jsonl', content })
    expect(parsed.rows.map((r) => [r.rowNumber, r.outcome])).toEqual([
      [1, 'location'],
      [3, 'error'],
      [4, 'location'],
    ])
    expect(parsed.rows[1]).toMatchObject({ problems: [{ rowNumber: 3, reason: 'Line is not valid JSON' }] })
  })
})
