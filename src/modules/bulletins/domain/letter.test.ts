import { describe, expect, it } from 'vitest'
import { defaultLetter, mergeLetter, unknownFields } from './letter.ts'

describe('the letter to people who receive care', () => {
  it('fills the merge fields for a provider', () => {
    const letter = mergeLetter(defaultLetter, {
      providerName: 'Birch Care',
      councilName: 'Northmoor Council',
      councilPhone: '01234 567890',
      outOfHoursPhone: '01234 000111',
      date: '14 April 2020',
    })
    expect(letter).toContain('Dear Birch Care customer,')
    expect(letter).toContain('call the council on 01234 567890 (weekdays) or 01234 000111')
    expect(letter).not.toContain('{{')
  })

  it('names fields it does not know', () => {
    expect(unknownFields('Hello {{providerName}} {{colour}}')).toEqual(['colour'])
  })
})
