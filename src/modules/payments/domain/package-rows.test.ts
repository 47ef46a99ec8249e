import { describe, expect, it } from 'vitest'
import {
  checkPackage,
  checkRows,
  type KnownLocation,
  type PackageInput,
  packageFields,
} from './package-rows.ts'

const home: KnownLocation = {
  locationId: 'l1',
  providerId: 'p1',
  serviceType: 'care_home_residential',
  inArea: true,
  contracted: true,
}
const find = (id: string) => (id === '1-101' ? home : undefined)
const input = (over: Partial<PackageInput>): PackageInput => ({
  reference: 'A-1',
  cqcLocationId: '1-101',
  funder: 'Council',
  beds: '12',
  weeklyRate: '650.00',
  hourlyRate: '',
  plannedHours: '',
  startsOn: '2020-01-01',
  endsOn: '',
  inArea: '',
  dischargePathway: '',
  ...over,
})

describe('a commissioned package as typed', () => {
  it('takes beds at a weekly rate, with the area from the location', () => {
    const checked = checkPackage(input({ startsOn: '19/03/2020', dischargePathway: 'Yes' }), find)
    expect(checked).toEqual({
      ok: true,
      value: expect.objectContaining({
        beds: 12,
        weeklyRatePence: 65_000,
        startsOn: '2020-03-19',
        inArea: true,
        dischargePathway: true,
      }),
    })
  })

  it('names the field of each mistake', () => {
    const checked = checkPackage(
      input({ weeklyRate: '-650', endsOn: '2019-12-31', cqcLocationId: '1-999', funder: 'Lottery' }),
      find,
    )
    expect(checked.ok ? {} : checked.errors).toEqual({
      cqcLocationId: 'No provider in your area has a location with the CQC ID 1-999',
      funder: 'Funder must be Council or NHS continuing healthcare',
      weeklyRate: 'Weekly rate must be more than £0',
      endsOn: 'End date must be the same as or after the start date',
    })
    const hours = checkPackage(
      input({ beds: '', weeklyRate: '', hourlyRate: '18.5p', plannedHours: '' }),
      find,
    )
    expect(hours.ok ? {} : hours.errors).toEqual({
      hourlyRate: 'Hourly rate must be an amount of money, like 18.50',
      plannedHours: 'Enter the planned hours a week, like 37.5',
    })
  })

  it('reports an upload’s problems by row and column, and a missing column on the header row', () => {
    const header = Object.values(packageFields)
    const rows = [
      { rowNumber: 2, cells: ['A-1', '1-101', 'Council', '12', '650', '', '', '2020-01-01', '', '', ''] },
      { rowNumber: 3, cells: ['A-2', '1-101', 'Council', 'ten', '650', '', '', '2020-01-01', '', '', ''] },
    ]
    const checked = checkRows(packageFields, header, rows, 1, (i) => checkPackage(i, find), ['reference'])
    expect(checked.rowNumbers).toEqual([2])
    expect(checked.problems).toEqual([
      { rowNumber: 3, column: 'D (Beds)', message: 'Beds must be a whole number, like 12' },
    ])
    const missing = checkRows(packageFields, ['Beds'], rows, 1, (i) => checkPackage(i, find), ['reference'])
    expect(missing.problems).toEqual([
      { rowNumber: 1, column: 'Reference', message: 'There is no Reference column' },
    ])
  })
})
