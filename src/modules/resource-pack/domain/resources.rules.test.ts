import { describe, expect, it } from 'vitest'
import { checkItem, isDue } from './resources.rules.ts'

describe('a resource pack item', () => {
  it('needs a title, a category, a web address, a summary and a review date to come', () => {
    expect(
      checkItem(
        { title: '', category: 'snacks', link: 'javascript:alert(1)', summary: '', reviewOn: '2020-04-01' },
        '2020-04-14',
      ),
    ).toEqual({
      ok: false,
      errors: {
        title: 'Enter a title',
        category: 'Select a category',
        link: 'Enter a web address in the correct format, like https://www.gov.uk/guidance',
        summary: 'Enter a summary',
        reviewOn: 'The review date must be in the future',
      },
    })
    expect(
      checkItem(
        {
          title: 'Donning',
          category: 'ppe',
          link: 'https://x.example/a.pdf',
          summary: 'How to',
          reviewOn: '2020-06-30',
        },
        '2020-04-14',
      ).ok,
    ).toBe(true)
  })

  it('is due for review on its review date', () => {
    expect(isDue('2020-06-30', '2020-06-29')).toBe(false)
    expect(isDue('2020-06-30', '2020-06-30')).toBe(true)
  })
})
