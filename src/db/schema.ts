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
}

export type Organisation = Selectable<OrganisationTable>
export type Provider = Selectable<ProviderTable>
export type Location = Selectable<LocationTable>
export type NewLocation = Insertable<LocationTable>
export type User = Selectable<UserTable>
export type UserUpdate = Updateable<UserTable>
export type AuditEvent = Selectable<AuditEventTable>
export type OutboxMessage = Selectable<OutboxMessageTable>
