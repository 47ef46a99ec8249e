import fs from 'node:fs'
import path from 'node:path'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { type Candidate, computeAllocation, previewChanges, type RoundTerms } from './allocation.ts'
import { readFundTable } from './fund-table.ts'

// Acceptance 1: for every council in the real fund file and any list of care homes with any bed counts,
// the allocations sum to the formula share to the penny, each is within a penny of its exact share,
// and each is explained.
const fixture = fs.readFileSync(path.resolve('test/fixtures/grants/asc_infection_control_fund_by_la.csv'))
const table = readFundTable(fixture)
if (!table.ok) throw new Error(table.problem)
const councils = table.rows

const home = (i: number, beds: number, extra: Partial<Candidate> = {}): Candidate => ({
  locationId: `loc-${i}`,
  providerId: `prov-${i}`,
  name: `Home ${i}`,
  careHome: true,
  inArea: true,
  statusOnSnapshot: 'open',
  registeredBeds: beds,
  occupiedBeds: null,
  peopleSupported: null,
  lastReturnOn: '2020-05-14',
  refusedRound: null,
  ...extra,
})

const termsFor = (potPence: bigint): RoundTerms => ({
  potPence,
  retainedPence: 0n,
  formulaShareBp: 7500,
  basis: 'registered_beds',
  snapshotDate: '2020-05-15',
  rules: ['registered-open', 'returns-submitted', 'not-refused'],
})

describe('allocation by registered beds', () => {
  it('reads all 153 councils of the fund file, £1,146m in 2020/21', () => {
    expect(councils).toHaveLength(153)
    const total = councils.reduce((sum, c) => sum + c.pence, 0n)
    expect(Number(total) / 1e8).toBeGreaterThan(1145)
    expect(Number(total) / 1e8).toBeLessThan(1147)
  })

  it('for every council, sums exactly to the share and keeps each home within a penny of its exact share', () => {
    for (const council of councils) {
      fc.assert(
        fc.property(fc.array(fc.integer({ min: 0, max: 250 }), { minLength: 1, maxLength: 120 }), (beds) => {
          const allocation = computeAllocation(
            termsFor(council.pence),
            beds.map((b, i) => home(i, b)),
          )
          const sum = allocation.lines.reduce((s, l) => s + l.amountPence, 0n)
          const totalBeds = BigInt(beds.reduce((a, b) => a + b, 0))
          if (totalBeds === 0n) return sum === 0n
          if (sum !== allocation.formulaPence) return false
          for (const line of allocation.lines) {
            // |amount − formula × beds / total| < 1 penny, in integers: |amount × total − formula × beds| < total.
            const diff = line.amountPence * totalBeds - allocation.formulaPence * BigInt(line.basisValue)
            if ((diff < 0n ? -diff : diff) >= totalBeds) return false
            if (line.eligible && !line.explanation.includes(`of ${totalBeds.toLocaleString('en-GB')}`))
              return false
            if (!line.eligible && !line.reason) return false
          }
          return true
        }),
        { numRuns: 20 },
      )
    }
  })

  it('splits the pot less retained sums between formula and discretion, to the penny', () => {
    const a = computeAllocation({ ...termsFor(1_840_000_000n), retainedPence: 5_000_000n }, [home(1, 37)])
    expect(a.distributablePence).toBe(1_835_000_000n)
    expect(a.formulaPence + a.discretionaryPence).toBe(1_835_000_000n)
    expect(a.formulaPence).toBe(1_376_250_000n)
  })

  it('explains each amount in words', () => {
    const a = computeAllocation(termsFor(1_832_800_000n), [home(1, 37), home(2, 9258)])
    expect(a.lines[0]!.explanation).toBe(
      '37 registered beds of 9,295 in the area on 15 May 2020 × £13,746,000.00 = £54,717.81',
    )
  })

  it('gives an ineligible home nothing, with its reason, and making it eligible changes only what the formula says', () => {
    const homes = [
      home(1, 40),
      home(2, 60, { lastReturnOn: null }),
      home(3, 20, { statusOnSnapshot: 'closed' }),
      home(4, 10, { careHome: false }),
      home(5, 30, { refusedRound: 'Round 1' }),
      home(6, 25, { statusOnSnapshot: 'not-yet-open' }),
    ]
    const before = computeAllocation(termsFor(1_000_000n), homes)
    expect(before.lines.map((l) => l.reason)).toEqual([
      null,
      'No capacity tracker or return in the 14 days to 15 May 2020',
      'Closed on 15 May 2020',
      'Not a care home: the round is per registered bed',
      'Refused the terms of Round 1',
      'Not yet registered on 15 May 2020',
    ])
    expect(before.lines.slice(1).every((l) => l.amountPence === 0n)).toBe(true)
    expect(before.lines[0]!.amountPence).toBe(750_000n)
    homes[1] = home(2, 60)
    const after = computeAllocation(termsFor(1_000_000n), homes)
    const changes = previewChanges(before.lines, after.lines)
    expect(changes.map((c) => [c.locationId, c.beforePence, c.afterPence])).toEqual([
      ['loc-1', 750_000n, 300_000n],
      ['loc-2', 0n, 450_000n],
    ])
  })
})

