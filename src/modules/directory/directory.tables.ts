import type { ColumnType, Generated } from 'kysely'
import type { DateOnly, Timestamp } from '../../db/columns.ts'
import type { ProviderCounts } from './domain/cqc-import/providers-file.ts'

// This capability's tables, as TypeScript sees them (src/db/schema.ts gathers every capability's).
export type ProviderTable = {
  id: Generated<string>
  cqcProviderId: string | null
  name: string
  companiesHouseNumber: string | null
  ownership: string | null
  // The registered address and brand, from the CQC's provider records (migration 0032).
  addressLine1: string | null
  addressLine2: string | null
  town: string | null
  postcode: string | null
  brandId: string | null
  brandName: string | null
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

// A location's registered beds from a date (kept by triggers on locations: migration 0029).
export type LocationBedHistoryTable = {
  id: Generated<string>
  locationId: string
  registeredBeds: number | null
  effectiveFrom: DateOnly
  recordedAt: Generated<Date>
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
  // A providers file's changes (domain/cqc-import/providers-file.ts); unset for a locations file.
  providers?: ProviderCounts
}
