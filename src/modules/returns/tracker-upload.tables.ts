import type { ColumnType, Generated } from 'kysely'
import type { Timestamp } from '../../db/columns.ts'
import type { TrackerUploadCounts, TrackerUploadRow } from './domain/tracker-extract.ts'

// A capacity tracker extract uploaded from the browser: kept from its preview to its confirmation.
export type CapacityTrackerImportTable = {
  id: Generated<string>
  councilId: string
  fileName: string
  fileHash: string
  fileContent: Buffer
  // care-homes, home-care or combined (domain/tracker-extract.ts).
  shape: string
  // previewed, then saved; or already-imported (the same file was saved before: nothing to do).
  status: string
  counts: ColumnType<TrackerUploadCounts, string, string>
  // Each row as the preview read it, then as the save left it: matched, unmatched, invalid and the rest.
  rows: ColumnType<TrackerUploadRow[], string, string>
  previewedBy: string
  previewedAt: Timestamp
  savedBy: string | null
  savedAt: Date | null
}
