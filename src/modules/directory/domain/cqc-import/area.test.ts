import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import {
  councilAnswersTo,
  localAuthorityKey,
  onsCodesOf,
  restrictToArea,
  sameLocalAuthority,
} from './area.ts'
import type { CqcLocation, ParsedRow } from './cqc-location.ts'
import { localAuthorityNames } from './local-authority-names.ts'
import { parseCqcFile } from './parse.ts'

const fixtures = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../../../../test/fixtures/cqc',
)

const location = (cqcLocationId: string, localAuthorityName: string | null): CqcLocation => ({
  cqcLocationId,
  cqcProviderId: null,
  providerName: null,
  providerCompaniesHouseNumber: null,
  providerOwnership: null,
  name: `Home ${cqcLocationId}`,
  odsCode: null,
  addressLine1: null,
  addressLine2: null,
  town: null,
  postcode: null,
  localAuthorityName,
  serviceType: 'care_home_residential',
  registeredBeds: 20,
  cqcRating: null,
  cqcRatingDate: null,
  registrationStart: null,
  registrationEnd: null,
  dormant: false,
  dormancyStart: null,
  status: 'open',
})

describe('sameLocalAuthority', () => {
  it('matches a council however it is written', () => {
    const same: [string, string][] = [
      ['Oldham', 'Oldham Metropolitan Borough Council'],
      ['Oldham', 'Oldham Council'],
      ['oldham  ', ' OLDHAM'],
      ['Bristol, City of', 'Bristol City Council'],
      ['Bristol', 'City of Bristol'],
      ['Kingston upon Hull, City of', 'Kingston upon Hull'],
      ['Herefordshire, County of', 'Herefordshire Council'],
      ['County Durham', 'Durham County Council'],
      ['Windsor and Maidenhead', 'Royal Borough of Windsor & Maidenhead'],
      ['Brighton and Hove', 'Brighton & Hove City Council'],
      ['Barking and Dagenham', 'London Borough of Barking and Dagenham'],
      ['Bedford Borough', 'Bedford'],
      ['St. Helens', 'St Helens Borough Council'],
      ['Stockton-on-Tees', 'Stockton on Tees Borough Council'],
      ['Westminster', 'City of Westminster'],
      ['Kent', 'Kent County Council'],
    ]
    for (const [a, b] of same) expect([a, b, sameLocalAuthority(a, b)]).toEqual([a, b, true])
  })

  it('keeps different councils apart', () => {
    const different: [string | null, string | null][] = [
      ['Oldham', 'Rochdale'],
      ['North Tyneside', 'South Tyneside'],
      ['Kingston upon Thames', 'Kingston upon Hull, City of'],
      ['Leicester', 'Leicestershire'],
      ['Oldham', ''],
      [null, 'Oldham'],
      ['Council', 'County Council'],
    ]
    for (const [a, b] of different) expect([a, b, sameLocalAuthority(a, b)]).toEqual([a, b, false])
  })

  // Issue 17: --area "Hull City Council" matched none of CQC's "Kingston upon Hull" rows.
  it('knows the names a council goes by beside its official one', () => {
    for (const [a, b] of [
      ['Hull City Council', 'Kingston upon Hull'],
      ['Hull', 'Kingston upon Hull, City of'],
      ['BCP Council', 'Bournemouth, Christchurch and Poole'],
      ['Stoke', 'Stoke-on-Trent City Council'],
      ['Newcastle City Council', 'Newcastle upon Tyne'],
    ])
      expect([a, b, sameLocalAuthority(a!, b!)]).toEqual([a, b, true])
    expect(sameLocalAuthority('Hull City Council', 'Kingston upon Thames')).toBe(false)
    expect(sameLocalAuthority('Newcastle City Council', 'Newcastle-under-Lyme')).toBe(false)
  })

  it('gives each name one council, but for those made unitary since 2020 under the same name', () => {
    const twoCodes = new Set<string>()
    for (const [, ...names] of localAuthorityNames)
      for (const name of names) if (onsCodesOf(name).size > 1) twoCodes.add(localAuthorityKey(name))
    expect([...twoCodes].sort()).toEqual(['north yorkshire', 'somerset'])
    expect(localAuthorityNames.filter(([code]) => /^E(06|08|09|10)\d{6}$/.test(code))).toHaveLength(
      localAuthorityNames.length,
    )
  })

  it('matches a council here by its ONS code whatever it is called', () => {
    const hull = { name: 'Hull Adult Social Care', onsCode: 'E06000010' }
    expect(councilAnswersTo(hull, 'Kingston upon Hull')).toBe(true)
    expect(councilAnswersTo(hull, 'East Riding of Yorkshire')).toBe(false)
    expect(councilAnswersTo({ name: 'Oldham Council', onsCode: null }, 'Oldham')).toBe(true)
  })

  it('keeps the Kingston upon Hull rows of the real CQC file for "Hull City Council"', async () => {
    const fileName = 'cqc_care_directory_with_filters_head_2025.csv'
    const parsed = await parseCqcFile({ fileName, content: fs.readFileSync(path.join(fixtures, fileName)) })
    const inHull = parsed.rows.filter(
      (r) => r.outcome === 'location' && r.location.localAuthorityName === 'Kingston upon Hull',
    )
    expect(inHull.length).toBeGreaterThan(0)
    const kept = restrictToArea(parsed.rows, { localAuthorityName: 'Hull City Council' }).filter(
      (r) => r.outcome === 'location',
    )
    expect(kept.map((r) => r.rowNumber)).toEqual(inHull.map((r) => r.rowNumber))
  })
})

describe('restrictToArea', () => {
  const rows: ParsedRow[] = [
    { rowNumber: 2, outcome: 'location', location: location('1-100000001', 'Oldham') },
    { rowNumber: 3, outcome: 'location', location: location('1-100000002', 'Rochdale') },
    { rowNumber: 4, outcome: 'location', location: location('1-100000003', null) },
    {
      rowNumber: 5,
      outcome: 'skip',
      cqcLocationId: '1-100000004',
      name: 'Dental',
      reason: 'Not an adult social care service (Dental service)',
    },
    { rowNumber: 6, outcome: 'error', cqcLocationId: 'X', problems: [], localAuthorityName: 'Rochdale' },
    { rowNumber: 7, outcome: 'error', cqcLocationId: 'Y', problems: [], localAuthorityName: 'Oldham' },
    { rowNumber: 8, outcome: 'error', cqcLocationId: 'Z', problems: [] },
  ]

  it('sets aside what is outside the area, saying so', () => {
    const restricted = restrictToArea(rows, { localAuthorityName: 'Oldham Council' })
    expect(restricted.map((r) => [r.rowNumber, r.outcome, r.outcome === 'skip' ? r.reason : null])).toEqual([
      [2, 'location', null],
      [3, 'skip', 'Outside Oldham Council'],
      [4, 'skip', 'Outside Oldham Council'],
      [5, 'skip', 'Not an adult social care service (Dental service)'],
      [6, 'skip', 'Outside Oldham Council'],
      [7, 'error', null],
      [8, 'error', null],
    ])
    expect(restricted[1]).toEqual({
      rowNumber: 3,
      outcome: 'skip',
      cqcLocationId: '1-100000002',
      name: 'Home 1-100000002',
      reason: 'Outside Oldham Council',
    })
  })

  it('leaves everything as it is without an area', () => {
    expect(restrictToArea(rows, null)).toBe(rows)
  })
})
