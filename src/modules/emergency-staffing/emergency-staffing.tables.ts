import type { ColumnType, Generated } from 'kysely'
import type { DateOnly, Timestamp } from '../../db/columns.ts'
import type { CheckKind, StaffRole } from './domain/matching.ts'
import type { DeploymentStatus, RequestReason, RequestStatus, Urgency } from './domain/staffing.rules.ts'

// This capability's tables, as TypeScript sees them (src/db/schema.ts gathers every capability's).
// Money is in pence: bigint columns, read back as strings by the driver and turned to numbers here.
type Pence = ColumnType<string, number, number>

export type StaffingBudgetTable = {
  id: Generated<string>
  councilId: string
  name: string
  allocationPence: Pence
  createdAt: Timestamp
}

export type StaffingRequestTable = {
  id: Generated<string>
  reference: Generated<string>
  councilId: string
  locationId: string
  reason: RequestReason
  urgency: Urgency
  details: string | null
  status: RequestStatus
  outcomeReason: string | null
  requestedByUserId: string
  requestedAt: Timestamp
  closedAt: Timestamp | null
  closedByUserId: string | null
}

// Who is in a council's staffing team (sees the pool, matches and deploys); a lead may change the team.
export type StaffingTeamMemberTable = {
  userId: string
  councilId: string
  isLead: Generated<boolean>
  addedBy: string | null
  addedAt: Timestamp
}

// A shift's times are minutes after the midnight it starts from: an end above 1440 is the next day.
export type StaffingRequestShiftTable = {
  id: Generated<string>
  requestId: string
  role: StaffRole
  shiftOn: DateOnly
  startsMinute: number
  endsMinute: number
  peopleNeeded: number
}

export type StaffingPoolPersonTable = {
  id: Generated<string>
  councilId: string
  name: string
  employer: string
  role: StaffRole
  skills: string | null
  phone: string | null
  createdAt: Timestamp
  updatedAt: Timestamp
  // Set when the retention period removed their details (migration 0044): kept for their deployments only.
  personalDataRemovedAt: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>
}

export type StaffingPoolCheckTable = {
  personId: string
  kind: CheckKind
  reference: string | null
  expiresOn: DateOnly
}

export type StaffingPoolAvailabilityTable = { personId: string; availableOn: DateOnly }

export type StaffingDeploymentTable = {
  id: Generated<string>
  shiftId: string
  personId: string
  budgetId: string
  shiftOn: DateOnly
  status: DeploymentStatus
  hourlyRatePence: Pence
  minutesWorked: number
  costPence: Pence
  overspendConfirmedByUserId: string | null
  overspendConfirmedAt: Timestamp | null
  deployedByUserId: string
  deployedAt: Timestamp
  updatedAt: Timestamp
}
