import { describe, expect, it } from 'vitest'
import type { Actor } from '../../../domain/policy.ts'
import { mayUpdateAction, shareShown, validateUpdate } from './action-plan.rules.ts'

const actor = (over: Partial<Actor>): Actor => ({
  userId: 'u',
  role: 'partner_officer',
  organisationId: 'ipc',
  organisationKind: 'infection_control_team',
  councilIds: ['c'],
  providerId: null,
  ...over,
})

describe('the action plan rules', () => {
  it('lets a partner update only the actions its organisation leads', () => {
    expect(mayUpdateAction(actor({}), { councilId: 'c', leadOrganisationId: 'ipc' })).toBe(true)
    expect(mayUpdateAction(actor({}), { councilId: 'c', leadOrganisationId: 'ccg' })).toBe(false)
    expect(mayUpdateAction(actor({ councilIds: ['d'] }), { councilId: 'c', leadOrganisationId: 'ipc' })).toBe(
      false,
    )
    const officer = actor({ role: 'council_officer', organisationId: 'c', organisationKind: 'council' })
    expect(mayUpdateAction(officer, { councilId: 'c', leadOrganisationId: 'ccg' })).toBe(true)
    expect(mayUpdateAction(actor({ role: 'viewer' }), { councilId: 'c', leadOrganisationId: 'ipc' })).toBe(
      false,
    )
  })
  it('names each missing field of an update', () => {
    const result = validateUpdate({ period: '', doneThisPeriod: ' ', stillToDo: '', rag: 'blue' })
    expect(result.ok).toBe(false)
    if (!result.ok)
      expect(result.errors).toEqual({
        period: 'Enter the period this update covers, like December 2026',
        doneThisPeriod: 'Enter what was done this period',
        stillToDo: 'Enter what is still to do',
        rag: 'Select how the action is going',
      })
  })
  it('shows a share with its counts', () => {
    expect(shareShown(46, 50)).toBe('92% (46 of 50)')
    expect(shareShown(0, 0)).toBe('No data yet')
  })
})
