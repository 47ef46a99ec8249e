import { createHash } from 'node:crypto'
import { csvText } from '../../domain/csv.ts'
import { currentDataset, derivedMeasures, type ReturnValues, templateColumns } from './domain/dataset.ts'
import { nilReasonInWords } from './domain/exceptions.ts'

// A return version's own columns of the returns CSV (the dashboards' export puts the directory's before
// them), and the version's cells as CSV text, written with the version when it is saved
// (`situation_returns.export_cells`, migration 0047): a version never changes, so the export of a
// million returns reads its cells as they are instead of working them out again on every download.

export type VersionForExport = {
  period_start: string
  version: number
  submitted_at: Date
  timing: string
  source: string
  nothing_changed: boolean
  // A nil return (no figures this period) and why: its figures' cells are empty, and these say so.
  nil_return: boolean
  nil_reason: string | null
  nil_details: string | null
  values: ReturnValues
}

const formatValue = (v: unknown) =>
  Array.isArray(v)
    ? v.join('; ')
    : typeof v === 'boolean'
      ? v
        ? 'Yes'
        : 'No'
      : (v as string | number | null)

// Worked out once per row, however many columns read them.
const derivedOf = new WeakMap<ReturnValues, ReturnType<typeof derivedMeasures>>()
function derived(values: ReturnValues) {
  let measures = derivedOf.get(values)
  if (!measures) {
    measures = derivedMeasures(values)
    derivedOf.set(values, measures)
  }
  return measures
}

// What a cell may hold, as both the CSV and the XLSX writers take it.
type VersionCell = string | number | boolean | Date | null

export const versionColumns: [header: string, get: (v: VersionForExport) => VersionCell][] = [
  ['Period starting', (r) => r.period_start],
  ['Version', (r) => r.version],
  ['Sent at', (r) => r.submitted_at],
  ['On time or late', (r) => (r.timing === 'on-time' ? 'On time' : 'Late')],
  ['Sent by', (r) => r.source],
  ['Nothing changed', (r) => r.nothing_changed],
  // Before the (empty) figures, so a nil return is not read as a missing one. The reason's cell starts
  // with the reason's words; the details the provider typed follow, made safe with the cell.
  ['Nil return', (r) => (r.nil_return ? 'Yes' : null)],
  ['Nil return reason', (r) => (r.nil_return ? nilReasonInWords(r.nil_reason, r.nil_details) : null)],
  ...templateColumns(currentDataset).map(
    ({ key, label }) =>
      [label, (r: VersionForExport) => formatValue(r.values[key])] as [
        string,
        (v: VersionForExport) => VersionCell,
      ],
  ),
  ['Lowest days of PPE', (r) => derived(r.values).lowestPpeDays],
  ['Vacant beds', (r) => derived(r.values).vacantBeds],
  ['Staff absence (%)', (r) => derived(r.values).staffAbsencePercent],
]

// Which cells a row's `export_cells` holds: the dataset and these columns. The export trusts only cells
// of today's layout and works out any other row's afresh (in SQL, per row: much slower), so a change of
// layout comes with a migration that moves the rows saved before it when it can do so cheaply (0051
// put the nil return's two cells into rows of the layout before). Change `cellsFormat` with any change
// to how a cell is written here that the columns' names do not show.
const cellsFormat = 1
export const exportCellsLayout = createHash('sha256')
  .update(JSON.stringify([cellsFormat, currentDataset.version, versionColumns.map(([header]) => header)]))
  .digest('hex')
  .slice(0, 16)

// The version's cells, quoted and made formula-safe by the product's CSV writer, without the line's end.
export function exportCellsOf(version: VersionForExport): string {
  return csvText([versionColumns.map(([, get]) => get(version))]).replace(/\n$/, '')
}
