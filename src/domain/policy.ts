import type { OrganisationKind, Role } from './roles.ts'

// One place decides what each role may read and write. Services call it for every read and write;
// repositories turn a Scope into WHERE clauses. Pure: no I/O.

export type Actor = {
  userId: string
  role: Role
  organisationId: string
  organisationKind: OrganisationKind
  // The councils whose market this actor sees: its own council, or the councils a partner serves.
  councilIds: readonly string[]
  // Set only for provider managers: the one provider they act for.
  providerId: string | null
}

// Which locations (and everything hanging off them) an actor may see.
export type Scope =
  | { kind: 'everything' }
  | { kind: 'councils'; councilIds: readonly string[] }
  | { kind: 'provider'; providerId: string }
  | { kind: 'nothing' }

export type Permission =
  | 'locations:read'
  | 'locations:write'
  | 'locations:import'
  | 'contacts:read'
  | 'users:manage'
  | 'organisations:manage'
  | 'audit:read'
  | 'outbox:read'
  // Read the worklist and cases; work them (take ownership, pass on, actions, resolve, close).
  | 'cases:read'
  | 'cases:work'
  // Change the install's defaults: the risk rules and settings every new council starts with.
  | 'install-defaults:manage'
  // Communications (issue 25): send bulletins and surveys, keep the resource pack and events, issue
  // letters; a provider reads what was sent to it and answers surveys.
  | 'communications:send'
  | 'communications:read'

const permissionsByRole: Record<Role, readonly Permission[]> = {
  admin: [
    'locations:read',
    'locations:import',
    'locations:write',
    'contacts:read',
    'users:manage',
    'organisations:manage',
    'audit:read',
    'outbox:read',
    'cases:read',
    'cases:work',
    // Communications (issue 25)
    'communications:send',
    'communications:read',
  ],
  council_officer: [
    'locations:read',
    'locations:write',
    'locations:import',
    'contacts:read',
    'cases:read',
    'cases:work',
    // Communications (issue 25)
    'communications:send',
    'communications:read',
  ],
  finance_officer: ['locations:read', 'contacts:read', 'cases:read'],
  partner_officer: ['locations:read', 'contacts:read', 'cases:read', 'cases:work'],
  viewer: ['locations:read', 'cases:read'],
  regional_viewer: ['locations:read', 'cases:read'],
  // Providers never see cases: they may hold concerns not yet raised with them.
  provider_manager: ['locations:read', 'communications:read'],
  // Reads like a regional viewer; changes only the install's defaults, never a council's own.
  install_admin: ['locations:read', 'cases:read', 'install-defaults:manage'],
}

export function can(actor: Actor, permission: Permission): boolean {
  return permissionsByRole[actor.role].includes(permission)
}

// A regional body sees across councils; everybody else is held to their councils or their provider.
export function locationScope(actor: Actor): Scope {
  if (actor.organisationKind === 'region') return { kind: 'everything' }
  if (actor.role === 'provider_manager') {
    return actor.providerId ? { kind: 'provider', providerId: actor.providerId } : { kind: 'nothing' }
  }
  if (actor.councilIds.length === 0) return { kind: 'nothing' }
  return { kind: 'councils', councilIds: actor.councilIds }
}

// Organisations whose users and audit records an admin may manage: for a council admin, the council
// itself, partners linked to it, and providers with a location the council sees.
export type OrganisationScope =
  | { kind: 'everything' }
  | { kind: 'councils'; councilIds: readonly string[] }
  | { kind: 'nothing' }

export function organisationScope(actor: Actor): OrganisationScope {
  if (!can(actor, 'users:manage')) return { kind: 'nothing' }
  if (actor.organisationKind === 'region') return { kind: 'everything' }
  return actor.councilIds.length ? { kind: 'councils', councilIds: actor.councilIds } : { kind: 'nothing' }
}

// Which roles an actor may give when inviting someone.
export function assignableRoles(
  actor: Actor,
  targetKind: OrganisationKind,
  allowed: readonly Role[],
): Role[] {
  if (!can(actor, 'users:manage')) return []
  return allowed.filter((role) => {
    // An install administrator is made with the CLI only (`carehub user create --role install_admin`).
    if (role === 'install_admin') return false
    // Only a regional administrator creates regional roles.
    if ((role === 'regional_viewer' || targetKind === 'region') && actor.organisationKind !== 'region')
      return false
    return true
  })
}
