import type { OrganisationKind, Role } from './roles.ts'
import { audienceOf, type WhatARoleSees, whatEachRoleSees } from './what-each-role-sees.ts'

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
  // See a location's RAG (its worst open alert's colour) wherever it shows; its alerts are 'cases:read'.
  | 'risk-status:read'
  // Read the contact log (officers' calls, e-mails and visits); record contacts.
  | 'contact-log:read'
  | 'contact-log:record'
  // Report a location's return (for today, or correcting one): its provider, or an officer on its behalf.
  | 'returns:report'
  // Change the install's defaults: the risk rules and settings every new council starts with.
  | 'install-defaults:manage'
  // --- Emergency staffing (issue 21) ---
  // May be in the staffing team (the staffing pool — personal data, every view audited — matching,
  // deployments and budgets); membership itself is per user (emergency-staffing's staffing team).
  | 'staffing:manage'
  // Grants (issue 23): read a council's rounds; set up, preview, commit and pay them (finance);
  // accept or decline the terms and return spending (a provider).
  | 'grants:read'
  | 'grants:manage'
  | 'grants:respond'
  // Paying providers (issue 22): see packages, schemes, runs and the provider-support return; prepare
  // (import packages, compute a run, hold a line, record payment dates); approve another's run.
  | 'payments:read'
  | 'payments:prepare'
  | 'payments:approve'
  // Issue 21 (welfare checks, provider resilience). Welfare checks also need a per-user grant from the
  // council's admin (welfare-checks capability): the role makes a user eligible, the grant lets them in.
  | 'welfare:work'
  | 'welfare:grant'
  // Record a location's continuity plan, people supported and concerns; read the providers at risk.
  | 'resilience:write'
  | 'resilience:read'
  // PPE supply (issue 20): the council's PPE team runs the stores and works requests; a provider
  // manager asks for emergency PPE; council and partner officers read the store figures.
  | 'ppe:manage'
  | 'ppe:request'
  | 'ppe:read'
  // Returns (issue 19): agree a later deadline or an exemption for a location of the council's own.
  | 'return-exceptions:manage'
  // --- Action plan, training and publishing (issue 24) ---
  // Read the action plan, its measures and the records behind them; change the plan; update an action
  // (a partner's officers only their own organisation's actions).
  | 'action-plan:read'
  | 'action-plan:manage'
  | 'action-plan:update'
  // Read training offers and uptake; record offers, uptake, licences and feedback.
  | 'training:read'
  | 'training:manage'
  // Prepare a publication and run its accuracy check; sign it off and publish it (a named officer).
  | 'publications:prepare'
  | 'publications:sign-off'
  // Communications (issue 25): send bulletins and surveys, keep the resource pack and events, issue
  // letters; a provider reads what was sent to it and answers surveys.
  | 'communications:send'
  | 'communications:read'
  // The read API for councils and partners (issue 19): make and revoke their organisation's API tokens,
  // with which a business-intelligence tool reads the market as its creator's role may.
  | 'market-api:tokens'
// --- end of issue 24's permissions ---

// Issue 21's permissions, by role (kept apart so that merges with other issues' additions are easy).
const resiliencePermissions: Partial<Record<Role, readonly Permission[]>> = {
  admin: ['welfare:work', 'welfare:grant', 'resilience:read', 'resilience:write'],
  council_officer: ['welfare:work', 'resilience:read', 'resilience:write'],
  finance_officer: ['resilience:read'],
  partner_officer: ['resilience:read'],
  viewer: ['resilience:read'],
  regional_viewer: ['resilience:read'],
}

// --- Action plan, training and publishing (issue 24): who reads, updates, prepares and signs off ---
const planPermissions = {
  admin: [
    'action-plan:read',
    'action-plan:manage',
    'action-plan:update',
    'training:read',
    'training:manage',
    'publications:prepare',
    'publications:sign-off',
  ],
  council_officer: [
    'action-plan:read',
    'action-plan:manage',
    'action-plan:update',
    'training:read',
    'training:manage',
    'publications:prepare',
    'publications:sign-off',
  ],
  finance_officer: ['action-plan:read', 'training:read'],
  partner_officer: ['action-plan:read', 'action-plan:update', 'training:read', 'training:manage'],
  viewer: ['action-plan:read', 'training:read'],
} satisfies Record<string, Permission[]>
// --- end of issue 24's roles ---

