import fc from 'fast-check'
import type { Measures } from '../../src/modules/early-warning/domain/measures.ts'

// Random measures for property tests: every measure may be unknown (null).
const maybe = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: null })
export const measuresArb: fc.Arbitrary<Measures> = fc.record({
  lowestPpeDays: maybe(fc.integer({ min: 0, max: 30 })),
  lowestPpeItem: fc.constant('gloves'),
  staffAbsencePercent: maybe(fc.integer({ min: 0, max: 30 })),
  newConfirmedCases14Days: maybe(fc.integer({ min: 0, max: 30 })),
  suspectedCases14Days: maybe(fc.integer({ min: 0, max: 30 })),
  deaths7Days: maybe(fc.integer({ min: 0, max: 30 })),
  vacancies: maybe(fc.integer({ min: 0, max: 30 })),
  admissionsClosed: maybe(fc.boolean()),
  helpRequested: maybe(fc.boolean()),
  helpRequestedKinds: fc.constant([]),
  periodsWithoutReturn: maybe(fc.integer({ min: 0, max: 30 })),
})
