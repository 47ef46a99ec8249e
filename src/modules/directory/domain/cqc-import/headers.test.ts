import { describe, expect, it } from 'vitest'
import { parseCqcDate } from './dates.ts'
import { checkHeaders, detectFormat, mapHeaders } from './headers.ts'

describe('CQC file headers', () => {
  it('finds columns whatever their order, case, spacing or byte-order mark', () => {
    const columns = mapHeaders(['\uFEFFCare  Homes BEDS ', ' location name', 'LOCATION ID', 'Service Types'])
    expect(columns.get('locationId')).toEqual({ index: 2, header: 'LOCATION ID' })
    expect(columns.get('name')).toEqual({ index: 1, header: 'location name' })
    expect(columns.get('beds')).toEqual({ index: 0, header: 'Care Homes BEDS' })
  })

  it('knows each export’s name for the same thing', () => {
    for (const header of ['CQC Location ID (for office use only)', 'Location ID', 'locationId']) {
      expect(mapHeaders([header]).has('locationId')).toBe(true)
    }
    for (const header of ['Care homes beds', 'numberOfBeds'])
      expect(mapHeaders([header]).has('beds')).toBe(true)
    for (const header of ['Location Local Authority', 'Local authority', 'localAuthority']) {
      expect(mapHeaders([header]).has('localAuthority')).toBe(true)
    }
    expect(mapHeaders(['Provider Name']).has('name')).toBe(false)
  })

  it('tells the formats apart by their columns', () => {
    const format = (...headers: string[]) => detectFormat(new Set(mapHeaders(headers).keys()))
    expect(format('Location ID', 'Location Name', 'Service Types', 'Care homes beds', 'Dormant')).toBe(
      'care-directory-with-filters',
    )
    expect(format('Name', 'CQC Location ID (for office use only)', 'Service types', 'Postcode')).toBe(
      'care-directory',
    )
    expect(format('locationId', 'name', 'gacServiceTypes', 'registrationStatus', 'careHome')).toBe(
      'cqc-api-jsonl',
    )
    expect(format('Name', 'Postcode')).toBeNull()
  })

  it('names exactly the missing columns and lists those found', () => {
    const { format, problem } = checkHeaders(['Name', 'Address 1', 'Postcode', 'Service types'])
    expect(format).toBeNull()
    expect(problem?.reason).toBe(
      'This does not look like a CQC directory file: it has no Location ID column. ' +
        'Columns found: Name, Address 1, Postcode, Service types.',
    )
    expect(problem?.value).toBe('Location ID')
    expect(checkHeaders(['Foo', 'Bar']).problem?.value).toBe('Location ID, Location Name, Service Types')
    expect(checkHeaders(['Location ID', 'Location Name', 'Service Types']).problem).toBeNull()
  })
})

describe('CQC dates', () => {
  it('reads ISO, UK day-first and the US-style exports', () => {
    expect(parseCqcDate('2011-02-01')).toBe('2011-02-01')
    expect(parseCqcDate('01/02/2011')).toBe('2011-02-01')
    expect(parseCqcDate('1/2/2011')).toBe('2011-02-01')
    expect(parseCqcDate('2024-05-17T00:00:00Z')).toBe('2024-05-17')
    // "with filters" writes its Publication Date month first, with a time.
    expect(parseCqcDate('6/26/2025 12:00:00 AM')).toBe('2025-06-26')
    expect(parseCqcDate('1/2/2025 12:00:00 AM')).toBe('2025-01-02')
  })

  it('refuses what is not a real date', () => {
    for (const text of ['31/02/2020', '2020-13-01', '6/26/2025', 'yesterday', '12345', '']) {
      expect([text, parseCqcDate(text)]).toEqual([text, null])
    }
  })
})
