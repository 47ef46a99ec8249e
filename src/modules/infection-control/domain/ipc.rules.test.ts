import { describe, expect, it } from 'vitest'
import type { Actor } from '../../../domain/policy.ts'
import {
  mayEditChecklist,
  mayReadVisits,
  mayRecordVisits,
  validatePlan,
  validateRecord,
  weeklyIpcFigures,
} from './ipc.rules.ts'

const actor = (over: Partial<Actor>): Actor => ({
  userId: 'u',
  role: 'partner_officer',
  organisationId: 'o',
  organisationKind: 'infection_control_team',
  councilIds: ['c'],
  providerId: null,
  ...over,
})
const today = '2020-04-14'
const items = [
  { id: 'a', label: 'Zoning' },
  { id: 'b', label: 'PPE use' },
]

describe('infection-control visits', () => {
  it('lets the IPC team and council officers record visits, partners read them, admins edit the checklist', () => {
    expect(mayRecordVisits(actor({}))).toBe(true)
    expect(mayRecordVisits(actor({ organisationKind: 'nhs_commissioner' }))).toBe(false)
    expect(mayRecordVisits(actor({ role: 'council_officer', organisationKind: 'council' }))).toBe(true)
    expect(mayReadVisits(actor({ role: 'viewer', organisationKind: 'healthwatch' }))).toBe(true)
    expect(mayReadVisits(actor({ role: 'provider_manager', organisationKind: 'provider' }))).toBe(false)
    expect(mayEditChecklist(actor({ role: 'admin', organisationKind: 'council' }))).toBe(true)
    expect(mayEditChecklist(actor({}))).toBe(false)
  })

  it('plans a visit for today or later, naming the field when the date is wrong', () => {
    const plan = {
      'visitDate-day': '16',
      'visitDate-month': '4',
      'visitDate-year': '2020',
      purpose: 'Outbreak support',
    }
    expect(validatePlan(plan, today)).toEqual({
      ok: true,
      value: { visitOn: '2020-04-16', time: '', purpose: 'Outbreak support' },
    })
    expect(validatePlan({ ...plan, 'visitDate-day': '10' }, today)).toEqual({
      ok: false,
      errors: { visitDate: 'Date of the visit must be today or in the future' },
    })
    expect(validatePlan({ purpose: '' }, today)).toEqual({
      ok: false,
      errors: { visitDate: 'Enter the date of the visit', purpose: 'Enter what the visit is for' },
    })
  })

  it('records a finding per checklist item and actions each with a due date', () => {
    const form = {
      'finding-a': 'met',
      'finding-b': 'not_met',
      action1Text: 'Put a PPE station at each zone',
      'action1Due-day': '17',
      'action1Due-month': '4',
      'action1Due-year': '2020',
    }
    const ok = validateRecord(form, { items, visitOn: today, today })
    expect(ok.ok && ok.value.actions).toEqual([
      { description: 'Put a PPE station at each zone', dueOn: '2020-04-17' },
    ])
    expect(
      validateRecord({ 'finding-a': 'met', action1Text: 'Retrain staff' }, { items, visitOn: today, today }),
    ).toEqual({
      ok: false,
      errors: { 'finding-b': 'Select a finding for PPE use', action1Due: 'Enter the date action 1 is due' },
    })
  })

  it('counts visits done and actions agreed by week', () => {
    expect(
      weeklyIpcFigures(
        today,
        [
          { visitOn: '2020-04-13', actions: 2 },
          { visitOn: '2020-04-01', actions: 1 },
        ],
        2,
      ),
    ).toEqual([
      { weekStart: '2020-04-06', visitsDone: 0, actionsAgreed: 0 },
      { weekStart: '2020-04-13', visitsDone: 1, actionsAgreed: 2 },
    ])
  })
})
