import { describe, expect, it } from 'vitest'
import { computeRun } from './calculation.ts'
import { checkScheme, type SchemeInput } from './scheme-form.ts'
import type { CommissionedPackage, Scheme } from './schemes.ts'
import type { WeekOccupancy } from './void-beds.ts'

const block = (id: string, beds: number, over: Partial<CommissionedPackage> = {}): CommissionedPackage => ({
  id,
  reference: id,
  providerId: 'p1',
  locationId: 'home',
  serviceType: 'care_home_residential',
  funder: 'council',
  beds,
  weeklyRatePence: 70_000,
  hourlyRatePence: null,
  plannedHoursHundredths: null,
  startsOn: '2020-01-01',
  endsOn: null,
  inArea: true,
  dischargePathway: false,
  contracted: true,
  ...over,
})

const fromReturns: Scheme = {
  id: 'v',
  name: 'Void beds',
  kind: 'void_beds',
  startsOn: '2020-04-01',
  endsOn: '2020-04-30',
  percentBasisPoints: null,
  averageWeeks: null,
  amountPence: null,
  voidBedsFrom: 'returns',
  eligibility: { serviceTypes: [], contractedOnly: true, area: 'any', funder: 'any' },
}

const week = (weekStarting: string, returnPeriod: string, available: number, occupied: number) => ({
  locationId: 'home',
  weekStarting,
  returnPeriod,
  bedsAvailable: available,
  bedsOccupied: occupied,
})

describe('void beds from the returns’ occupancy', () => {
  it('gives a home’s vacant beds to its block packages in order of reference, each at most its beds', () => {
    const occupancy: WeekOccupancy[] = [week('2020-04-06', '2020-04-08', 30, 24)]
    const lines = computeRun({
      period: { from: '2020-04-06', to: '2020-04-12' },
      schemes: [fromReturns],
      packages: [block('B', 4), block('A', 4)],
      voids: [{ packageId: 'A', beds: 4, from: '2020-04-06', to: '2020-04-12' }],
      delivered: [],
      occupancy,
    })
    // 6 vacant: A (first by reference) takes 4, B the other 2; the uploaded list is not read.
    // By hand: 4 × £700 × 7 / 7 = £2,800.00; 2 × £700 × 7 / 7 = £1,400.00.
    expect(lines.map((l) => [l.packageId, l.amountPence])).toEqual([
      ['B', 140_000],
      ['A', 280_000],
    ])
    expect(lines[1]!.explanation).toBe(
      'week from 6 April 2020 (return of 8 April 2020: 24 of 30 usable beds occupied, 6 vacant): 4 void beds × £700.00 a week × 7 days / 7 = £2,800.00',
    )
  })

  it('pays part weeks by days, and nothing for a week without a return or with no bed vacant', () => {
    const lines = computeRun({
      period: { from: '2020-04-01', to: '2020-04-30' },
      schemes: [fromReturns],
      // Ends on Thursday 9 April: 4 days of its second week.
      packages: [block('A', 10, { endsOn: '2020-04-09' })],
      voids: [],
      delivered: [],
      occupancy: [
        week('2020-03-30', '2020-03-30', 20, 17), // 3 vacant, 5 days in April (1–5)
        week('2020-04-06', '2020-04-10', 20, 19), // 1 vacant, 4 days (6–9 April)
        week('2020-04-13', '2020-04-13', 20, 20), // the package has ended anyway
      ],
    })
    // By hand: (3 × 70,000 × 5 + 1 × 70,000 × 4) / 7 = (1,050,000 + 280,000) / 7 = 190,000 p.
    expect(lines.map((l) => l.amountPence)).toEqual([190_000])
  })
})

describe('a payment scheme as typed', () => {
  const typed = (over: Partial<SchemeInput>): SchemeInput => ({
    name: 'Care homes +10 %',
    kind: 'uplift',
    percent: '10',
    averageWeeks: '',
    amount: '',
    voidBedsFrom: '',
    startsDate: '2020-03-19',
    endsDate: '2020-05-18',
    serviceTypes: ['care_home_residential'],
    contractedOnly: 'yes',
    area: 'in',
    funder: 'council',
    ...over,
  })

  it('keeps only the figure its kind uses, in basis points or pence', () => {
    const uplift = checkScheme(typed({ percent: '6.5', amount: '99' }))
    expect(uplift.ok && [uplift.value.percentBasisPoints, uplift.value.amountPence]).toEqual([650, null])
    const oneOff = checkScheme(typed({ kind: 'one_off', percent: 'x', amount: '£1,250.50' }))
    expect(oneOff.ok && [oneOff.value.percentBasisPoints, oneOff.value.amountPence]).toEqual([null, 125_050])
  })

  it('names the field of each mistake', () => {
    const wrong = checkScheme(
      typed({ percent: '-5', startsDate: '2020-06-30', endsDate: '2020-03-19', serviceTypes: ['spa'] }),
    )
    expect(wrong).toEqual({
      ok: false,
      errors: {
        percent: 'The uplift must be more than 0 %',
        endsDate: 'The last day of the scheme must be the same as or after the first day',
        serviceTypes: 'Select service types from the list',
      },
    })
    const money = checkScheme(typed({ kind: 'one_off', amount: '12.345' }))
    expect(money.ok ? null : money.errors.amount).toBe('The sum must be an amount of money, like 500.00')
    const weeks = checkScheme(typed({ kind: 'average_payment', averageWeeks: '0' }))
    expect(weeks.ok ? null : weeks.errors.averageWeeks).toBe('The number of weeks must be between 1 and 52')
    const voids = checkScheme(typed({ kind: 'void_beds', voidBedsFrom: 'guess' }))
    expect(voids.ok ? null : voids.errors.voidBedsFrom).toBe('Select where the void beds come from')
  })
})
