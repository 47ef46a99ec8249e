import type { DbOrTransaction } from '../../db/database.ts'
import type { TeamStanding } from './domain/staffing-team.rules.ts'

// The staffing team's SQL: who is in a council's team, and who could be.

export async function standingOf(
  db: DbOrTransaction,
  userId: string,
  councilId: string,
): Promise<TeamStanding> {
  const row = await db
    .selectFrom('staffingTeamMembers')
    .select('isLead')
    .where('userId', '=', userId)
    .where('councilId', '=', councilId)
    .executeTakeFirst()
  return { member: row !== undefined, lead: row?.isLead ?? false }
}

// The council's active administrators and officers (the roles that may join), with their standing.
export async function teamCandidates(db: DbOrTransaction, councilId: string) {
  const rows = await db
    .selectFrom('users')
    .leftJoin('staffingTeamMembers as m', (j) =>
      j.onRef('m.userId', '=', 'users.id').on('m.councilId', '=', councilId),
    )
    .select(['users.id', 'users.displayName', 'users.email', 'users.role', 'm.isLead', 'm.addedAt'])
    .where('users.organisationId', '=', councilId)
    .where('users.role', 'in', ['admin', 'council_officer'])
    .where('users.status', '=', 'active')
    .orderBy('users.displayName')
    .orderBy('users.id')
    .execute()
  return rows.map((r) => ({
    id: r.id,
    displayName: r.displayName,
    email: r.email,
    role: r.role,
    addedAt: r.addedAt,
    member: r.addedAt !== null,
    lead: r.isLead === true,
  }))
}

export async function saveStanding(
  trx: DbOrTransaction,
  values: { userId: string; councilId: string; by: string; at: Date },
  standing: TeamStanding,
) {
  if (!standing.member) {
    await trx.deleteFrom('staffingTeamMembers').where('userId', '=', values.userId).execute()
    return
  }
  await trx
    .insertInto('staffingTeamMembers')
    .values({
      userId: values.userId,
      councilId: values.councilId,
      isLead: standing.lead,
      addedBy: values.by,
      addedAt: values.at,
    })
    .onConflict((oc) => oc.column('userId').doUpdateSet({ isLead: standing.lead }))
    .execute()
}
