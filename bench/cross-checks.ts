import type { NationalMeasurementResult } from './report.ts'

// Targets that compare two measurements of the same run, added to the first one's checks once both have
// run (so the table, the notes and the exit code carry them like any other check).
// Issue 27, criterion 3: the national dashboard's p95 at most 1.5 times the council dashboard's.
const pairs = [
  { of: 'dashboard-national', against: 'dashboard-council', atMost: 1.5 },
  { of: 'pglite-county-national-dashboard', against: 'pglite-county-council-dashboard', atMost: 1.5 },
]

export function applyCrossChecks(national: NationalMeasurementResult[]) {
  const byId = new Map(national.map((r) => [r.measurement.id, r]))
  for (const pair of pairs) {
    const of = byId.get(pair.of)
    const against = byId.get(pair.against)?.result
    if (!of?.result || !against) continue
    const ratio = of.result.app.p95Ms / against.app.p95Ms
    const check = {
      name: `p95 against the council dashboard's in the same run (${pair.against})`,
      target: `≤ ${pair.atMost}×`,
      value: `${ratio.toFixed(2)}× (${of.result.app.p95Ms.toFixed(1)} ms against ${against.app.p95Ms.toFixed(1)} ms)`,
      pass: ratio <= pair.atMost,
    }
    of.result.checks.push(check)
    if (!check.pass) {
      of.pass = false
      of.misses.push(check.name)
    }
  }
}