// Cases (and their alerts), a location's RAG, the contact log and reporting returns are decided by
// what-each-role-sees.ts (the README's table "What each role sees"), by role and, for viewers, where
// they work. Providers never see cases: they may hold concerns not yet raised with them.
const fromTheTable: Partial<Record<Permission, (sees: WhatARoleSees) => boolean>> = {
  'cases:read': (sees) => sees.cases !== 'none',
  'cases:work': (sees) => sees.cases === 'work',
  'risk-status:read': (sees) => sees.riskStatus === 'read',
  'contact-log:read': (sees) => sees.contactLog !== 'none',
  'contact-log:record': (sees) => sees.contactLog === 'record',
  'returns:report': (sees) => sees.returns === 'report',
}

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
    // --- Emergency staffing (issue 21) ---
    'staffing:manage',
    ...planPermissions.admin,
    // Communications (issue 25)
    'communications:send',
    'communications:read',
  ],
  council_officer: [
    'locations:read',
    'locations:write',
    'locations:import',
    'contacts:read',
    // --- Emergency staffing (issue 21) ---
    'staffing:manage',
    ...planPermissions.council_officer,
    // Communications (issue 25)
    'communications:send',
    'communications:read',
  ],
  finance_officer: ['locations:read', 'contacts:read', ...planPermissions.finance_officer],
  partner_officer: ['locations:read', 'contacts:read', ...planPermissions.partner_officer],
  viewer: ['locations:read', ...planPermissions.viewer],
  regional_viewer: ['locations:read'],
  provider_manager: ['locations:read', 'communications:read'],
  // Reads like a regional viewer; changes only the install's defaults, never a council's own.
  install_admin: ['locations:read', 'install-defaults:manage'],
}

// Grants (issue 23), kept apart so that other capabilities' additions merge cleanly.
const grantPermissionsByRole: Partial<Record<Role, readonly Permission[]>> = {
  admin: ['grants:read'],
  council_officer: ['grants:read'],
  finance_officer: ['grants:read', 'grants:manage'],
  provider_manager: ['grants:respond'],
}

// Paying providers (issue 22), kept apart from the list above: finance officers prepare and approve
// (never their own run: the service's four-eyes rule); administrators and officers read.
const paymentPermissionsByRole: Partial<Record<Role, readonly Permission[]>> = {
  finance_officer: ['payments:read', 'payments:prepare', 'payments:approve'],
  admin: ['payments:read'],
  council_officer: ['payments:read'],
}

// PPE supply (issue 20): kept apart so merges with other capabilities' additions stay easy.
const ppePermissionsByRole: Partial<Record<Role, readonly Permission[]>> = {
  admin: ['ppe:manage', 'ppe:read'],
  council_officer: ['ppe:manage', 'ppe:read'],
  finance_officer: ['ppe:read'],
  partner_officer: ['ppe:read'],
  provider_manager: ['ppe:request'],
}

// The read API for councils and partners (issue 19): the officers who work the market make its tokens.
const marketApiPermissionsByRole: Partial<Record<Role, readonly Permission[]>> = {
  admin: ['market-api:tokens'],
  council_officer: ['market-api:tokens'],
  partner_officer: ['market-api:tokens'],
}

// Agreed exceptions to returns (issue 19): the council's officers, for locations in its own area.
const returnExceptionPermissionsByRole: Partial<Record<Role, readonly Permission[]>> = {
  admin: ['return-exceptions:manage'],
  council_officer: ['return-exceptions:manage'],
}

// Each capability's permissions by role, beside the list above.
const capabilityPermissions: Partial<Record<Role, readonly Permission[]>>[] = [
  returnExceptionPermissionsByRole,
  grantPermissionsByRole,
  paymentPermissionsByRole,
  resiliencePermissions,
  ppePermissionsByRole,
  marketApiPermissionsByRole,
]

export function can(actor: Actor, permission: Permission): boolean {
  const decided = fromTheTable[permission]
  if (decided) return decided(whatEachRoleSees[audienceOf(actor)])
  return (
    permissionsByRole[actor.role].includes(permission) ||
    capabilityPermissions.some((byRole) => byRole[actor.role]?.includes(permission) ?? false)
  )
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
