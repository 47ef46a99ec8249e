import { csvText } from '../../../../domain/csv.ts'
import type { ImportProblem } from './cqc-location.ts'
import type { ImportPlan } from './plan.ts'

// Every row that was not imported, and why, for people to fix in their own spreadsheet.
export function problemRowsCsv(plan: ImportPlan, fileProblems: ImportProblem[]): string {
  const lines: { row: number | null; cells: string[] }[] = [
    ...fileProblems.map((p) => problemLine(p, p.cqcLocationId ?? null)),
    ...plan.errors.map((p) => problemLine(p, p.cqcLocationId ?? null)),
    // For a skipped row the value is its name, so people can recognise it.
    ...plan.skip.map((s) => ({
      row: s.rowNumber,
      cells: [String(s.rowNumber), '', s.cqcLocationId ?? '', s.reason, s.name ?? ''],
    })),
  ]
  // File problems first, then in file order; sort is stable so a row's own problems keep their order.
  lines.sort((a, b) => (a.row ?? 0) - (b.row ?? 0))
  // Text from an uploaded file is made harmless by the writer, so that it cannot run as a formula.
  return csvText([['Row', 'Column', 'Location ID', 'Problem', 'Value'], ...lines.map((l) => l.cells)])
}

function problemLine(p: ImportProblem, cqcLocationId: string | null) {
  return {
    row: p.rowNumber,
    cells: [
      p.rowNumber === null ? '' : String(p.rowNumber),
      p.column ?? '',
      cqcLocationId ?? '',
      p.reason,
      p.value ?? '',
    ],
  }
}
