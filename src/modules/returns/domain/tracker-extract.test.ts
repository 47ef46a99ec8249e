import { describe, expect, it } from 'vitest'
import { countOutcomes, sameFigures, trackerShape } from './tracker-extract.ts'

describe('the capacity tracker’s extract shapes', () => {
  it('tells the care home, home care and combined extracts apart by their columns', () => {
    expect(trackerShape(['cqcid', 'location', 'lastupdatedbst', 'maxcapacity', 'usedbeds'])).toEqual({
      shape: 'care-homes',
    })
    expect(trackerShape(['CQCID', 'cqcsurveylastupdatedbst', 'serviceusercount'])).toEqual({
      shape: 'home-care',
    })
    expect(trackerShape(['cqcid', 'Used Beds', 'serviceusercount'])).toEqual({ shape: 'combined' })
  })

  it('refuses a file with no CQC ID column, or none of the figures', () => {
    expect(trackerShape(['name', 'beds'])).toEqual({ problem: expect.stringContaining('no cqcid column') })
    expect(trackerShape(['cqcid', 'location'])).toEqual({
      problem: expect.stringContaining('none of the capacity tracker’s figure columns'),
    })
  })

  it('counts each outcome', () => {
    const counts = countOutcomes([
      { rowNumber: 2, cqcLocationId: '1-1', outcome: 'matched' },
      { rowNumber: 3, cqcLocationId: '1-2', outcome: 'other-council' },
      { rowNumber: 4, cqcLocationId: '1-3', outcome: 'matched' },
    ])
    expect(counts).toMatchObject({ rows: 3, matched: 2, 'other-council': 1, invalid: 0 })
  })

  it('compares only the figures a row gives with those held', () => {
    expect(sameFigures({ bedsOccupied: 30, ppeDaysGloves: null }, { bedsOccupied: 30 })).toBe(true)
    expect(sameFigures({ bedsOccupied: 30 }, { bedsOccupied: 29, staffEmployed: 4 })).toBe(false)
    expect(sameFigures({ bedsOccupied: 30 }, null)).toBe(false)
  })
})
