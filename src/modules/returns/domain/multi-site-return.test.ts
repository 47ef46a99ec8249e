import { describe, expect, it } from 'vitest'
import { rowReturn, shownValue, siteFields } from './multi-site-return.ts'

describe('one row of today’s returns for many locations', () => {
  it('gives each column the field a location’s return asks, or none', () => {
    const home = siteFields('care_home_residential').map(({ column, field }) => [
      column.key,
      field?.key ?? null,
    ])
    expect(home).toContainEqual(['people', 'residents'])
    expect(home).toContainEqual(['bedsOccupied', 'bedsOccupied'])
    const agency = siteFields('home_care').map(({ column, field }) => [column.key, field?.key ?? null])
    expect(agency).toContainEqual(['people', 'peopleSupported'])
    expect(agency).toContainEqual(['bedsOccupied', null])
    expect(agency).toContainEqual(['closedToAdmissions', null])
  })

  it('is the last return carried forward, the tracker’s figures over it, and what was typed over both', () => {
    const raw = rowReturn(
      'care_home_residential',
      { residents: 38, bedsAvailable: 40, bedsOccupied: 38, suspectedCasesResidents: 2, ppeDaysGloves: 10 },
      { bedsAvailable: 41, ppeDaysGloves: null },
      { residents: '36', bedsOccupied: '' },
    )
    expect(raw).toMatchObject({
      residents: '36',
      // Blank typed stays blank: the single form's check asks for it.
      bedsOccupied: '',
      bedsAvailable: 41,
      // The tracker gave no gloves figure: yesterday's stands.
      ppeDaysGloves: 10,
      // A count since the last return is not repeated.
      suspectedCasesResidents: 0,
    })
    // Only the fields the location's return asks.
    expect(raw).not.toHaveProperty('peopleSupported')
  })

  it('shows stored figures as the form does', () => {
    expect([shownValue(true), shownValue(false), shownValue(null), shownValue(12)]).toEqual([
      'yes',
      'no',
      '',
      '12',
    ])
  })
})
