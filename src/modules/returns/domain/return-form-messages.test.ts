import { describe, expect, it } from 'vitest'
import {
  crossFieldMessages,
  returnFormMessages as expected,
} from '../../../../test/support/return-form-messages.ts'
import type { ServiceType } from '../../../domain/service-types.ts'
import { currentDataset, type DatasetField, parseReturn } from './dataset.ts'

const fields = currentDataset.sections.flatMap((s) => s.fields)
const byKey = new Map(fields.map((f) => [f.key, f]))
// A service type the field applies to.
const serviceTypeFor = (field: DatasetField): ServiceType =>
  field.appliesTo === 'all' ? 'care_home_residential' : field.appliesTo[0]!
// The message for one field's input, alone (a partial return, so nothing else is missing).
const messageFor = (field: DatasetField, input: string) => {
  const result = parseReturn(currentDataset, serviceTypeFor(field), { [field.key]: input }, { partial: true })
  return result.ok ? [] : result.errors.map((e) => [e.field, e.message])
}
const invalidInputs = (field: DatasetField) =>
  field.type === 'whole-number'
    ? ['2.5', '-1', String((field.max ?? 0) + 1)]
    : field.type === 'yes-no'
      ? ['maybe']
      : field.type === 'choice'
        ? ['money']
        : ['x'.repeat((field.max ?? 0) + 1)]
// What an empty form gives for a service type: one "missing" message per required field, in order.
const emptyFormMessages = (serviceType: ServiceType) => {
  const result = parseReturn(currentDataset, serviceType, {})
  return result.ok ? [] : result.errors.map((e) => e.message)
}

describe('the return form’s error messages', () => {
  it('has a row in the table for every field of the dataset, in the form’s order', () => {
    expect(expected.map(([key]) => key)).toEqual(fields.map((f) => f.key))
  })

  it.each(expected)('says, for %s, exactly the words of the table', (key, missing, ...invalid) => {
    const field = byKey.get(key)!
    const blank = parseReturn(currentDataset, serviceTypeFor(field), {})
    const blankMessages = blank.ok ? [] : blank.errors.filter((e) => e.field === key).map((e) => e.message)
    expect(blankMessages).toEqual(missing === null ? [] : [missing])
    expect(field.required).toBe(missing !== null)
    expect(invalidInputs(field).map((input) => messageFor(field, input))).toEqual(
      invalid.map((message) => [[key, message]]),
    )
  })

  it.each(crossFieldMessages)(
    'says, when %s is broken, exactly its words',
    (_rule, serviceType, figures, message) => {
      const result = parseReturn(currentDataset, serviceType, figures, { partial: true, history: {} })
      expect(result.ok ? [] : result.errors.map((e) => e.message)).toEqual([message])
    },
  )

  it('lists, for an empty form, the required boxes and only those: 23 for a care home, 22 for home care', () => {
    const missingFor = (serviceType: ServiceType) =>
      expected
        .filter(([key, missing]) => missing !== null && fields.includes(byKey.get(key)!))
        .filter(([key]) => {
          const appliesTo = byKey.get(key)!.appliesTo
          return appliesTo === 'all' || appliesTo.includes(serviceType)
        })
        .map(([, missing]) => missing)
    expect(emptyFormMessages('care_home_residential')).toEqual(missingFor('care_home_residential'))
    expect(emptyFormMessages('care_home_residential')).toHaveLength(23)
    expect(emptyFormMessages('home_care')).toEqual(missingFor('home_care'))
    expect(emptyFormMessages('home_care')).toHaveLength(22)
  })

  it('never begins “Select can”, asks a yes or no question as “Select yes if”, and never names a field by its code', () => {
    const all = [
      ...expected.flatMap(([, missing, ...invalid]) => [missing, ...invalid]).filter((m) => m !== null),
      ...crossFieldMessages.map(([, , , message]) => message),
    ]
    // The codes are camelCase; "residents" and "concerns" are also plain words, so are not looked for.
    const codes = fields.map((f) => f.key).filter((k) => /[a-z][A-Z]/.test(k))
    for (const message of all) {
      expect(message).not.toMatch(/^Select can/)
      expect(message).not.toMatch(/\?/)
      for (const code of codes) expect(message).not.toContain(code)
    }
    for (const [key, missing] of expected)
      if (byKey.get(key)!.type === 'yes-no') expect(missing).toMatch(/^Select yes if /)
      else if (missing !== null) expect(missing).toMatch(/^Enter the number of /)
  })
})
