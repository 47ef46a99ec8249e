import { describe, expect, it } from 'vitest'
import type { Actor } from '../../../domain/policy.ts'
import { readableRuleSet } from './rules.ts'

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

describe('whose risk rules an actor reads', () => {
  it('holds council staff and partners to their councils’ and lets a regional body read any', () => {
    expect(readableRuleSet(actor({ role: 'council_officer' }))).toEqual({ councilId: north })
    expect(readableRuleSet(actor({ role: 'council_officer' }), south)).toBeNull()
    const partner = actor({
      role: 'partner_officer',
      organisationKind: 'nhs_commissioner',
      organisationId: 'p',
      councilIds: [north, south],
    })
    expect(readableRuleSet(partner)).toEqual({ councilId: north })
    expect(readableRuleSet(partner, south)).toEqual({ councilId: south })
    expect(readableRuleSet(partner, 'install')).toBeNull()
    expect(readableRuleSet(region('admin'))).toEqual({ councilId: null })
    expect(readableRuleSet(region('install_admin'), south)).toEqual({ councilId: south })
    expect(readableRuleSet(region('regional_viewer'))).toBeNull()
    expect(readableRuleSet(actor({ role: 'viewer' }))).toBeNull()
  })
})
