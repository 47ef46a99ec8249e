import { describe, expect, it } from 'vitest'
import { restrictToArea, sameLocalAuthority } from './area.ts'
import type { CqcLocation, ParsedRow } from './cqc-location.ts'

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
