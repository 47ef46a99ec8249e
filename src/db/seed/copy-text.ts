import { exportCellsLayout, exportCellsOf } from '../../modules/returns/index.ts'
import type { GeneratedReturn } from './national-returns.ts'

// A value for PostgreSQL's COPY text format: \N for null; backslash, tab, newline and CR escaped.
export function copyField(value: string | number | boolean | null): string {
  if (value === null) return '\\N'
  if (typeof value !== 'string') return String(value)
  return /[\\\t\n\r]/.test(value)
    ? value.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r')
    : value
}

export const copyLine = (fields: (string | number | boolean | null)[]) =>
  `${fields.map(copyField).join('\t')}\n`

export const situationReturnColumns = [
  'location_id',
  'frequency',
  'period_start',
  'version',
  'is_current',
  'dataset_version',
  'values',
  'nil_return',
  'nothing_changed',
  'source',
  'timing',
  'submitted_by',
  'submitted_at',
  'amendment_reason',
  'export_cells',
  'export_layout',
] as const

// A generated return as the row of `situationReturnColumns`, for COPY or an INSERT.
export function returnRow(r: GeneratedReturn): (string | number | boolean | null)[] {
  return [
    r.locationId,
    r.frequency,
    r.periodStart,
    r.version,
    r.isCurrent,
    r.datasetVersion,
    JSON.stringify(r.values),
    false,
    r.nothingChanged,
    r.source,
    r.timing,
    r.submittedBy,
    r.submittedAt.toISOString(),
    r.amendmentReason,
    // Its cells of the returns CSV, as the app writes them with every version it saves.
    exportCellsOf({
      period_start: r.periodStart,
      version: r.version,
      submitted_at: r.submittedAt,
      timing: r.timing,
      source: r.source,
      nothing_changed: r.nothingChanged,
      nil_return: false,
      nil_reason: null,
      nil_details: null,
      values: r.values,
    }),
    exportCellsLayout,
  ]
}

export const returnCopyLine = (r: GeneratedReturn): string => copyLine(returnRow(r))
