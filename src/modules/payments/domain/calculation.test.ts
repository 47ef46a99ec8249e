import { describe, expect, it } from 'vitest'
import { computeRun, type DeliveredWeek, type VoidBeds } from './calculation.ts'
import { parseMoney, pounds, roundHalfUp } from './money.ts'
import type { CommissionedPackage, Scheme } from './schemes.ts'

const everyone = { serviceTypes: [], contractedOnly: true, area: 'any', funder: 'any' } as const

const scheme = (over: Partial<Scheme>): Scheme => ({
  id: 's',
  name: 'Scheme',
  kind: 'uplift',
  startsOn: '2020-03-19',
  endsOn: '2020-06-30',
  percentBasisPoints: null,
  averageWeeks: null,
  amountPence: null,
  eligibility: { ...everyone, serviceTypes: [] },
  ...over,
})

const beds = (over: Partial<CommissionedPackage>): CommissionedPackage => ({
  id: 'a',
  reference: 'A',
  providerId: 'p1',
  locationId: 'l1',
  serviceType: 'care_home_residential',
  funder: 'council',
  beds: 12,
  weeklyRatePence: 65_000,
  hourlyRatePence: null,
  plannedHoursHundredths: null,
  startsOn: '2020-01-01',
  endsOn: null,
  inArea: true,
  dischargePathway: false,
  contracted: true,
  ...over,
})

const run = (from: string, to: string, schemes: Scheme[], packages: CommissionedPackage[], extra = {}) =>
  computeRun({ period: { from, to }, schemes, packages, voids: [], delivered: [], ...extra })

