import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely'

// Row types, as TypeScript sees them (CamelCasePlugin maps to snake_case SQL). Checked by the type-check
// against every query; the schema test compares them with the migrated database.

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>
type DateOnly = ColumnType<string, string, string>
type Json = ColumnType<unknown, string | null, string | null>

export type OrganisationTable = {
  id: Generated<string>
  name: string
  kind: string
  onsCode: string | null
  odsCode: string | null
  providerId: string | null
  createdAt: Timestamp
  updatedAt: Timestamp
}

export type PartnerCouncilTable = { partnerId: string; councilId: string }

export type ProviderTable = {
  id: Generated<string>
  cqcProviderId: string | null
  name: string
  companiesHouseNumber: string | null
  ownership: string | null
  createdAt: Timestamp
  updatedAt: Timestamp
}

export type LocationTable = {
  id: Generated<string>
  providerId: string
  cqcLocationId: string | null
  odsCode: string | null
  name: string
  addressLine1: string | null
  addressLine2: string | null
  town: string | null
  postcode: string | null
  councilId: string | null
  localAuthorityName: string | null
  area: string | null
  serviceType: string
  registeredBeds: number | null
  peopleSupported: number | null
  cqcRating: string | null
  cqcRatingDate: DateOnly | null
  registrationStart: DateOnly | null
  registrationEnd: DateOnly | null
  dormant: Generated<boolean>
  status: Generated<string>
  bcpReviewedOn: DateOnly | null
  nhsmail: boolean | null
  lastImportId: string | null
  createdAt: Timestamp
  updatedAt: Timestamp
}

export type CouncilContractTable = { councilId: string; locationId: string; createdAt: Timestamp }

export type UserTable = {
  id: Generated<string>
  email: string
  displayName: string
  role: string
  organisationId: string
  passwordHash: string | null
  status: Generated<string>
  failedSignInCount: Generated<number>
  lockedUntil: Date | null
  lastSignedInAt: Date | null
  isApprover: Generated<boolean>
  createdAt: Timestamp
  updatedAt: Timestamp
}

export type SessionTable = { tokenHash: string; userId: string; createdAt: Date; lastSeenAt: Date }

export type OneTimeTokenTable = {
  tokenHash: string
  userId: string
  purpose: string
  expiresAt: Date
  usedAt: Date | null
  createdAt: Timestamp
}

export type AuditEventTable = {
  id: Generated<string>
  occurredAt: Timestamp
  actorUserId: string | null
  organisationId: string | null
  // The council whose data changed, beside the actor's organisation (set by CQC imports).
  councilId: Generated<string | null>
  action: string
  entityType: string
  entityId: string | null
  before: Json
  after: Json
}

export type OutboxMessageTable = {
  id: Generated<string>
  createdAt: Timestamp
  kind: string
  toAddress: string
  subject: string
  body: string
  status: Generated<string>
  attempts: Generated<number>
  nextAttemptAt: Timestamp
  lastError: string | null
  sentAt: Date | null
}

export type LocationStatusEventTable = {
  id: Generated<string>
  locationId: string
  status: 'open' | 'dormant' | 'closed'
  effectiveFrom: DateOnly
  source: string
  importId: string | null
  recordedBy: string | null
  recordedAt: Timestamp
}

export type LocationContactTable = {
  id: Generated<string>
  locationId: string
  name: string
  jobTitle: string | null
  phone: string | null
  email: string | null
  createdAt: Timestamp
  updatedAt: Timestamp
}

export type CqcImportTable = {
  id: Generated<string>
  fileName: string
  fileHash: string
  fileContent: Buffer
  format: string | null
  areaName: string | null
  closeMissing: boolean
  status: string
  counts: ColumnType<ImportCounts, string, string>
  problemsCsv: string
  error: string | null
  createdBy: string | null
  organisationId: string | null
  // The council whose market the import may change; null for an install-wide import.
  councilId: Generated<string | null>
  // Written every few seconds while saving: a save whose heartbeat stops has died with its process.
  heartbeatAt: Generated<Date | null>
  createdAt: Timestamp
  savedAt: Date | null
}

