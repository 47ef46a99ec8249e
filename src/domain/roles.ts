// The roles a CareHub user can hold, in the users' words.
export const roles = [
  'admin',
  'council_officer',
  'finance_officer',
  'partner_officer',
  'viewer',
  'regional_viewer',
  'provider_manager',
  'install_admin',
] as const

export type Role = (typeof roles)[number]

export const roleNames: Record<Role, string> = {
  admin: 'Administrator',
  council_officer: 'Council officer',
  finance_officer: 'Finance officer',
  partner_officer: 'Partner officer',
  viewer: 'Viewer (read only)',
  regional_viewer: 'Regional viewer (read only)',
  provider_manager: 'Provider manager',
  install_admin: 'Install administrator',
}

export const organisationKinds = [
  'council',
  'nhs_commissioner',
  'infection_control_team',
  'healthwatch',
  'regulator',
  'other_partner',
  'provider',
  'region',
] as const

export type OrganisationKind = (typeof organisationKinds)[number]

export const organisationKindNames: Record<OrganisationKind, string> = {
  council: 'Council',
  nhs_commissioner: 'NHS commissioner (CCG or ICB)',
  infection_control_team: 'Infection prevention and control team',
  healthwatch: 'Healthwatch',
  regulator: 'Regulator',
  other_partner: 'Other partner',
  provider: 'Care provider',
  region: 'Region or national body',
}

// Which roles a user of each kind of organisation may hold.
export const rolesForOrganisationKind: Record<OrganisationKind, readonly Role[]> = {
  council: ['admin', 'council_officer', 'finance_officer', 'viewer'],
  nhs_commissioner: ['partner_officer', 'viewer'],
  infection_control_team: ['partner_officer', 'viewer'],
  healthwatch: ['viewer'],
  regulator: ['partner_officer', 'viewer'],
  other_partner: ['partner_officer', 'viewer'],
  provider: ['provider_manager'],
  // An install administrator sets the defaults new councils start with; created only by the CLI.
  region: ['admin', 'regional_viewer', 'install_admin'],
}

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (roles as readonly string[]).includes(value)
}

export function isOrganisationKind(value: unknown): value is OrganisationKind {
  return typeof value === 'string' && (organisationKinds as readonly string[]).includes(value)
}
