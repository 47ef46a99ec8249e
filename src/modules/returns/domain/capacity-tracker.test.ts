import { describe, expect, it } from 'vitest'
import { defaultTrackerMapping, mapTrackerRow, trackerDate } from './capacity-tracker.ts'

describe('capacity tracker extracts', () => {
  it('maps the tracker’s own columns to our fields, adding staff groups and turning admissions round', () => {
    const row = mapTrackerRow(
      defaultTrackerMapping,
      {
        CQCID: '1-123456789',
        lastupdatedbst: '14/04/2020 09:12',
        maxcapacity: '40',
        usedbeds: '36',
        isacceptingadmissions: 'No',
        careworkersemployed: '30',
        nursesemployed: '8',
        noncareworkersemployed: '10',
        careworkersabsentcovid: '4',
        nursesabsentcovid: '1',
        noncareworkersabsentcovid: '',
        overallstatus: 'Amber',
      },
      2,
    )
    expect(row.problems).toEqual([])
    expect(row.cqcLocationId).toBe('1-123456789')
    expect(row.date).toBe('2020-04-14')
    expect(row.raw).toEqual({
      bedsAvailable: '40',
      bedsOccupied: '36',
      closedToAdmissions: 'yes',
      staffEmployed: '48',
      staffAbsentCovid: '5',
    })
  })

  it('reports bad cells by column', () => {
    const row = mapTrackerRow(
      defaultTrackerMapping,
      { cqcid: '', usedbeds: 'many', isacceptingadmissions: 'perhaps' },
      7,
    )
    expect(row.problems.map((p) => p.column).sort()).toEqual(['cqcid', 'isacceptingadmissions', 'usedbeds'])
    expect(trackerDate('2020-04-14T09:00:00Z')).toBe('2020-04-14')
    expect(trackerDate('yesterday')).toBeNull()
  })
})

describe('the capacity tracker’s own status', () => {
  it('reads red, amber or green from the first status column present, and refuses anything else', () => {
    const read = (row: Record<string, string>) =>
      mapTrackerRow(defaultTrackerMapping, { cqcid: '1-1', ...row }, 2)
    expect(read({ overallstatus: 'Red' }).status).toBe('red')
    expect(read({ ragstatus: 'G' }).status).toBe('green')
    expect(read({ overallstatus: '', ragstatus: 'amber' }).status).toBe('amber')
    expect(read({}).status).toBeNull()
    const bad = read({ overallstatus: 'purple' })
    expect(bad.status).toBeNull()
    expect(bad.problems).toEqual([
      { column: 'overallstatus', reason: 'overallstatus must be red, amber or green' },
    ])
  })
})

// Issue 17, item 3: the home care extract, with the tracker's real column names (test/fixtures is not
// needed: the names come from the tracker's published field list), and rows that fill nothing.
describe('the capacity tracker’s home care extract', () => {
  it('fills people supported, staff and new packages, dated by its own survey column', () => {
    const row = mapTrackerRow(
      defaultTrackerMapping,
      {
        cqcid: '1-987654321',
        cqcsurveylastupdatedbst: '2020-05-06 10:00',
        serviceusercount: '212',
        cqccareworkersemployed: '64',
        cqccareworkersabsent: '9',
        canprovidermorehours: 'Yes',
        hourspaiddomcare: '5120',
      },
      3,
    )
    expect(row.problems).toEqual([])
    expect(row.date).toBe('2020-05-06')
    expect(row.raw).toEqual({ peopleSupported: '212', staffEmployed: '64', capacityForNewPackages: 'yes' })
  })

  it('reports a row that fills none of the return’s fields instead of saving an empty return', () => {
    const row = mapTrackerRow(defaultTrackerMapping, { cqcid: '1-987654321', covidnotes: 'none' }, 4)
    expect(row.problems).toHaveLength(1)
    expect(row.problems[0]!.reason).toMatch(/^The row for 1-987654321 has none of the figures CareHub reads/)
    // The tracker's status alone is still read (a red flag), with no problem.
    expect(mapTrackerRow(defaultTrackerMapping, { cqcid: '1-1', overallstatus: 'Red' }, 5).problems).toEqual(
      [],
    )
  })
})
