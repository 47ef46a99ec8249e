import type { ColumnType, Generated } from 'kysely'
import type { DateOnly, Json, Timestamp } from '../../db/columns.ts'

// This capability's tables, as TypeScript sees them (src/db/schema.ts gathers every capability's).
export type Severity = 'red' | 'amber'

export type Rag = 'red' | 'amber' | 'green'

export type RiskRuleVersionTable = {
  id: Generated<string>
  // The council whose rule this is; null for the install's defaults (migration 0015).
  councilId: string | null
  ruleKey: string
  version: number
  isCurrent: boolean
  name: string
  condition: string
  severity: Severity
  message: string
  enabled: ColumnType<boolean, boolean | undefined, boolean>
  changeNote: string | null
  changedBy: string | null
  changedAt: Timestamp
}

export type AlertSource = 'rule' | 'capacity_tracker' | 'intelligence'

export type AlertTable = {
  id: Generated<string>
  locationId: string
  caseId: string
  source: AlertSource
  alertKey: string
  ruleVersionId: string | null
  severity: Severity
  title: string
  message: string
  evidence: ColumnType<Record<string, unknown>, string, string>
  status: 'open' | 'resolved'
  raisedAt: Date
  raisedBy: string | null
  raisedByReturnId: string | null
  evidenceUpdatedAt: Date
  resolvedAt: Date | null
  resolvedBy: string | null
  resolvedByReturnId: string | null
  resolutionNote: string | null
}

export type AlertEventTable = {
  id: Generated<string>
  alertId: string
  kind: 'raised' | 'evidence_updated' | 'resolved' | 'note'
  evidence: Json
  note: string | null
  returnId: string | null
  actorUserId: string | null
  occurredAt: Date
}

// Kept by a trigger from each current return (migration 0013): what the risk rules read, narrowly.

export type ReturnRiskFiguresTable = {
  locationId: string
  periodStart: DateOnly
  frequency: string
  returnId: string
  submittedAt: Date
  confirmedCases: number
  suspectedCases: number
  deaths: number
  ppeDaysGloves: number | null
  ppeDaysAprons: number | null
  ppeDaysTypeIirMasks: number | null
  ppeDaysFfp3Masks: number | null
  ppeDaysEyeProtection: number | null
  ppeDaysHandSanitiser: number | null
  staffEmployed: number | null
  staffAbsentCovid: number | null
  staffAbsentOther: number | null
  bedsAvailable: number | null
  bedsOccupied: number | null
  closedToAdmissions: boolean | null
  helpRequested: string | null
}

export type LocationRiskTable = {
  locationId: string
  rag: Rag
  openAlerts: ColumnType<number, number | undefined, number>
  openCaseId: string | null
  updatedAt: Date
}

// A red alert e-mailed to its owning team (one row per alert, claimed by the notification job).

export type SettingTable = {
  id: Generated<string>
  // The council whose setting this is; null for the install's default (migration 0015).
  councilId: string | null
  key: string
  value: ColumnType<unknown, string, string>
  updatedBy: string | null
  updatedAt: Timestamp
}
