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
