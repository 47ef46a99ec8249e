import { describe, expect, it } from 'vitest'
import { parseForm } from '../../web/form-schema.ts'
import {
  actionForm,
  actionMessages,
  closeCaseForm,
  closeCaseMessages,
  dueDateOf,
  intelligenceForm,
  intelligenceMessages,
  passCaseForm,
  passCaseMessages,
  resolveAlertForm,
  resolveAlertMessages,
} from './casework.forms.ts'

const due = (day: string, month: string, year: string) =>
  dueDateOf({ 'dueOn-day': day, 'dueOn-month': month, 'dueOn-year': year })

describe('casework forms', () => {
  it('reads the GOV.UK date fields as the action’s due date', () => {
    expect(due('7', '4', '2020')).toBe('2020-04-07')
    expect(due(' 15 ', '04', '2020')).toBe('2020-04-15')
    expect(due('', '', '')).toBe('')
    // Not a real date: kept as typed, for the action's rule to refuse.
    expect(due('31', '2', '2020')).toBe('2020-2-31')
  })

  it('gives the domain’s words for each field, all at once', () => {
    const form = { description: ' ', 'dueOn-day': '31', 'dueOn-month': '2', 'dueOn-year': '2020' }
    expect(parseForm(actionForm('2020-04-14'), form, actionMessages)).toEqual({
      ok: false,
      errors: {
        description: 'Enter what will be done',
        dueOn: 'The due date must be a real date, for example 17 4 2020',
      },
    })
    expect(parseForm(actionForm('2020-04-14'), { description: 'Ring' }, actionMessages)).toEqual({
      ok: false,
      errors: { dueOn: 'Enter the date the action is due' },
    })
    const late = { description: 'Ring', 'dueOn-day': '13', 'dueOn-month': '4', 'dueOn-year': '2020' }
    expect(parseForm(actionForm('2020-04-14'), late, actionMessages)).toEqual({
      ok: false,
      errors: { dueOn: 'The due date must be today or in the future' },
    })
    expect(parseForm(actionForm('2020-04-13'), late, actionMessages)).toMatchObject({ ok: true })
    expect(parseForm(intelligenceForm(['ccg']), { severity: 'purple' }, intelligenceMessages)).toEqual({
      ok: false,
      errors: {
        partnerOrganisationId: 'Select the partner who reported it',
        severity: 'Select red or amber',
        title: 'Enter a short title, like “Manager reports staff off sick”',
        report: 'Enter what was reported',
      },
    })
  })

  it('asks for a note and, while alerts are open, the closer’s word', () => {
    expect(parseForm(closeCaseForm(1), { note: '' }, closeCaseMessages)).toEqual({
      ok: false,
      errors: {
        note: 'Enter a note saying why the case can be closed',
        confirmAlerts: 'Confirm that the open alert can be resolved with the case',
      },
    })
    expect(parseForm(closeCaseForm(0), { note: 'Done' }, closeCaseMessages)).toMatchObject({ ok: true })
    expect(
      parseForm(closeCaseForm(2), { note: 'Done', confirmAlerts: 'yes' }, closeCaseMessages),
    ).toMatchObject({
      ok: true,
    })
    expect(parseForm(resolveAlertForm, { note: 'x'.repeat(2001) }, resolveAlertMessages)).toEqual({
      ok: false,
      errors: { note: 'The note must be 2,000 characters or fewer' },
    })
  })

  it('passes a case only to one of the organisations and people offered', () => {
    const targets = ['organisation:a', 'user:b']
    expect(parseForm(passCaseForm(targets), { passTo: 'user:b' }, passCaseMessages)).toEqual({
      ok: true,
      value: { passTo: 'user:b' },
    })
    for (const passTo of ['', 'user:c', 'user:b:x', ['user:c', 'user:b']])
      expect(parseForm(passCaseForm(targets), { passTo }, passCaseMessages)).toEqual({
        ok: false,
        errors: { passTo: 'Select who to pass the case to' },
      })
  })
})
