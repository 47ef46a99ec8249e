import type { ColumnType, Generated } from 'kysely'
import type { DateOnly, Json, Timestamp } from '../../db/columns.ts'

// This capability's tables, as TypeScript sees them (src/db/schema.ts gathers every capability's).
export type VersionStatus = 'draft' | 'checking' | 'published' | 'withdrawn'

type MaybeTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>
type Bytes = ColumnType<Buffer | null, Buffer | Uint8Array | null, Buffer | Uint8Array | null>

export type PublicationTable = {
  id: Generated<string>
  councilId: string
  kind: string
  title: string
  createdBy: string | null
  createdAt: Timestamp
}

export type PublicationVersionTable = {
  id: Generated<string>
  publicationId: string
  version: number
  status: VersionStatus
  changeNote: string | null
  checkDays: number
  checkStartedAt: MaybeTimestamp
  checkClosesOn: DateOnly | null
  signedOffBy: string | null
  signedOffName: string | null
  publishedAt: MaybeTimestamp
  content: Json
  html: Bytes
  docx: Bytes
  csv: Bytes
  // A kind's own data file (grants' 360Giving JSON), stored at publication like the others.
  dataFile: Bytes
  dataFileName: string | null
  dataFileType: string | null
  createdBy: string | null
  createdAt: Timestamp
}

export type PublicationChallengeTable = {
  id: Generated<string>
  versionId: string
  providerId: string
  figure: string
  reason: string
  raisedBy: string | null
  raisedAt: Timestamp
  resolution: string | null
  resolvedBy: string | null
  resolvedAt: MaybeTimestamp
}

export type PublicationEventTable = {
  id: Generated<string>
  versionId: string
  kind: string
  details: Json
  actorUserId: string | null
  occurredAt: Timestamp
}
