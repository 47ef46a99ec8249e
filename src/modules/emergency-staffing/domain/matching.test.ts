import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { addDaysToIsoDate } from '../../../domain/dates.ts'
import {
  checkKinds,
  datesWorked,
  matchPeople,
  type PoolCandidate,
  rolesCovered,
  type ShiftTime,
  shiftSpan,
  staffRoles,
} from './matching.ts'

const day = (n: number) => addDaysToIsoDate('2020-04-14', n)
const dayArb = fc.integer({ min: 0, max: 20 }).map(day)
const dates = fc.uniqueArray(dayArb, { maxLength: 6 })
const role = fc.constantFrom(...staffRoles)
// Day shifts and night shifts alike: a start on the hour or half hour, lasting 1 to 24 hours, so that
// many end after midnight (an end above 1440 is the next morning).
const shift: fc.Arbitrary<ShiftTime> = fc
  .record({
    shiftOn: dayArb,
    start: fc.integer({ min: 0, max: 47 }),
    length: fc.integer({ min: 2, max: 48 }),
  })
  .map(({ shiftOn, start, length }) => ({
    shiftOn,
    startsMinute: start * 30,
    endsMinute: start * 30 + length * 30,
  }))
const overnight = shift.filter((s) => s.endsMinute > 1440)
const person = fc.record({
  id: fc.uuid(),
  role,
  checks: fc.record({ dbs: dayArb, right_to_work: dayArb, training: dayArb }, { requiredKeys: [] }),
  availableOn: dates,
  deployed: fc.array(fc.oneof(shift, overnight), { maxLength: 4 }),
}) as fc.Arbitrary<PoolCandidate>
const need = fc.record({ role, shifts: fc.array(fc.oneof(shift, overnight), { minLength: 1, maxLength: 3 }) })

// Independent of the code under test: minutes since the epoch, straight from the date.
const span = (s: ShiftTime) => {
  const base = new Date(`${s.shiftOn}T00:00:00Z`).getTime() / 60_000
  return [base + s.startsMinute, base + s.endsMinute] as const
}
const overlap = (a: ShiftTime, b: ShiftTime) => {
  const [a0, a1] = span(a)
  const [b0, b1] = span(b)
  return a0 < b1 && b0 < a1
}
const worked = (s: ShiftTime) =>
  s.endsMinute > 1440 ? [s.shiftOn, addDaysToIsoDate(s.shiftOn, 1)] : [s.shiftOn]

describe('matching people from the pool to a shift', () => {
  it('never offers a person whose check has expired on any date worked, or who is deployed then, or not free', () => {
    fc.assert(
      fc.property(fc.array(person, { maxLength: 12 }), need, (pool, wanted) => {
        for (const offered of matchPeople(pool, wanted)) {
          expect(rolesCovered[offered.role]).toContain(wanted.role)
          for (const s of wanted.shifts) {
            expect(offered.availableOn).toContain(s.shiftOn)
            for (const d of offered.deployed) expect(overlap(d, s), 'deployed then').toBe(false)
            for (const date of worked(s))
              for (const kind of checkKinds) {
                const expires = offered.checks[kind]
                expect(expires, `${kind} held`).toBeDefined()
                expect(expires! >= date, `${kind} valid on ${date}`).toBe(true)
              }
          }
        }
      }),
      { numRuns: 300 },
    )
  })

  it('offers everyone who is qualified, free, checked and not deployed then, in the pool’s order', () => {
    fc.assert(
      fc.property(fc.array(person, { maxLength: 12 }), need, (pool, wanted) => {
        const fits = (p: PoolCandidate) =>
          rolesCovered[p.role].includes(wanted.role) &&
          wanted.shifts.every(
            (s) =>
              p.availableOn.includes(s.shiftOn) &&
              !p.deployed.some((d) => overlap(d, s)) &&
              worked(s).every((date) => checkKinds.every((k) => (p.checks[k] ?? '') >= date)),
          )
        expect(matchPeople(pool, wanted)).toEqual(pool.filter(fits))
      }),
      { numRuns: 300 },
    )
  })

  it('puts a night shift’s end on the next morning', () => {
    fc.assert(
      fc.property(overnight, (s) => {
        expect(datesWorked(s)).toEqual([s.shiftOn, addDaysToIsoDate(s.shiftOn, 1)])
        const { from, to } = shiftSpan(s)
        expect(to - from).toBe(s.endsMinute - s.startsMinute)
      }),
    )
  })

  const base: PoolCandidate = {
    id: 'a',
    role: 'nurse',
    checks: { dbs: day(2), right_to_work: day(30), training: day(30) },
    availableOn: [day(2), day(3), day(4)],
    deployed: [],
  }
  const at = (n: number, starts: string, ends: string, nextDay = false): ShiftTime => {
    const m = (t: string) => Number(t.slice(0, 2)) * 60 + Number(t.slice(3))
    return { shiftOn: day(n), startsMinute: m(starts), endsMinute: m(ends) + (nextDay ? 1440 : 0) }
  }

  it('treats a check that expires on the shift date as valid that day, and not for a night running past it', () => {
    expect(matchPeople([base], { role: 'care_worker', shifts: [at(2, '08:00', '16:00')] })).toHaveLength(1)
    expect(
      matchPeople([base], { role: 'care_worker', shifts: [at(2, '20:00', '08:00', true)] }),
    ).toHaveLength(0)
    expect(matchPeople([base], { role: 'cook', shifts: [at(2, '08:00', '16:00')] })).toHaveLength(0)
  })

  it('keeps someone on a night shift from the next morning’s shift, but not from the next night', () => {
    const night = { ...base, checks: { dbs: day(30), right_to_work: day(30), training: day(30) } }
    const onNights = { ...night, deployed: [at(2, '20:00', '08:00', true)] }
    const offered = (s: ShiftTime) => matchPeople([onNights], { role: 'nurse', shifts: [s] }).length
    expect(offered(at(3, '07:00', '15:00'))).toBe(0)
    expect(offered(at(2, '14:00', '21:00'))).toBe(0)
    expect(offered(at(3, '08:00', '16:00'))).toBe(1)
    expect(offered(at(3, '20:00', '08:00', true))).toBe(1)
    expect(offered(at(2, '08:00', '16:00'))).toBe(1)
  })
})
