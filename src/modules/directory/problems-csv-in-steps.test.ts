import { describe, expect, it } from 'vitest'
import type { ImportProblem } from './domain/cqc-import/cqc-location.ts'
import type { ImportPlan } from './domain/cqc-import/plan.ts'
import { problemRowsCsv } from './domain/cqc-import/problems-csv.ts'
import { problemRowsCsvInSteps } from './problems-csv-in-steps.ts'

describe('problemRowsCsvInSteps', () => {
  it('writes the same list as problemRowsCsv, a few thousand rows at a time', async () => {
    const skip: ImportPlan['skip'] = []
    const errors: ImportProblem[] = []
    for (let rowNumber = 2; rowNumber < 23_000; rowNumber++) {
      if (rowNumber % 7 === 0)
        errors.push(
          { rowNumber, column: 'Care homes beds', reason: 'Must be a whole number', value: 'x' },
          { rowNumber, column: 'Location ID', reason: 'Missing' },
        )
      else
        skip.push({
          rowNumber,
          cqcLocationId: `1-${rowNumber}`,
          name: `=Home ${rowNumber}`,
          reason: 'Outside',
        })
    }
    // A problem found later about an early row, and one about no row in particular.
    errors.push({ rowNumber: 3, column: null, reason: 'Belongs to another council' })
    errors.push({ rowNumber: null, column: null, reason: 'Found after the rows' })
    const plan: ImportPlan = { create: [], update: [], unchanged: [], skip, errors, close: [] }
    const fileProblems: ImportProblem[] = [{ rowNumber: null, column: null, reason: 'A file problem' }]
    expect(await problemRowsCsvInSteps(plan, fileProblems)).toBe(problemRowsCsv(plan, fileProblems))
  })
})
