import { describe, expect, it } from 'vitest'
import { type Actor, assignableRoles } from './policy.ts'
import { rolesForOrganisationKind } from './roles.ts'
import { ownerToChange } from './settings-owner.ts'

const north = '11111111-1111-4111-8111-111111111111'
const south = '22222222-2222-4222-8222-222222222222'
const actor = (over: Partial<Actor>): Actor => ({
  userId: 'u',
  role: 'admin',
  organisationId: north,
  organisationKind: 'council',
  councilIds: [north],
  providerId: null,
  ...over,
})
const region = (role: Actor['role']) =>
  actor({ role, organisationId: 'r', organisationKind: 'region', councilIds: [] })

describe('whose risk rules and settings an actor changes', () => {
  it('lets a council’s administrator change its council’s only', () => {
    expect(ownerToChange(actor({}))).toEqual({ councilId: north })
    expect(ownerToChange(actor({}), north)).toEqual({ councilId: north })
    expect(ownerToChange(actor({}), south)).toBeNull()
    expect(ownerToChange(actor({}), 'install')).toBeNull()
    expect(ownerToChange(actor({}), 'nonsense')).toBeNull()
  })

  it('lets the install administrator change the install’s defaults only', () => {
    expect(ownerToChange(region('install_admin'))).toEqual({ councilId: null })
    expect(ownerToChange(region('install_admin'), 'install')).toEqual({ councilId: null })
    expect(ownerToChange(region('install_admin'), north)).toBeNull()
  })

  it('lets nobody else change any', () => {
    for (const a of [
      region('admin'),
      region('regional_viewer'),
      actor({ role: 'council_officer' }),
      actor({ role: 'partner_officer', organisationKind: 'nhs_commissioner', organisationId: 'p' }),
    ])
      expect(ownerToChange(a), a.role).toBeNull()
  })

  it('gives the install administrator role on the command line only', () => {
    expect(rolesForOrganisationKind.region).toContain('install_admin')
    expect(assignableRoles(region('admin'), 'region', rolesForOrganisationKind.region)).toEqual([
      'admin',
      'regional_viewer',
    ])
  })
})
