import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  allocateFirstExpiry,
  balancesOf,
  notEnoughStock,
  parseQuantity,
  stockCoverDays,
} from './stock.rules.ts'

const words = { missing: 'Enter the quantity', label: 'Quantity' }

describe('stock rules', () => {
  it('takes quantities as whole numbers above zero, with GOV.UK words', () => {
    expect(parseQuantity('12', words)).toEqual({ ok: true, value: 12 })
    expect(parseQuantity('1,200', words)).toEqual({ ok: true, value: 1200 })
    expect(parseQuantity('', words)).toEqual({ ok: false, error: 'Enter the quantity' })
    expect(parseQuantity('2.5', words)).toEqual({
      ok: false,
      error: 'Quantity must be a whole number, like 12',
    })
    expect(parseQuantity('ten', words)).toEqual({
      ok: false,
      error: 'Quantity must be a whole number, like 12',
    })
    expect(parseQuantity('-4', words)).toEqual({ ok: false, error: 'Quantity must be 1 or more' })
    expect(parseQuantity('0', words)).toEqual({ ok: false, error: 'Quantity must be 1 or more' })
    expect(parseQuantity('0', words, { allowZero: true })).toEqual({ ok: true, value: 0 })
  })

  it('issues the first expiry first, never an expired batch, and says what is available when short', () => {
    const batches = [
      { batchId: 'late', expiresOn: '2021-01-01', receivedOn: '2020-04-01', quantity: 50 },
      { batchId: 'none', expiresOn: null, receivedOn: '2020-03-01', quantity: 50 },
      { batchId: 'soon', expiresOn: '2020-05-01', receivedOn: '2020-04-10', quantity: 30 },
      { batchId: 'gone', expiresOn: '2020-04-01', receivedOn: '2020-01-10', quantity: 99 },
    ]
    expect(allocateFirstExpiry(batches, 60, '2020-04-14')).toEqual({
      ok: true,
      allocations: [
        { batchId: 'soon', quantity: 30 },
        { batchId: 'late', quantity: 30 },
      ],
    })
    expect(allocateFirstExpiry(batches, 131, '2020-04-14')).toEqual({ ok: false, available: 130 })
    expect(notEnoughStock('FFP3 masks', 130, 'mask')).toBe(
      'There are only 130 mask of FFP3 masks in stock: enter 130 or fewer',
    )
  })

  it('allocates exactly the quantity from batches that hold it (property)', () => {
    const batch = fc.record({
      batchId: fc.uuid(),
      expiresOn: fc.option(fc.constantFrom('2020-05-01', '2020-06-01', '2021-01-01'), { nil: null }),
      receivedOn: fc.constantFrom('2020-03-01', '2020-04-01'),
      quantity: fc.integer({ min: 0, max: 100 }),
    })
    fc.assert(
      fc.property(
        fc.uniqueArray(batch, { selector: (b) => b.batchId, maxLength: 6 }),
        fc.integer({ min: 1, max: 700 }),
        (batches, quantity) => {
          const available = batches.reduce((s, b) => s + b.quantity, 0)
          const result = allocateFirstExpiry(batches, quantity, '2020-04-14')
          if (quantity > available) {
            expect(result).toEqual({ ok: false, available })
            return
          }
          if (!result.ok) throw new Error('refused with enough stock')
          expect(result.allocations.reduce((s, a) => s + a.quantity, 0)).toBe(quantity)
          for (const a of result.allocations)
            expect(a.quantity).toBeLessThanOrEqual(batches.find((b) => b.batchId === a.batchId)!.quantity)
        },
      ),
    )
  })

  it('gives cover in days at the last 14 days’ rate, and balances as sums', () => {
    expect(stockCoverDays(700, 1400)).toBe(7)
    expect(stockCoverDays(700, 0)).toBeNull()
    expect(
      balancesOf([
        { key: 'a', quantity: 5 },
        { key: 'a', quantity: -2 },
        { key: 'b', quantity: 1 },
      ]),
    ).toEqual(
      new Map([
        ['a', 3],
        ['b', 1],
      ]),
    )
  })
})
