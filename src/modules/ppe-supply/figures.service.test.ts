import { describe, expect, it } from 'vitest'
import type { Db } from '../../db/database.ts'
import { fixedClock } from '../../domain/clock.ts'
import { createFiguresService } from './figures.service.ts'

// Found by fuzzing (issue 26): an end date that is not one, with no start, answered 500 (the start
// was counted back from it).
describe('the PPE figures’ date range', () => {
  // Reading a range touches no database.
  const figures = createFiguresService({
    db: null as unknown as Db,
    clock: fixedClock(new Date('2020-04-14T08:00:00Z')),
  })

  it('names the end date when it is not a date and no start is given', () => {
    for (const to of ['0', '21', '2026-02-30', 'x'])
      expect(figures.rangeFrom({ to }), to).toEqual({
        ok: false,
        errors: { to: 'The end date must be a real date, like 2020-06-30' },
      })
  })

  it('still counts 12 weeks back from a real end date, and names a start that is not a date', () => {
    expect(figures.rangeFrom({ to: '2020-06-30' })).toEqual({
      ok: true,
      value: { from: '2020-04-08', to: '2020-06-30' },
    })
    expect(figures.rangeFrom({ from: '2020-02-30', to: '2020-06-30' })).toEqual({
      ok: false,
      errors: { from: 'The start date must be a real date, like 2020-04-01' },
    })
  })
})
