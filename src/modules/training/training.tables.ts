import type { ColumnType, Generated } from 'kysely'
import type { DateOnly, Timestamp } from '../../db/columns.ts'

// This capability's tables, as TypeScript sees them (src/db/schema.ts gathers every capability's).
export type TrainingKind = 'ipc_course' | 'train_the_trainer' | 'e_learning' | 'webinar'
export type UptakeStatus = 'offered' | 'accepted' | 'declined' | 'booked' | 'delivered'
export type TrainerRating = 'poor' | 'fair' | 'good' | 'excellent'

export type TrainingOfferTable = {
  id: Generated<string>
  councilId: string
  kind: TrainingKind
  title: string
  deliveredBy: string
  startsOn: DateOnly
  endsOn: DateOnly | null
  capacity: number | null
  // Commercially sensitive: never published.
  costPence: ColumnType<string | null, bigint | number | string | null, bigint | number | string | null>
  createdAt: Timestamp
}

export type TrainingUptakeTable = {
  id: Generated<string>
  offerId: string
  providerId: string
  status: UptakeStatus
  declineReason: string | null
  attendees: number | null
  recordedBy: string | null
  recordedAt: Timestamp
}

export type TrainingLicenceImportTable = {
  id: Generated<string>
  councilId: string
  offerId: string
  fileName: string
  importedBy: string | null
  importedAt: Timestamp
}

export type TrainingLicenceTable = {
  importId: string
  organisationName: string
  providerId: string | null
  licences: number
  coursesTaken: number
}

export type TrainingFeedbackTable = {
  id: Generated<string>
  offerId: string
  providerId: string | null
  trainerKnowledge: TrainerRating
  responsive: boolean
  knowledgeIncreased: boolean
  recordedBy: string | null
  recordedAt: Timestamp
}
