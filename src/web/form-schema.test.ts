import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { choice, formList, formText, optionalText, parseForm, requiredText } from './form-schema.ts'

const contact = z.object({
  name: requiredText(
    { missing: 'Enter the person’s name', tooLong: 'Name must be 200 characters or fewer' },
    200,
  ),
  notes: optionalText({ tooLong: 'Notes must be 2,000 characters or fewer' }, 2000),
  kind: choice(['call', 'visit'] as const, { missing: 'Select how you contacted them' }),
  visits: z.preprocess((v) => Number(v), z.number().int().min(0)),
})
const fallback = {
  name: 'Enter the person’s name',
  notes: 'Enter notes',
  kind: 'Select how you contacted them',
  visits: 'Enter the number of visits, 0 or more',
}

describe('forms as one Zod schema', () => {
  it('gives the typed, trimmed values of a good form', () => {
    expect(parseForm(contact, { name: '  Ann  ', kind: 'call', visits: '2' }, fallback)).toEqual({
      ok: true,
      value: { name: 'Ann', notes: '', kind: 'call', visits: 2 },
    })
  })

  it('words every error the GOV.UK way, never with the library’s text', () => {
    const outcome = parseForm(
      contact,
      { name: ' ', notes: 'x'.repeat(2001), kind: 'fax', visits: '-1' },
      fallback,
    )
    expect(outcome).toEqual({
      ok: false,
      errors: {
        name: 'Enter the person’s name',
        notes: 'Notes must be 2,000 characters or fewer',
        kind: 'Select how you contacted them',
        visits: 'Enter the number of visits, 0 or more',
      },
    })
  })

  it('takes the first of a field given twice (a forged form), and a missing body as empty', () => {
    expect(parseForm(contact, { name: ['Ann', 'Bob'], kind: 'visit', visits: '0' }, fallback)).toMatchObject({
      ok: true,
      value: { name: 'Ann' },
    })
    expect(parseForm(contact, undefined, fallback)).toMatchObject({
      ok: false,
      errors: { name: 'Enter the person’s name' },
    })
  })

  it('takes text as typed and a repeated field as a list, for forms whose rules live in the domain', () => {
    const form = z.object({ summary: formText(), alertIds: formList() })
    const messages = { summary: 'Enter a summary', alertIds: 'Select the alerts' }
    expect(parseForm(form, { summary: ' Gloves ', alertIds: ['a', 'b'] }, messages)).toEqual({
      ok: true,
      value: { summary: ' Gloves ', alertIds: ['a', 'b'] },
    })
    expect(parseForm(form, { alertIds: 'a' }, messages)).toEqual({
      ok: true,
      value: { summary: '', alertIds: ['a'] },
    })
    // A body that is not text (JSON, say) is refused with the field's own words.
    expect(parseForm(form, { summary: 3, alertIds: [{}] }, messages)).toEqual({
      ok: false,
      errors: { summary: 'Enter a summary', alertIds: 'Select the alerts' },
    })
  })
})
