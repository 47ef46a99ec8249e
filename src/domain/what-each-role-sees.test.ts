import fs from 'node:fs'
import { describe, expect, it } from 'vitest'
import { type Actor, can } from './policy.ts'
import { type OrganisationKind, type Role, rolesForOrganisationKind } from './roles.ts'
import { audienceOf, audiences, whatEachRoleSees, whatEachRoleSeesTable } from './what-each-role-sees.ts'

// The README's table "What each role sees", cell by cell.
function readmeTable(): string[][] {
  const readme = fs.readFileSync(new URL('../../README.md', import.meta.url), 'utf8')
  const section = readme.split('\n## What each role sees\n')[1]?.split('\n## ')[0]
  expect(section, 'the README has a section "What each role sees"').toBeDefined()
  return section!
    .split('\n')
    .filter((line) => line.startsWith('|') && !/^\|(-|\s|\|)+$/.test(line))
    .map((line) =>
      line
        .slice(1, -1)
        .split('|')
        .map((cell) => cell.trim()),
    )
}

const actor = (role: Role, organisationKind: OrganisationKind): Actor => ({
  userId: 'u',
  role,
  organisationId: 'o',
  organisationKind,
  councilIds: ['c'],
  providerId: role === 'provider_manager' ? 'p' : null,
})

describe('what each role sees', () => {
  it('is the table in the README, row for row', () => {
    expect(readmeTable()).toEqual(whatEachRoleSeesTable())
  })

  it('is what the policy answers, for every role at every kind of organisation that may hold it', () => {
    for (const [kind, roles] of Object.entries(rolesForOrganisationKind) as [OrganisationKind, Role[]][])
      for (const role of roles) {
        const a = actor(role, kind)
        const sees = whatEachRoleSees[audienceOf(a)]
        const label = `${role} at a ${kind}`
        expect(can(a, 'cases:read'), label).toBe(sees.cases !== 'none')
        expect(can(a, 'cases:work'), label).toBe(sees.cases === 'work')
        expect(can(a, 'risk-status:read'), label).toBe(sees.riskStatus === 'read')
        expect(can(a, 'contact-log:read'), label).toBe(sees.contactLog !== 'none')
        expect(can(a, 'contact-log:record'), label).toBe(sees.contactLog === 'record')
        expect(can(a, 'returns:report'), label).toBe(sees.returns === 'report')
      }
  })

  it('keeps Healthwatch out of cases, their alerts and RAG and officers’ contact notes; viewers read only', () => {
    expect(audienceOf(actor('viewer', 'healthwatch'))).toBe('partner_viewer')
    expect(audienceOf(actor('viewer', 'council'))).toBe('council_viewer')
    for (const audience of ['council_viewer', 'partner_viewer', 'regional_viewer'] as const) {
      expect(whatEachRoleSees[audience].cases).not.toBe('work')
      expect(whatEachRoleSees[audience].contactLog).toBe('none')
      expect(whatEachRoleSees[audience].returns).toBe('read')
    }
    expect(whatEachRoleSees.partner_viewer).toMatchObject({ cases: 'none', riskStatus: 'none' })
    expect(whatEachRoleSees.provider_manager).toMatchObject({ cases: 'none', contactLog: 'none' })
    expect(audiences).toHaveLength(Object.keys(whatEachRoleSees).length)
  })
})
