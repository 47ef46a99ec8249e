import { describe, expect, it } from 'vitest'
import { reportingFilter, reportingPage, reportingStatus } from './reporting-list.ts'

const home = (name: string, status: 'missing' | 'late' | 'on-time', area: string | null = 'North') => ({
  name,
  status,
  area,
})

describe('who has reported, the list', () => {
  const locations = [
    home('Ash', 'on-time'),
    home('Beech', 'missing', 'South'),
    home('Cedar', 'late'),
    home('Damson', 'missing', null),
    home('Elm', 'on-time', 'South'),
    home('Fir', 'missing'),
  ]

  it('puts the missing first, then the late, then those on time, each in name order', () => {
    const { rows, total } = reportingPage(locations, { status: '', area: '' }, 1, 50)
    expect(rows.map((r) => r.name)).toEqual(['Beech', 'Damson', 'Fir', 'Cedar', 'Ash', 'Elm'])
    expect(total).toBe(6)
  })

  it('filters by status and by area, "Not set" meaning no area', () => {
    expect(reportingPage(locations, { status: 'missing', area: '' }, 1, 50).rows.map((r) => r.name)).toEqual([
      'Beech',
      'Damson',
      'Fir',
    ])
    expect(reportingPage(locations, { status: '', area: 'South' }, 1, 50).rows.map((r) => r.name)).toEqual([
      'Beech',
      'Elm',
    ])
    expect(
      reportingPage(locations, { status: 'missing', area: 'Not set' }, 1, 50).rows.map((r) => r.name),
    ).toEqual(['Damson'])
    expect(reportingPage(locations, { status: 'late', area: 'South' }, 1, 50).total).toBe(0)
  })

  it('pages through what matches, and past the end shows the last page', () => {
    const lastPage = { rows: [locations[0], locations[4]], total: 6, page: 2 }
    expect(reportingPage(locations, { status: '', area: '' }, 2, 4)).toEqual(lastPage)
    expect(reportingPage(locations, { status: '', area: '' }, 3, 4)).toEqual(lastPage)
    expect(reportingPage(locations, { status: 'late', area: 'South' }, 2, 4)).toEqual({
      rows: [],
      total: 0,
      page: 1,
    })
  })

  it('reads a filter from the query, anything unknown meaning all', () => {
    expect(reportingFilter({ status: 'late', area: ' South ' })).toEqual({ status: 'late', area: 'South' })
    expect(reportingFilter({ status: 'lost', area: ['x'] })).toEqual({ status: '', area: '' })
    expect(reportingFilter({})).toEqual({ status: '', area: '' })
  })

  it('counts any timing but on time as late, and no return as missing', () => {
    expect([reportingStatus(undefined), reportingStatus('on-time'), reportingStatus('late')]).toEqual([
      'missing',
      'on-time',
      'late',
    ])
  })
})