describe('allocation by occupied beds and by people supported', () => {
  it('per occupied bed: care homes by the beds their latest return says were occupied', () => {
    const terms = { ...termsFor(1_000_000n), basis: 'occupied_beds' as const }
    const a = computeAllocation(terms, [
      home(1, 40, { occupiedBeds: 30 }),
      home(2, 60, { occupiedBeds: 45 }),
      home(3, 20, { occupiedBeds: null }),
      home(4, 0, { careHome: false, peopleSupported: 80 }),
    ])
    expect(a.lines.map((l) => [l.basisValue, l.amountPence, l.reason])).toEqual([
      [30, 300_000n, null],
      [45, 450_000n, null],
      [0, 0n, 'No return in the 14 days to 15 May 2020 with beds occupied'],
      [0, 0n, 'Not a care home: the round is per occupied bed'],
    ])
    expect(a.lines[0]!.explanation).toBe(
      '30 occupied beds of 75 in the area on 15 May 2020 × £7,500.00 = £3,000.00',
    )
  })

  it('per person supported: home care services by the people they support, care homes left out', () => {
    const terms = { ...termsFor(1_000_000n), basis: 'people_supported' as const }
    const a = computeAllocation(terms, [
      home(1, 0, { careHome: false, peopleSupported: 1 }),
      home(2, 0, { careHome: false, peopleSupported: 2 }),
      home(3, 40),
    ])
    expect(a.lines.map((l) => [l.basisValue, l.amountPence, l.reason])).toEqual([
      [1, 250_000n, null],
      [2, 500_000n, null],
      [0, 0n, 'A care home: the round is per person supported'],
    ])
    expect(a.lines[0]!.explanation).toBe(
      '1 person supported of 3 in the area on 15 May 2020 × £7,500.00 = £2,500.00',
    )
  })
})

describe('a share per bed to care homes and a share per person supported to home care', () => {
  it('splits each share between its own locations, each to the penny, the rest at discretion', () => {
    const terms = { ...termsFor(1_000_001n), formulaShareBp: 6000, homeCareShareBp: 3000 }
    const a = computeAllocation(terms, [
      home(1, 40),
      home(2, 20),
      home(3, 0, { careHome: false, peopleSupported: 70 }),
      home(4, 0, { careHome: false, peopleSupported: 0 }),
    ])
    expect(a.formulaPence + a.homeCarePence + a.discretionaryPence).toBe(1_000_001n)
    expect([a.formulaPence, a.homeCarePence, a.discretionaryPence]).toEqual([600_001n, 300_000n, 100_000n])
    expect(a.lines.map((l) => l.amountPence)).toEqual([400_001n, 200_000n, 300_000n, 0n])
    expect(a.lines[2]!.explanation).toBe(
      '70 people supported of 70 in the area on 15 May 2020 × £3,000.00 = £3,000.00',
    )
    expect(a.lines[0]!.explanation).toContain('40 registered beds of 60')
    expect(a.lines[3]!.reason).toBe('No people supported on 15 May 2020')
  })

  it('for every council, both shares sum exactly to the penny', () => {
    for (const council of councils.slice(0, 40)) {
      fc.assert(
        fc.property(
          fc.array(fc.tuple(fc.boolean(), fc.integer({ min: 0, max: 300 })), { minLength: 1, maxLength: 60 }),
          fc.integer({ min: 0, max: 5000 }),
          (rows, homeCareShareBp) => {
            const terms = { ...termsFor(council.pence), formulaShareBp: 5000, homeCareShareBp }
            const a = computeAllocation(
              terms,
              rows.map(([careHome, n], i) =>
                careHome ? home(i, n) : home(i, 0, { careHome: false, peopleSupported: n }),
              ),
            )
            const homes = a.lines.filter((_, i) => rows[i]![0] || homeCareShareBp === 0)
            const care = a.lines.filter((_, i) => !rows[i]![0] && homeCareShareBp > 0)
            const sum = (ls: typeof a.lines) => ls.reduce((s, l) => s + l.amountPence, 0n)
            if (a.formulaPence + a.homeCarePence + a.discretionaryPence !== council.pence) return false
            if (a.totalBasis > 0 && sum(homes) !== a.formulaPence) return false
            if (a.homeCareTotal > 0 && sum(care) !== a.homeCarePence) return false
            return true
          },
        ),
        { numRuns: 10 },
      )
    }
  })
})

describe('the capacity tracker rule', () => {
  it('asks for a capacity tracker record in the 14 days to the snapshot date, apart from other returns', () => {
    const terms = { ...termsFor(1_000_000n), rules: ['tracker-up-to-date' as const] }
    const a = computeAllocation(terms, [
      home(1, 10, { lastTrackerOn: '2020-05-02' }),
      home(2, 10, { lastTrackerOn: '2020-05-01', lastReturnOn: '2020-05-14' }),
      home(3, 10, { lastTrackerOn: null }),
    ])
    expect(a.lines.map((l) => l.reason)).toEqual([
      null,
      'No capacity tracker record in the 14 days to 15 May 2020',
      'No capacity tracker record in the 14 days to 15 May 2020',
    ])
  })
})
