import { describe, expect, it } from 'vitest'
import type { Actor } from '../../../domain/policy.ts'
import { mayAddAction, mayChangeAction, mayShapePlan, validateAction } from './plan-forms.rules.ts'

const actor = (over: Partial<Actor>): Actor => ({
  userId: 'u',
  role: 'partner_officer',
  organisationId: 'ipc',
  organisationKind: 'infection_control_team',
  councilIds: ['c'],
  providerId: null,
  ...over,
})
const officer = actor({ role: 'council_officer', organisationId: 'c', organisationKind: 'council' })
const form = {
  areaId: 'a',
  title: 'Run a jobs fair',
  leadOrganisationId: 'ipc',
  leadName: 'Lead',
  partners: '',
  'dueDate-day': '',
  'dueDate-month': '',
  'dueDate-year': '',
  rag: 'green',
  measureKeys: [],
}
const known = { areaIds: ['a'], leads: ['ipc'], measureKeys: ['m'] }

describe('the rules for building the plan', () => {
  it('lets only the council’s own officers shape it, and partners add actions', () => {
    expect(mayShapePlan(officer, 'c')).toBe(true)
    expect(mayShapePlan(officer, 'd')).toBe(false)
    expect(mayShapePlan(actor({}), 'c')).toBe(false)
    expect(mayAddAction(actor({}), 'c')).toBe(true)
    expect(mayAddAction(actor({ councilIds: ['d'] }), 'c')).toBe(false)
    expect(
      mayAddAction(actor({ role: 'viewer', organisationId: 'c', organisationKind: 'council' }), 'c'),
    ).toBe(false)
  })

  it('lets those who may add an action correct it: a partner only the actions it leads', () => {
    const ipcLed = { councilId: 'c', leadOrganisationId: 'ipc' }
    expect(mayChangeAction(officer, { councilId: 'c', leadOrganisationId: 'ccg' })).toBe(true)
    expect(mayChangeAction(officer, { councilId: 'd', leadOrganisationId: 'c' })).toBe(false)
    expect(mayChangeAction(actor({}), ipcLed)).toBe(true)
    expect(mayChangeAction(actor({}), { councilId: 'c', leadOrganisationId: 'ccg' })).toBe(false)
    expect(mayChangeAction(actor({ councilIds: ['d'] }), ipcLed)).toBe(false)
    expect(mayChangeAction(actor({ role: 'viewer' }), ipcLed)).toBe(false)
  })

  it('takes a blank due date, refuses half of one or a date not on the calendar, and unknown choices', () => {
    expect(validateAction(form, known)).toMatchObject({ ok: true, value: { dueOn: null, partners: null } })
    const half = validateAction({ ...form, 'dueDate-day': '30' }, known)
    expect(half.ok ? null : half.errors).toEqual({
      dueDate: 'The due date must be a real date, like 30 6 2021',
    })
    const feb = validateAction(
      { ...form, 'dueDate-day': '30', 'dueDate-month': '2', 'dueDate-year': '2021' },
      known,
    )
    expect(feb.ok).toBe(false)
    const wrong = validateAction(
      { ...form, leadOrganisationId: 'ccg', measureKeys: ['x'], rag: 'blue' },
      known,
    )
    expect(wrong.ok ? [] : Object.keys(wrong.errors)).toEqual(['leadOrganisationId', 'rag', 'measureKeys'])
  })
})
