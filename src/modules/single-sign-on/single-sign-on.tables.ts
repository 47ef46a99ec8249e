import type { ColumnType, Generated } from 'kysely'
import type { Timestamp } from '../../db/columns.ts'

// This capability's tables, as TypeScript sees them (src/db/schema.ts gathers every capability's).
export type SingleSignOnSettingsTable = {
  organisationId: string
  issuerUrl: string
  clientId: string
  clientSecretSealed: string
  groupsClaim: Generated<string>
  // { group value: CareHub role }, written as JSON text.
  groupRoles: ColumnType<Record<string, string>, string, string>
  passwordSignInOff: Generated<boolean>
  enabled: Generated<boolean>
  fromEnvironment: Generated<boolean>
  createdAt: Timestamp
  updatedAt: Timestamp
}

export type SingleSignOnIdentityTable = {
  issuerUrl: string
  subject: string
  userId: string
  createdAt: Timestamp
}

export type SingleSignOnPendingTable = {
  stateHash: string
  organisationId: string
  nonce: string
  codeVerifier: string
  expiresAt: Date
}

export type SingleSignOnSessionTable = {
  sessionTokenHash: string
  organisationId: string
}

export type SingleSignOnTables = {
  singleSignOnSettings: SingleSignOnSettingsTable
  singleSignOnIdentities: SingleSignOnIdentityTable
  singleSignOnPending: SingleSignOnPendingTable
  singleSignOnSessions: SingleSignOnSessionTable
}
