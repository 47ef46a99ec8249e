import type { DbOrTransaction } from '../../db/database.ts'
import type { Actor } from '../../domain/policy.ts'
import { isOrganisationKind, isRole } from '../../domain/roles.ts'

import type { SignedInUser } from '../../web/session.ts'

export type { SignedInUser }

// Builds the Actor the policy works with: role, organisation and the councils whose market it sees.
export async function loadActor(
  db: DbOrTransaction,
  userId: string,
): Promise<{ actor: Actor; user: SignedInUser } | null> {
  const row = await db
    .selectFrom('users')
    .innerJoin('organisations', 'organisations.id', 'users.organisationId')
    .select([
      'users.id',
      'users.email',
      'users.displayName',
      'users.role',
      'users.status',
      'users.organisationId',
      'organisations.name as organisationName',
      'organisations.kind as organisationKind',
      'organisations.providerId',
    ])
    .where('users.id', '=', userId)
    .executeTakeFirst()
  if (row?.status !== 'active' || !isRole(row.role) || !isOrganisationKind(row.organisationKind)) return null

  let councilIds: string[] = []
  if (row.organisationKind === 'council') {
    councilIds = [row.organisationId]
  } else if (row.organisationKind !== 'provider' && row.organisationKind !== 'region') {
    const links = await db
      .selectFrom('partnerCouncils')
      .select('councilId')
      .where('partnerId', '=', row.organisationId)
      .orderBy('councilId')
      .execute()
    councilIds = links.map((l) => l.councilId)
  }
  return {
    actor: {
      userId: row.id,
      role: row.role,
      organisationId: row.organisationId,
      organisationKind: row.organisationKind,
      councilIds,
      providerId: row.organisationKind === 'provider' ? row.providerId : null,
    },
    user: {
      id: row.id,
      email: row.email,
      displayName: row.displayName,
      organisationName: row.organisationName,
    },
  }
}