describe('payment schemes, worked to the penny', () => {
  // +10 % in area for two months (19 March to 18 May 2020), +6 % out of area.
  const uplift = scheme({ id: 'in', kind: 'uplift', endsOn: '2020-05-18', percentBasisPoints: 1000 })
  const outOfArea = scheme({
    id: 'out',
    kind: 'uplift',
    endsOn: '2020-05-18',
    percentBasisPoints: 600,
    eligibility: { ...everyone, serviceTypes: [], area: 'out' },
  })
  uplift.eligibility = { ...everyone, serviceTypes: [], area: 'in' }

  it('pays +10 % for a part week in March: 12 beds × £650.00 × 10 % × 13 days / 7', () => {
    const [line, ...rest] = run('2020-03-01', '2020-03-31', [uplift, outOfArea], [beds({})])
    expect(rest).toEqual([])
    // By hand: 12 × 65,000 p = 780,000 p a week; 10 % = 78,000 p; × 13 / 7 = 144,857.14 p.
    expect(line!.amountPence).toBe(144_857)
    expect(line!.explanation).toBe('12 beds × £650.00 a week × 10 % × 13 days / 7 = £1,448.57')
  })

  it('pays the two months in three runs whose sum is the whole, each line rounded once', () => {
    const packages = [beds({}), beds({ id: 'b', inArea: false, beds: 3, weeklyRatePence: 61_250 })]
    const months = [
      ['2020-03-01', '2020-03-31'],
      ['2020-04-01', '2020-04-30'],
      ['2020-05-01', '2020-05-31'],
    ] as const
    const lines = months.flatMap(([from, to]) => run(from, to, [uplift, outOfArea], packages))
    const byPackage = (id: string) => lines.filter((l) => l.packageId === id).map((l) => l.amountPence)
    // 78,000 p a week × 13, 30 and 18 days / 7 = 144,857.14, 334,285.71, 200,571.43.
    expect(byPackage('a')).toEqual([144_857, 334_286, 200_571])
    // Out of area at 6 %: 3 × 61,250 = 183,750 p; × 6 % = 11,025 p a week; × 13, 30, 18 / 7.
    expect(byPackage('b')).toEqual([20_475, 47_250, 28_350])
    expect(lines.find((l) => l.packageId === 'b')!.explanation).toBe(
      '3 beds × £612.50 a week × 6 % × 13 days / 7 = £204.75',
    )
  })

  it('pays pro rata for a package that ends within the period', () => {
    const ending = beds({
      id: 'c',
      beds: 3,
      weeklyRatePence: 61_250,
      startsOn: '2020-03-25',
      endsOn: '2020-04-10',
    })
    const [line] = run('2020-04-01', '2020-04-30', [uplift], [ending])
    // 183,750 p a week × 10 % × 10 days / 7 = 26,250 p exactly.
    expect(line!.amountPence).toBe(26_250)
    expect(line!.explanation).toBe('3 beds × £612.50 a week × 10 % × 10 days / 7 = £262.50')
  })

  it('pays void beds for the days they stood empty within the scheme and the period', () => {
    const voidScheme = scheme({ id: 'v', kind: 'void_beds' })
    const voids: VoidBeds[] = [
      { packageId: 'a', beds: 2, from: '2020-04-06', to: '2020-04-15' },
      { packageId: 'a', beds: 1, from: '2020-04-28', to: '2020-05-03' },
    ]
    const [line] = run('2020-04-01', '2020-04-30', [voidScheme], [beds({})], { voids })
    // 2 × 65,000 × 10 / 7 + 1 × 65,000 × 3 / 7 = (1,300,000 + 195,000) / 7 = 213,571.43 p.
    expect(line!.amountPence).toBe(213_571)
    expect(line!.explanation).toBe(
      '2 void beds × £650.00 a week × 10 days / 7 + 1 void bed × £650.00 a week × 3 days / 7 = £2,135.71',
    )
  })

  it('tops home care up to the average of the four weeks before the scheme', () => {
    const average = scheme({ id: 'avg', kind: 'average_payment', startsOn: '2020-04-01', averageWeeks: 4 })
    const homeCare = beds({
      id: 'h',
      serviceType: 'home_care',
      beds: null,
      weeklyRatePence: null,
      hourlyRatePence: 1_850,
      plannedHoursHundredths: 4_000,
    })
    const week = (weekStarting: string, hours: number): DeliveredWeek => ({
      packageId: 'h',
      weekStarting,
      hoursHundredths: hours * 100,
    })
    const delivered = [
      // Before: 40 + 42 + 38 + 36 = 156 hours over 4 weeks, an average of 39 (2 March is the fifth, left out).
      week('2020-02-26', 10),
      week('2020-03-04', 40),
      week('2020-03-11', 42),
      week('2020-03-18', 38),
      week('2020-03-25', 36),
      // During: short by 9 (5 days in the scheme), 0, 0, 3.5 and 19 (4 days in April).
      week('2020-03-30', 30),
      week('2020-04-06', 39),
      week('2020-04-13', 41),
      week('2020-04-20', 35.5),
      week('2020-04-27', 20),
    ]
    const [line] = run('2020-04-01', '2020-04-30', [average], [homeCare], { delivered })
    // By hand: 9 × 1,850 × 5 / 7 + 3.5 × 1,850 + 19 × 1,850 × 4 / 7 = (83,250 + 45,325 + 140,600) / 7
    // = 269,175 / 7 = 38,453.57 p.
    expect(line!.amountPence).toBe(38_454)
    expect(line!.explanation).toContain('average of the 4 weeks before 1 April 2020')
    expect(line!.explanation).toContain(
      'week from 30 March 2020: (average 39 − delivered 30) hours × £18.50 an hour × 5 days / 7',
    )
    expect(line!.explanation).toMatch(/= £384\.54$/)
  })

  it('pays hospital discharge packages +20 % and one-off sums once per provider', () => {
    const discharge = scheme({
      id: 'd',
      kind: 'discharge_rate',
      startsOn: '2020-04-01',
      percentBasisPoints: 2000,
    })
    const oneOff = scheme({ id: 'o', kind: 'one_off', startsOn: '2020-04-01', amountPence: 50_000 })
    const packages = [
      beds({ id: 'x', beds: 1, dischargePathway: true }),
      beds({ id: 'y', beds: 1 }),
      beds({ id: 'z', providerId: 'p2', contracted: false }),
    ]
    const lines = run('2020-04-01', '2020-04-07', [discharge, oneOff], packages)
    expect(lines.map((l) => [l.schemeId, l.providerId, l.amountPence])).toEqual([
      // 65,000 × 20 % × 7 / 7 = 13,000 p.
      ['d', 'p1', 13_000],
      ['o', 'p1', 50_000],
    ])
    expect(lines[0]!.explanation).toBe(
      'hospital discharge: 1 bed × £650.00 a week × 20 % × 7 days / 7 = £130.00',
    )
    // The one-off is not paid again by a run that does not contain its day.
    expect(run('2020-04-08', '2020-04-30', [oneOff], packages)).toEqual([])
  })

  it('rounds halves up, and reads money as people type it', () => {
    expect(roundHalfUp(5n, 2n)).toBe(3n)
    expect(roundHalfUp(-5n, 2n)).toBe(-3n)
    expect(roundHalfUp(14n, 10n)).toBe(1n)
    expect(parseMoney('£1,250.5')).toBe(125_050)
    expect(parseMoney('650')).toBe(65_000)
    expect(parseMoney('12.345')).toBeNull()
    expect(parseMoney('ten')).toBeNull()
    expect(pounds(123_456_789)).toBe('£1,234,567.89')
    expect(pounds(-250)).toBe('−£2.50')
  })
})
