import { describe, expect, it } from 'vitest'
import { parseForm } from '../../web/form-schema.ts'
import { ruleForm, ruleFormMessages } from './risk-rules.forms.ts'

const form = {
  ruleKey: ' gloves-watch ',
  name: 'Watch gloves',
  condition: 'lowest_ppe_days < 6',
  severity: 'amber',
  message: 'Keep an eye on it',
}

describe('the risk rule form', () => {
  it('gives the rule as typed, its key trimmed, and no change note as blank', () => {
    expect(parseForm(ruleForm({ isNew: true, existingKeys: [] }), form, ruleFormMessages)).toEqual({
      ok: true,
      value: {
        ...form,
        ruleKey: 'gloves-watch',
        changeNote: '',
        kind: 'condition',
        figure: '',
        direction: '',
        periods: '',
        percent: '',
        percentile: '',
      },
    })
  })

  it('takes a trend rule’s parameters as fields, each with its own GOV.UK error, and ignores the condition', () => {
    const trend = { ...form, condition: 'not checked', kind: 'rising', figure: 'staff_absence_percent' }
    expect(
      parseForm(
        ruleForm({ isNew: true, existingKeys: [] }),
        { ...trend, direction: 'up', periods: '3' },
        ruleFormMessages,
      ).ok,
    ).toBe(true)
    expect(
      parseForm(ruleForm({ isNew: true, existingKeys: [] }), { ...trend, periods: '1' }, ruleFormMessages),
    ).toEqual({
      ok: false,
      errors: {
        direction: 'Select whether to flag a rise or a fall',
        periods: 'The number of periods must be a whole number from 2 to 10',
      },
    })
    expect(
      parseForm(
        ruleForm({ isNew: true, existingKeys: [] }),
        { ...form, kind: 'peers', figure: 'deaths_7_days', direction: 'up', percentile: '5' },
        ruleFormMessages,
      ),
    ).toEqual({
      ok: false,
      errors: {
        figure: 'Select the figure to follow',
        percentile: 'To flag locations far above their peers, the percentile must be 50 or more, like 95',
      },
    })
    expect(
      parseForm(
        ruleForm({ isNew: true, existingKeys: [] }),
        { ...form, kind: 'change', figure: 'vacancies', direction: 'down', percent: 'lots' },
        ruleFormMessages,
      ),
    ).toEqual({ ok: false, errors: { percent: 'The change must be a number of per cent, like 50' } })
    expect(
      parseForm(ruleForm({ isNew: true, existingKeys: [] }), { ...form, kind: 'sideways' }, ruleFormMessages),
    ).toEqual({ ok: false, errors: { kind: 'Select the kind of rule' } })
  })

  it('words each problem as the rule’s checks do, the key’s only when adding', () => {
    const bad = { ...form, name: ['', 'Second'], condition: 'ppe_day < 3', severity: 'purple', message: ' ' }
    const errors = {
      name: 'Enter a name for the rule',
      condition: "Unknown measure 'ppe_day' — did you mean 'lowest_ppe_days'?",
      severity: 'Select red or amber',
      message: 'Enter the message officers will see',
    }
    expect(parseForm(ruleForm({ isNew: false, existingKeys: [] }), bad, ruleFormMessages)).toEqual({
      ok: false,
      errors,
    })
    expect(
      parseForm(ruleForm({ isNew: true, existingKeys: ['gloves-watch'] }), bad, ruleFormMessages),
    ).toEqual({
      ok: false,
      errors: { ruleKey: 'There is already a rule with the key gloves-watch', ...errors },
    })
  })
})