export type ImportCounts = {
  rows: number
  create: number
  update: number
  unchanged: number
  skip: number
  errors: number
  close: number
}

export type ReturnTemplateTable = {
  serviceType: string
  frequency: 'daily' | 'weekly' | 'monthly'
  opensAfterHours: number
  dueAfterHours: number
  locksAfterHours: number
  updatedAt: Timestamp
}

export type ReturnExceptionTable = {
  locationId: string
  extraHours: number
  reason: string
  createdBy: string | null
  createdAt: Timestamp
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
  nothingChanged: boolean
  source: 'web' | 'officer' | 'upload' | 'api' | 'import'
  timing: string
  submittedBy: string | null
  submittedAt: Date
  amendmentReason: string | null
}

export type ApiTokenTable = {
  id: Generated<string>
  tokenHash: string
  tokenHint: string
  name: string
  providerId: string
  createdBy: string
  createdAt: Timestamp
  lastUsedAt: Date | null
  revokedAt: Date | null
  revokedBy: string | null
}

export type IdempotencyKeyTable = {
  tokenId: string
  key: string
  requestHash: string
  statusCode: number
  response: ColumnType<unknown, string, string>
  createdAt: Timestamp
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

export type Severity = 'red' | 'amber'
export type Rag = 'red' | 'amber' | 'green'
export type ContactCategory =
  | 'ppe'
  | 'staffing'
  | 'infection_control'
  | 'finance'
  | 'safeguarding'
  | 'guidance'
  | 'other'

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

export type CaseStatus = 'open' | 'owned' | 'action_taken' | 'resolved'

export type CaseTable = {
  id: Generated<string>
  locationId: string
  status: CaseStatus
  owningOrganisationId: string | null
  ownerUserId: string | null
  openedAt: Date
  resolvedAt: Date | null
  resolvedBy: string | null
  resolutionNote: string | null
  updatedAt: Timestamp
}

export type CaseEventTable = {
  id: Generated<string>
  caseId: string
  kind: string
  note: string | null
  details: Json
  actorUserId: string | null
  occurredAt: Date
}

export type CaseActionTable = {
  id: Generated<string>
  caseId: string
  description: string
  dueOn: DateOnly | null
  ownerUserId: string | null
  status: ColumnType<'open' | 'done', 'open' | 'done' | undefined, 'open' | 'done'>
  createdBy: string | null
  createdAt: Date
  completedBy: string | null
  completedAt: Date | null
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
export type AlertNotificationTable = { alertId: string; notifiedAt: Date; recipients: number }

export type SettingTable = {
  id: Generated<string>
  // The council whose setting this is; null for the install's default (migration 0015).
  councilId: string | null
  key: string
  value: ColumnType<unknown, string, string>
  updatedBy: string | null
  updatedAt: Timestamp
}

export type ContactLogEntryTable = {
  id: Generated<string>
  locationId: string
  organisationId: string
  officerUserId: string
  spokeTo: string | null
  method: 'call' | 'email' | 'visit' | 'video_call' | 'meeting'
  direction: 'outgoing' | 'incoming'
  category: ContactCategory
  state: 'planned' | 'done' | 'cancelled'
  contactAt: Date
  summary: string
  actionsAgreed: string | null
  followUpOn: DateOnly | null
  followUpDoneAt: Date | null
  restricted: ColumnType<boolean, boolean | undefined, boolean>
  createdAt: Date
  updatedAt: Date
}

export type ContactLogAlertTable = { contactId: string; alertId: string }

export type EnquiryStatus = 'new' | 'in_progress' | 'answered' | 'closed'

export type EnquiryTable = {
  id: Generated<string>
  reference: Generated<string>
  councilId: string
  locationId: string | null
  providerId: string | null
  channel: 'web' | 'phone' | 'email'
  category: ContactCategory
  question: string
  askedByUserId: string | null
  askedByName: string | null
  status: EnquiryStatus
  ownerUserId: string | null
  response: string | null
  respondedAt: Date | null
  respondedBy: string | null
  receivedAt: Date
  dueAt: Date
  closedAt: Date | null
  updatedAt: Date
}

export type EnquiryEventTable = {
  id: Generated<string>
  enquiryId: string
  kind: string
  details: Json
  actorUserId: string | null
  occurredAt: Date
}

export type FaqEntryTable = {
  id: Generated<string>
  councilId: string
  category: string
  question: string
  answer: string
  sourceEnquiryId: string | null
  published: ColumnType<boolean, boolean | undefined, boolean>
  createdBy: string | null
  createdAt: Date
  updatedAt: Date
}

// One day's dashboard figures for one council's locations of one service type (see migration 0009).
export type DashboardDailyTable = {
  day: DateOnly
  councilKey: string
  serviceType: string
  contractedAny: boolean
  expected: number
  reported: number
  onTime: number
  ppeRed: number
  outbreak: number
  closedToAdmissions: number
  staffAbsent: ColumnType<string, number | string, number | string>
  staffEmployed: ColumnType<string, number | string, number | string>
  bedsAvailable: ColumnType<string, number | string, number | string>
  vacantBeds: ColumnType<string, number | string, number | string>
  casesWeek: ColumnType<string, number | string, number | string>
  deathsWeek: ColumnType<string, number | string, number | string>
}

// The same figures as each council sees them, by area, in or out of area and contracted (migration 0012).
export type DashboardCouncilDailyTable = Omit<DashboardDailyTable, 'councilKey'> & {
  councilId: string
  area: string
  inArea: boolean
  contracted: boolean
}

export type Database = {
  organisations: OrganisationTable
  partnerCouncils: PartnerCouncilTable
  providers: ProviderTable
  locations: LocationTable
  councilContracts: CouncilContractTable
  users: UserTable
  sessions: SessionTable
  oneTimeTokens: OneTimeTokenTable
  auditEvents: AuditEventTable
  outboxMessages: OutboxMessageTable
  locationStatusEvents: LocationStatusEventTable
  locationContacts: LocationContactTable
  cqcImports: CqcImportTable
  returnTemplates: ReturnTemplateTable
  returnExceptions: ReturnExceptionTable
  situationReturns: SituationReturnTable
  apiTokens: ApiTokenTable
  idempotencyKeys: IdempotencyKeyTable
  returnReminders: ReturnReminderTable
  returnChases: ReturnChaseTable
  riskRuleVersions: RiskRuleVersionTable
  cases: CaseTable
  caseEvents: CaseEventTable
  caseActions: CaseActionTable
  alerts: AlertTable
  alertEvents: AlertEventTable
  locationRisk: LocationRiskTable
  returnRiskFigures: ReturnRiskFiguresTable
  alertNotifications: AlertNotificationTable
  settings: SettingTable
  contactLogEntries: ContactLogEntryTable
  contactLogAlerts: ContactLogAlertTable
  enquiries: EnquiryTable
  enquiryEvents: EnquiryEventTable
  faqEntries: FaqEntryTable
  dashboardDaily: DashboardDailyTable
  dashboardCouncilDaily: DashboardCouncilDailyTable
  dashboardDaysBuilt: { day: DateOnly; builtAt: Timestamp }
  dashboardStale: { day: DateOnly; councilKey: string }
  riskQueue: { id: Generated<string>; locationId: string; queuedAt: Timestamp }
}

export type Organisation = Selectable<OrganisationTable>
export type Provider = Selectable<ProviderTable>
export type Location = Selectable<LocationTable>
export type NewLocation = Insertable<LocationTable>
export type User = Selectable<UserTable>
export type UserUpdate = Updateable<UserTable>
export type AuditEvent = Selectable<AuditEventTable>
export type OutboxMessage = Selectable<OutboxMessageTable>
