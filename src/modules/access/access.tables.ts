import type { Generated } from 'kysely'
import type { Timestamp } from '../../db/columns.ts'

// This capability's tables, as TypeScript sees them (src/db/schema.ts gathers every capability's).
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
  // Two-step sign-in: the authenticator key, sealed (secret-box.ts); set up once confirmed with a code.
  twoStepKey: string | null
  twoStepSetUpAt: Date | null
  // The time step of the last code accepted: a code works once.
  twoStepLastStep: number | null
  createdAt: Timestamp
  updatedAt: Timestamp
}

// `stage`: how far the sign-in has got (domain/two-step.rules.ts); only 'signed_in' lets anyone in.
export type SessionTable = {
  tokenHash: string
  userId: string
  createdAt: Date
  lastSeenAt: Date
  stage: Generated<string>
}

export type TwoStepRecoveryCodeTable = {
  id: Generated<string>
  userId: string
  codeHash: string
  usedAt: Date | null
  createdAt: Date
}

export type OneTimeTokenTable = {
  tokenHash: string
  userId: string
  purpose: string
  expiresAt: Date
  usedAt: Date | null
  createdAt: Timestamp
}
