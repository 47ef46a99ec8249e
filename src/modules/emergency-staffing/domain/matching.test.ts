import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { addDaysToIsoDate } from '../../../domain/dates.ts'
import { checkKinds, matchPeople, type PoolCandidate, rolesCovered, staffRoles } from './matching.ts'

const day = (n: number) => addDaysToIsoDate('2020-04-14', n)
const dayArb = fc.integer({ min: 0, max: 20 }).map(day)
const dates = fc.uniqueArray(dayArb, { maxLength: 6 })
const role = fc.constantFrom(...staffRoles)
const person = fc.record({
  id: fc.uuid(),
  role,
  checks: fc.record({ dbs: dayArb, right_to_work: dayArb, training: dayArb }, { requiredKeys: [] }),
  availableOn: dates,
  deployedOn: dates,
}) as fc.Arbitrary<PoolCandidate>
const need = fc.record({ role, dates: fc.uniqueArray(dayArb, { minLength: 1, maxLength: 4 }) })

describe('matching people from the pool to a shift', () => {
  it('never offers a person whose check has expired, or who is deployed or not free, on any shift date', () => {
    fc.assert(
      fc.property(fc.array(person, { maxLength: 12 }), need, (pool, shift) => {
        for (const offered of matchPeople(pool, shift)) {
          expect(rolesCovered[offered.role]).toContain(shift.role)
          for (const date of shift.dates) {
            expect(offered.deployedOn).not.toContain(date)
            expect(offered.availableOn).toContain(date)
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

  it('offers everyone who is qualified, free and checked on every date, in the pool’s order', () => {
    fc.assert(
      fc.property(fc.array(person, { maxLength: 12 }), need, (pool, shift) => {
        const fits = (p: PoolCandidate) =>
          rolesCovered[p.role].includes(shift.role) &&
          shift.dates.every(
            (d) =>
              p.availableOn.includes(d) &&
              !p.deployedOn.includes(d) &&
              checkKinds.every((k) => (p.checks[k] ?? '') >= d),
          )
        expect(matchPeople(pool, shift)).toEqual(pool.filter(fits))
      }),
      { numRuns: 300 },
    )
  })

  it('treats a check that expires on the shift date as valid that day, and not the day after', () => {
    const base: PoolCandidate = {
      id: 'a',
      role: 'nurse',
      checks: { dbs: day(2), right_to_work: day(30), training: day(30) },
      availableOn: [day(2), day(3)],
      deployedOn: [],
    }
    expect(matchPeople([base], { role: 'care_worker', dates: [day(2)] })).toHaveLength(1)
    expect(matchPeople([base], { role: 'care_worker', dates: [day(2), day(3)] })).toHaveLength(0)
    expect(matchPeople([base], { role: 'cook', dates: [day(2)] })).toHaveLength(0)
  })
})
