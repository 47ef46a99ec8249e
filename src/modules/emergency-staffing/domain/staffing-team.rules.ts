import type { Actor } from '../../../domain/policy.ts'
import { can } from '../../../domain/policy.ts'
import { mayJoinStaffingTeam } from './staffing.rules.ts'

// Who is in a council's staffing team is decided per user: the pool is personal data. The council's
// administrator, or a staffing lead, adds and removes members; only the administrator names the leads.

export const teamChanges = ['add', 'remove', 'lead', 'unlead'] as const
export type TeamChange = (typeof teamChanges)[number]

export type TeamStanding = { member: boolean; lead: boolean }

export const councilAdmin = (actor: Actor) =>
  can(actor, 'users:manage') && actor.organisationKind === 'council'

// Who may open the team page at all: the council's administrator, or a lead of its staffing team.
export const mayChangeStaffingTeam = (actor: Actor, own: TeamStanding) =>
  councilAdmin(actor) || (own.lead && mayJoinStaffingTeam(actor))

// Whether this change may be made to this colleague; the reason when not, in the users' words.
export function teamChangeRefusal(
  actor: Actor,
  own: TeamStanding,
  change: TeamChange,
  target: TeamStanding,
): string | null {
  if (!mayChangeStaffingTeam(actor, own)) return 'You cannot change the staffing team'
  const admin = councilAdmin(actor)
  switch (change) {
    case 'add':
      return target.member ? 'They are already in the staffing team' : null
    case 'remove':
      if (!target.member) return 'They are not in the staffing team'
      return target.lead && !admin ? 'Only an administrator can remove a staffing lead' : null
    case 'lead':
      if (!admin) return 'Only an administrator can name a staffing lead'
      return target.lead ? 'They are already a staffing lead' : null
    case 'unlead':
      if (!admin) return 'Only an administrator can change a staffing lead'
      return target.lead ? null : 'They are not a staffing lead'
  }
}

// The standing after a change: naming a lead adds them to the team; removing someone ends their lead.
export function standingAfter(change: TeamChange, before: TeamStanding): TeamStanding {
  switch (change) {
    case 'add':
      return { member: true, lead: before.lead }
    case 'remove':
      return { member: false, lead: false }
    case 'lead':
      return { member: true, lead: true }
    case 'unlead':
      return { member: before.member, lead: false }
  }
}
