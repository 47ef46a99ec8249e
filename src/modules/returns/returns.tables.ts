import type { ColumnType, Generated } from 'kysely'
import type { DateOnly, Timestamp } from '../../db/columns.ts'

export type NilReason = 'no-people-supported' | 'temporarily-closed' | 'other'

// This capability's tables, as TypeScript sees them (src/db/schema.ts gathers every capability's).
export type ReturnTemplateTable = {
  serviceType: string
  frequency: 'daily' | 'weekly' | 'monthly'
  opensAfterHours: number
  dueAfterHours: number
  locksAfterHours: number
  updatedAt: Timestamp
}

// An agreed exception (migration 0034): a later deadline (extra hours) or an exemption, for the days from
// `startsOn` to `lastDay` (none: no end), until it is ended (`endedFrom`: the first day it no longer
// applies); it applies to each period that includes any of its days (return-exceptions.repository.ts).
// Never deleted.
export type ReturnExceptionTable = {
  id: Generated<string>
  locationId: string
  kind: ColumnType<'later-deadline' | 'exempt', 'later-deadline' | 'exempt' | undefined, never>
  extraHours: number
  reason: string
  startsOn: ColumnType<string, string | undefined, never>
  lastDay: ColumnType<string | null, string | null | undefined, never>
  createdBy: string | null
  createdAt: Timestamp
  endedFrom: ColumnType<string | null, never, string>
  endedAt: ColumnType<Date | null, never, Date>
  endedBy: ColumnType<string | null, never, string>
  endReason: ColumnType<string | null, never, string>
}

export type SituationReturnTable = {
  id: Generated<string>
  locationId: string
  frequency: string
  periodStart: DateOnly
  version: number
  isCurrent: boolean
  datasetVersion: number
  values: ColumnType<Record<string, number | boolean | string | null>, string, string>
  nilReturn: boolean
  // Why a nil return has no figures (migration 0034); null on every other return.
  nilReason: ColumnType<NilReason | null, NilReason | null | undefined, never>
  nilDetails: ColumnType<string | null, string | null | undefined, never>
  nothingChanged: boolean
  source: 'web' | 'officer' | 'upload' | 'api' | 'import'
  timing: string
  submittedBy: string | null
  submittedAt: Date
  amendmentReason: string | null
  // The version's own cells of the returns CSV and the layout they were written in, both written by the
  // database when the version is saved (migration 0047; the dashboards' returns-csv-cells.ts).
  exportCells: ColumnType<string | null, never, never>
  exportLayout: ColumnType<string | null, never, null>
}

export type ReturnReminderTable = {
  locationId: string
  periodStart: DateOnly
  sentAt: Date
  recipients: number
}

export type ReturnChaseTable = {
  id: Generated<string>
  locationId: string
  periodStart: DateOnly
  note: string
  recordedBy: string
  recordedAt: Date
}
