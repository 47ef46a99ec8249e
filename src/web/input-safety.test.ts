import { describe, expect, it } from 'vitest'
import { formFieldProblem } from './input-safety.ts'

// Found by fuzzing (issue 26): a web form posted as JSON with an object for a field
// ({"reviewOn-month": {"toString": false}}) reached the page's template, which could not draw it: 500.
describe('a web form’s fields', () => {
  it('are text, or lists of text, as a browser sends them', () => {
    expect(formFieldProblem({ name: 'Alder House', areas: ['North', 'South'], empty: '' })).toBeNull()
  })

  it('are refused, naming the field, when JSON gives anything else', () => {
    for (const value of [{ toString: false }, 7, true, null, ['North', 3], [['x']]])
      expect(formFieldProblem({ name: 'ok', 'reviewOn-month': value }), JSON.stringify(value)).toEqual({
        path: ['reviewOn-month'],
        message: 'must be text, as a form sends it',
      })
  })
})
