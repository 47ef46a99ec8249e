import { describe, expect, it } from 'vitest'
import { contactFormFrom } from './contact-log.schemas.ts'

describe('the contact form as posted', () => {
  it('reads the GOV.UK date boxes and the alerts ticked into the form the rules check', () => {
    const form = contactFormFrom({
      state: 'done',
      'contactDate-day': '14',
      'contactDate-month': '4',
      'contactDate-year': '2020',
      summary: 'Gloves low',
      alertIds: 'a1',
    })
    expect(form).toMatchObject({
      ok: true,
      value: { state: 'done', contactDay: '14', contactMonth: '4', contactYear: '2020', alertIds: ['a1'] },
    })
    expect(form.ok && form.value.followUpDay).toBe('')
  })

  it('names a date’s error after the date, so the summary links to its day box', () => {
    expect(contactFormFrom({ 'contactDate-month': 4, summary: ['Gloves', 'low'] })).toEqual({
      ok: false,
      errors: { contactDate: 'Enter the date of the contact' },
    })
  })
})
