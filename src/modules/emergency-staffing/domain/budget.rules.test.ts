import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { allocationFromPounds, validateBudget } from './budget.rules.ts'

describe('a staffing budget as set up', () => {
  it('reads amounts as people write them', () => {
    expect(allocationFromPounds('50,000')).toBe(5_000_000)
    expect(allocationFromPounds('£50,000.00')).toBe(5_000_000)
    expect(allocationFromPounds('50000')).toBe(5_000_000)
    expect(allocationFromPounds('£ 1,250.5')).toBe(125_050)
    for (const bad of ['5,00', '50,0000', 'fifty', '£', '-50', '50.001', '1e5', ''])
      expect(allocationFromPounds(bad), bad).toBeNull()
  })

  it('reads back any amount written with thousands grouped', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 99_999_999 }),
        fc.integer({ min: 0, max: 99 }),
        (pounds, pence) => {
          const grouped = pounds.toLocaleString('en-GB')
          expect(allocationFromPounds(`£${grouped}.${String(pence).padStart(2, '0')}`)).toBe(
            pounds * 100 + pence,
          )
        },
      ),
    )
  })

  it('names the field in every error, and takes a name already used only once', () => {
    expect(validateBudget({ name: '', allocation: '' }, [])).toEqual({
      ok: false,
      errors: {
        name: 'Enter the budget’s name, like ICF tranche 2 retained',
        allocation: 'Enter the money allocated to the budget',
      },
    })
    expect(validateBudget({ name: 'ICF tranche 2 retained', allocation: 'lots' }, [])).toEqual({
      ok: false,
      errors: { allocation: 'Allocation must be an amount in pounds, like 50,000 or 50000.00' },
    })
    expect(
      validateBudget({ name: 'icf Tranche 2 retained', allocation: '0' }, ['ICF tranche 2 retained']),
    ).toEqual({
      ok: false,
      errors: {
        name: 'There is already a budget called icf Tranche 2 retained',
        allocation: 'Allocation must be more than £0',
      },
    })
    expect(validateBudget({ name: '  ICF tranche 2  retained ', allocation: '£50,000' }, [])).toEqual({
      ok: true,
      value: { name: 'ICF tranche 2 retained', allocationPence: 5_000_000 },
    })
  })
})
