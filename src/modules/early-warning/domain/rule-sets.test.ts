import { describe, expect, it } from 'vitest'
import type { Actor } from '../../../domain/policy.ts'
import { readableRuleSet } from './rules.ts'

const north = '11111111-1111-4111-8111-111111111111'
const south = '22222222-2222-4222-8222-222222222222'
const someone = (role: Actor['role'], organisationKind: Actor['organisationKind'], councilIds: string[]) => ({
  userId: 'u',
  role,
  organisationId: organisationKind === 'council' ? north : 'o',
  organisationKind,
  councilIds,
  providerId: null,
})
const region = (role: Actor['role']) => someone(role, 'region', [])

describe('whose risk rules an actor reads', () => {
  it('holds council staff and partners to their councils’ and lets a regional body read any', () => {
    expect(readableRuleSet(someone('council_officer', 'council', [north]))).toEqual({ councilId: north })
    expect(readableRuleSet(someone('council_officer', 'council', [north]), south)).toBeNull()
    const partner = someone('partner_officer', 'nhs_commissioner', [north, south])
    expect(readableRuleSet(partner)).toEqual({ councilId: north })
    expect(readableRuleSet(partner, south)).toEqual({ councilId: south })
    expect(readableRuleSet(partner, 'install')).toBeNull()
    expect(readableRuleSet(region('admin'))).toEqual({ councilId: null })
    expect(readableRuleSet(region('install_admin'), south)).toEqual({ councilId: south })
    expect(readableRuleSet(region('regional_viewer'))).toBeNull()
    expect(readableRuleSet(someone('viewer', 'council', [north]))).toBeNull()
  })
})
