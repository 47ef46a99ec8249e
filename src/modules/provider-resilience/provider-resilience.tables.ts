import type { Generated } from 'kysely'
import type { DateOnly, Timestamp } from '../../db/columns.ts'

// This capability's tables, as TypeScript sees them (src/db/schema.ts gathers every capability's).
export type LocationResilienceTable = {
  locationId: string
  planReference: string | null
  planReviewedOn: DateOnly | null
  planReviewDue: DateOnly | null
  // The gaps found when the plan was last reviewed, one a line ('' when none).
  planGaps: string
  fundedByCouncil: number | null
  fundedByNhs: number | null
  selfFunded: number | null
  directPayments: number | null
  contingencyProvider: string | null
  financialConcern: string
  updatedBy: string | null
  updatedAt: Timestamp
}

export type ProtectionPlanTable = {
  id: Generated<string>
  locationId: string
  caseId: string
  status: 'open' | 'closed'
  triggeringIndicators: string
  measures: string
  monitoredBy: string
  nextReviewOn: DateOnly | null
  openedBy: string | null
  openedAt: Timestamp
  closedBy: string | null
  closedAt: Timestamp | null
}

export type ProtectionPlanReviewTable = {
  id: Generated<string>
  planId: string
  reviewedOn: DateOnly
  findings: string
  nextReviewOn: DateOnly | null
  closesPlan: boolean
  recordedBy: string | null
  recordedAt: Timestamp
}
