import { describe, expect, it } from 'vitest'
import { checkSpend, spendSummary, trancheAmounts } from './spend.ts'

const measures = ['Isolating residents', 'Restricting staff movement', 'Paying staff wages', 'Other']

describe('spend returns', () => {
  it('refuses spending over the allocation with a clear message', () => {
    const checked = checkSpend(100_000n, measures, ['600', '500'], true)
    expect(checked).toEqual({
      ok: false,
      errors: { 'measure-0': 'The total spent, £1,100.00, is more than the £1,000.00 allocated' },
    })
    expect(checkSpend(100_000n, measures, ['ten pounds'], true)).toEqual({
      ok: false,
      errors: {
        'measure-0': 'The amount spent on isolating residents must be an amount of money, like £1,200.00',
      },
    })
  })

  it('claws back allocation less spend where the round says so', () => {
    const claw = checkSpend(100_000n, measures, ['300', '', '200.50'], true)
    expect(claw.ok && claw.value).toEqual({
      amounts: [30_000n, 0n, 20_050n, 0n],
      spentPence: 50_050n,
      unspentPence: 49_950n,
      clawbackPence: 49_950n,
    })
    const keep = checkSpend(100_000n, measures, ['300'], false)
    expect(keep.ok && keep.value.clawbackPence).toBe(0n)
  })

  it('sums the percentages by measure to 100', () => {
    const summary = spendSummary(measures, [
      { amounts: [284n, 284n, 184n, 248n] },
      { amounts: [1n, 0n, 0n, 0n] },
    ])
    expect(summary.rows.reduce((s, r) => s + r.percent, 0)).toBe(100)
    expect(summary.totalPence).toBe(1001n)
  })

  it('splits an allocation between tranches to the penny', () => {
    expect(trancheAmounts(5_471_781n, [5000, 5000])).toEqual([2_735_891n, 2_735_890n])
  })
})
