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
      value: { ...form, ruleKey: 'gloves-watch', changeNote: '' },
    })
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
