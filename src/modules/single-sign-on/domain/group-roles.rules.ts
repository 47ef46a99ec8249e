import { isRole, type OrganisationKind, type Role, rolesForOrganisationKind } from '../../../domain/roles.ts'

// Which CareHub role each of the identity provider's groups gives: { group value: role }.
export type GroupRoles = Record<string, Role>

// The form's and SSO_GROUP_ROLES's text: "carehub-admins=admin, carehub-officers=council_officer", one
// group to a line or separated by commas. Only roles the organisation's kind of user may hold are taken.
export function parseGroupRoles(
  text: string,
  kind: OrganisationKind,
): { ok: true; value: GroupRoles } | { ok: false; error: string } {
  const allowed = rolesForOrganisationKind[kind]
  const value: GroupRoles = {}
  const entries = text
    .split(/[\n,]/)
    .map((entry) => entry.trim())
    .filter(Boolean)
  if (!entries.length) return { ok: false, error: 'Enter at least one group and the role it gives' }
  for (const entry of entries) {
    const at = entry.lastIndexOf('=')
    const group = entry.slice(0, at).trim()
    const role = entry.slice(at + 1).trim()
    if (at < 1 || !group || !role)
      return { ok: false, error: `Enter “${entry}” as group=role, like carehub-officers=council_officer` }
    if (!isRole(role) || !allowed.includes(role))
      return {
        ok: false,
        error: `“${role}” is not a role this organisation’s users can hold: use ${allowed.join(', ')}`,
      }
    if (group in value) return { ok: false, error: `Group “${group}” is given twice` }
    value[group] = role
  }
  return { ok: true, value }
}

export function formatGroupRoles(groupRoles: Record<string, string>): string {
  return Object.entries(groupRoles)
    .map(([group, role]) => `${group}=${role}`)
    .join('\n')
}

// The role a person's groups give, or null when none of their groups is mapped (they get no account).
// A person in several mapped groups gets the first of the organisation kind's roles among them (the
// list runs from most to least trusted), so the answer does not depend on the claim's order.
export function roleForGroups(
  claim: unknown,
  groupRoles: Record<string, string>,
  kind: OrganisationKind,
): Role | null {
  const groups = typeof claim === 'string' ? [claim] : Array.isArray(claim) ? claim : []
  const given = new Set(
    groups.flatMap((group) =>
      typeof group === 'string' && Object.hasOwn(groupRoles, group) ? [groupRoles[group]] : [],
    ),
  )
  return rolesForOrganisationKind[kind].find((role) => given.has(role)) ?? null
}

// An identity provider must be reached over HTTPS; plain HTTP only on this machine (a test provider),
// and never in production, where it would let an admin make CareHub call its own host's services.
export function issuerProblem(text: string, allowLoopbackHttp = true): string | null {
  let url: URL
  try {
    url = new URL(text)
  } catch {
    return 'Enter the issuer URL, like https://login.microsoftonline.com/<tenant id>/v2.0'
  }
  if (url.protocol === 'https:' && !url.search && !url.hash) return null
  if (url.protocol === 'http:' && isLoopback(url.hostname) && allowLoopbackHttp) return null
  return 'The issuer URL must start with https://'
}

export function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '127.0.0.1' || hostname === '[::1]'
}

// Organisations whose own staff may sign in with their directory: councils and partners, not providers.
export function maySignInWithOrganisationAccount(kind: OrganisationKind): boolean {
  return kind !== 'provider'
}
