import type { Db } from '../../db/database.ts'
import type { Clock } from '../../domain/clock.ts'
import { isUuid } from '../../domain/outcome.ts'
import type { Actor } from '../../domain/policy.ts'
import { recordAudit } from '../audit/index.ts'
import {
  councilAdmin,
  mayChangeStaffingTeam,
  standingAfter,
  type TeamChange,
  teamChangeRefusal,
  teamChanges,
} from './domain/staffing-team.rules.ts'
import { mayJoinStaffingTeam, mayManageStaffing } from './domain/staffing.rules.ts'
import { staffingAuditActions as actions } from './emergency-staffing.audit-actions.ts'
import { saveStanding, standingOf, teamCandidates } from './staffing-team.repository.ts'

const changeActions = {
  add: actions.teamMemberAdded,
  remove: actions.teamMemberRemoved,
  lead: actions.teamLeadNamed,
  unlead: actions.teamLeadRemoved,
} as const

// Whether the actor is in their council's staffing team now: the role and a membership row both.
export async function inStaffingTeam(db: Db, actor: Actor): Promise<boolean> {
  if (!mayJoinStaffingTeam(actor)) return false
  return mayManageStaffing(actor, (await standingOf(db, actor.userId, actor.organisationId)).member)
}

// The staffing team: who is in it, changed by the council's administrator or a staffing lead; every
// change audited with who made it.
export function createStaffingTeamService(deps: { db: Db; clock: Clock }) {
  const { db, clock } = deps

  async function own(actor: Actor) {
    if (actor.organisationKind !== 'council') return null
    const standing = await standingOf(db, actor.userId, actor.organisationId)
    return mayChangeStaffingTeam(actor, standing) ? standing : null
  }

  // The team page: the council's administrators and officers, and who is in the team or leads it.
  async function team(actor: Actor) {
    const standing = await own(actor)
    if (!standing) return null
    return { people: await teamCandidates(db, actor.organisationId), admin: councilAdmin(actor) }
  }

  // A change to one colleague's standing; null (404) when the actor may not change the team or the
  // colleague is not theirs; a refusal in words when the change does not apply.
  async function change(actor: Actor, userId: string, change: string) {
    const standing = await own(actor)
    if (!standing || !isUuid(userId) || !(teamChanges as readonly string[]).includes(change)) return null
    const target = (await teamCandidates(db, actor.organisationId)).find((c) => c.id === userId)
    if (!target) return null
    const refusal = teamChangeRefusal(actor, standing, change as TeamChange, target)
    if (refusal) return { ok: false as const, error: refusal, name: target.displayName }
    const after = standingAfter(change as TeamChange, target)
    const now = clock.now()
    await db.transaction().execute(async (trx) => {
      await saveStanding(trx, { userId, councilId: actor.organisationId, by: actor.userId, at: now }, after)
      await recordAudit(trx, {
        actorUserId: actor.userId,
        organisationId: actor.organisationId,
        councilId: actor.organisationId,
        action: changeActions[change as TeamChange],
        entityType: 'user',
        entityId: userId,
        before: { member: target.member, lead: target.lead },
        after,
        occurredAt: now,
      })
    })
    return { ok: true as const, name: target.displayName, change: change as TeamChange }
  }

  // Whether the actor may open the team page (for a link to it).
  const mayChange = async (actor: Actor) => (await own(actor)) !== null

  return { team, change, mayChange }
}

export type StaffingTeamService = ReturnType<typeof createStaffingTeamService>
