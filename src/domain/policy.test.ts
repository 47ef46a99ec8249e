import { describe, expect, it } from 'vitest'
import { type Actor, assignableRoles, can, locationScope, organisationScope } from './policy.ts'
import { roles } from './roles.ts'

const actor = (over: Partial<Actor>): Actor => ({
  userId: 'u',
  role: 'council_officer',
  organisationId: 'o',
  organisationKind: 'council',
  councilIds: ['c1'],
  providerId: null,
  ...over,
})

describe('policy', () => {
  it('holds a provider manager to their own provider', () => {
    expect(
      locationScope(
        actor({ role: 'provider_manager', organisationKind: 'provider', councilIds: [], providerId: 'p1' }),
      ),
    ).toEqual({ kind: 'provider', providerId: 'p1' })
    expect(
      locationScope(
        actor({ role: 'provider_manager', organisationKind: 'provider', councilIds: [], providerId: null }),
      ),
    ).toEqual({ kind: 'nothing' })
  })

  it('holds council staff and partners to their councils, and lets a regional body see everything', () => {
    expect(locationScope(actor({}))).toEqual({ kind: 'councils', councilIds: ['c1'] })
    expect(
      locationScope(actor({ role: 'partner_officer', organisationKind: 'nhs_commissioner', councilIds: [] })),
    ).toEqual({ kind: 'nothing' })
    expect(
      locationScope(actor({ role: 'regional_viewer', organisationKind: 'region', councilIds: [] })),
    ).toEqual({ kind: 'everything' })
  })

  it('lets only admins manage users, organisations, audit and outbox', () => {
    for (const role of roles) {
      const a = actor({ role })
      expect(can(a, 'users:manage'), role).toBe(role === 'admin')
      expect(can(a, 'audit:read'), role).toBe(role === 'admin')
      expect(organisationScope(a).kind === 'nothing', role).toBe(role !== 'admin')
    }
  })

  it('lets every role read locations within its scope, and only council officers and admins write them', () => {
    for (const role of roles) {
      expect(can(actor({ role }), 'locations:read')).toBe(true)
      expect(can(actor({ role }), 'locations:write'), role).toBe(
        role === 'admin' || role === 'council_officer',
      )
    }
  })

  it('keeps regional roles for regional admins', () => {
    const councilAdmin = actor({ role: 'admin' })
    expect(assignableRoles(councilAdmin, 'region', ['admin', 'regional_viewer'])).toEqual([])
    expect(assignableRoles(councilAdmin, 'council', ['admin', 'council_officer'])).toEqual([
      'admin',
      'council_officer',
    ])
    const regionalAdmin = actor({ role: 'admin', organisationKind: 'region', councilIds: [] })
    expect(assignableRoles(regionalAdmin, 'region', ['admin', 'regional_viewer'])).toEqual([
      'admin',
      'regional_viewer',
    ])
    expect(assignableRoles(actor({}), 'council', ['admin'])).toEqual([])
  })
})
