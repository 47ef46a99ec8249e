import { describe, expect, it } from 'vitest'
import { issuerProblem, parseGroupRoles, roleForGroups } from './group-roles.rules.ts'

describe('group to role mapping', () => {
  it('reads group=role pairs separated by commas or lines', () => {
    expect(
      parseGroupRoles(
        'carehub-admins=admin, carehub-officers=council_officer\nfin=finance_officer',
        'council',
      ),
    ).toEqual({
      ok: true,
      value: { 'carehub-admins': 'admin', 'carehub-officers': 'council_officer', fin: 'finance_officer' },
    })
  })

  it('refuses a role the organisation’s kind of user may not hold, or a malformed or repeated entry', () => {
    expect(parseGroupRoles('x=partner_officer', 'council').ok).toBe(false)
    expect(parseGroupRoles('x=install_admin', 'council').ok).toBe(false)
    expect(parseGroupRoles('x=admin', 'nhs_commissioner').ok).toBe(false)
    expect(parseGroupRoles('justagroup', 'council').ok).toBe(false)
    expect(parseGroupRoles('a=viewer,a=admin', 'council').ok).toBe(false)
    expect(parseGroupRoles(' , ', 'council').ok).toBe(false)
  })

  it('gives the most trusted mapped role whatever the claim’s order, and none for unmapped groups', () => {
    const map = { officers: 'council_officer', admins: 'admin', readers: 'viewer' }
    expect(roleForGroups(['readers', 'admins'], map, 'council')).toBe('admin')
    expect(roleForGroups(['officers', 'readers'], map, 'council')).toBe('council_officer')
    expect(roleForGroups('readers', map, 'council')).toBe('viewer')
    expect(roleForGroups(['other'], map, 'council')).toBeNull()
    expect(roleForGroups(undefined, map, 'council')).toBeNull()
    expect(roleForGroups(['toString', 'constructor'], map, 'council')).toBeNull()
    // A mapping saved before the organisation's kind changed gives no role its users cannot hold.
    expect(roleForGroups(['admins'], map, 'nhs_commissioner')).toBeNull()
  })

  it('takes https issuers, and plain http only on this machine', () => {
    expect(issuerProblem('https://login.microsoftonline.com/abc/v2.0')).toBeNull()
    expect(issuerProblem('http://127.0.0.1:4000')).toBeNull()
    expect(issuerProblem('http://127.0.0.1:4000', false)).not.toBeNull()
    expect(issuerProblem('http://login.example.com')).not.toBeNull()
    expect(issuerProblem('not a url')).not.toBeNull()
  })
})
