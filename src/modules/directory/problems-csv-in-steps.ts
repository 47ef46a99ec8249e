import type { ImportProblem } from './domain/cqc-import/cqc-location.ts'
import type { ImportPlan } from './domain/cqc-import/plan.ts'
import { problemRowsCsv } from './domain/cqc-import/problems-csv.ts'

// The same list of problem rows as problemRowsCsv, made a few thousand rows at a time with other work
// in between: a national file restricted to one area has a hundred thousand rows set aside, and
// writing them out in one go would hold the thread for most of a second.

const rowsPerStep = 5000

export async function problemRowsCsvInSteps(
  plan: ImportPlan,
  fileProblems: ImportProblem[],
): Promise<string> {
  const lines = plan.errors.length + plan.skip.length
  if (lines <= rowsPerStep) return problemRowsCsv(plan, fileProblems)
  // The list is in row order (file problems first): rows taken a range at a time keep their places.
  const row = (p: { rowNumber: number | null }) => p.rowNumber ?? 0
  const byRow = (a: { rowNumber: number | null }, b: { rowNumber: number | null }) => row(a) - row(b)
  const allErrors = [...plan.errors].sort(byRow)
  const allSkip = [...plan.skip].sort(byRow)
  const last = Math.max(row(allErrors.at(-1) ?? { rowNumber: 0 }), row(allSkip.at(-1) ?? { rowNumber: 0 }))
  const empty: ImportPlan = { create: [], update: [], unchanged: [], skip: [], errors: [], close: [] }
  const pieces: string[] = []
  let errorAt = 0
  let skipAt = 0
  for (let from = 0; from <= last; from += rowsPerStep) {
    const to = from + rowsPerStep
    const errors: ImportProblem[] = []
    while (errorAt < allErrors.length && row(allErrors[errorAt]!) < to) errors.push(allErrors[errorAt++]!)
    const skip: ImportPlan['skip'] = []
    while (skipAt < allSkip.length && row(allSkip[skipAt]!) < to) skip.push(allSkip[skipAt++]!)
    const csv = problemRowsCsv({ ...empty, errors, skip }, from === 0 ? fileProblems : [])
    // The header row once, at the top.
    pieces.push(from === 0 ? csv : csv.slice(csv.indexOf('\n') + 1))
    await new Promise((resolve) => setImmediate(resolve))
  }
  return pieces.join('')
}
