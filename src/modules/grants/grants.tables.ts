import type { ColumnType, Generated } from 'kysely'
import type { DateOnly, Json, Timestamp } from '../../db/columns.ts'

// This capability's tables, as TypeScript sees them (src/db/schema.ts gathers every capability's).
// Money columns are bigint in pence: read as strings by the driver, written as bigint or string.
type Pence = ColumnType<string, bigint | string, bigint | string>

export type GrantRoundTable = {
  id: Generated<string>
  councilId: string
  name: string
  potPence: Pence
  retainedPence: Pence
  retainedPurpose: string | null
  formulaShareBp: number
  // Basis points per person supported to home care, beside the formula's share to care homes.
  homeCareShareBp: Generated<number>
  basis: string
  snapshotDate: DateOnly
  roundDate: DateOnly
  passOnWorkingDays: number
  rules: Json
  measuresAllowed: Json
  measuresNotAllowed: Json
  clawbackUnspent: boolean
  funderId: string
  potSource: string | null
  status: Generated<string>
  committedBy: string | null
  committedAt: Date | null
  createdBy: string | null
  createdAt: Timestamp
  updatedAt: Timestamp
}

export type GrantTrancheTable = {
  id: Generated<string>
  roundId: string
  number: number
  payOn: DateOnly
  shareBp: number
}

export type GrantPreviewTable = {
  id: Generated<string>
  roundId: string
  number: number
  lines: Json
  formulaPence: Pence
  discretionaryPence: Pence
  totalBasis: Pence
  createdBy: string | null
  createdAt: Timestamp
}

export type GrantAllocationTable = {
  id: Generated<string>
  roundId: string
  locationId: string
  providerId: string
  basisValue: number
  eligible: boolean
  reason: string | null
  amountPence: Pence
  explanation: string
  decision: 'accepted' | 'declined' | null
  decidedByName: string | null
  decidedOn: DateOnly | null
  decidedBy: string | null
}

export type GrantPaymentTable = {
  id: Generated<string>
  allocationId: string
  trancheId: string
  amountPence: Pence
  paidOn: DateOnly
  recordedBy: string | null
  recordedAt: Timestamp
}

export type GrantSpendReturnTable = {
  allocationId: string
  amounts: Json
  spentPence: Pence
  unspentPence: Pence
  clawbackPence: Pence
  recoveredPence: Generated<string>
  recoveredOn: DateOnly | null
  submittedBy: string | null
  submittedAt: Timestamp
}
