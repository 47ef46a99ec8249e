import { describe, expect, it } from 'vitest'
import { largestRemainder, wholePercentages } from './largest-remainder.ts'

describe('largest-remainder rounding', () => {
  it('sums exactly and gives the leftover units to the largest remainders', () => {
    expect(largestRemainder(100n, [1n, 1n, 1n])).toEqual([34n, 33n, 33n])
    expect(largestRemainder(10n, [5n, 3n, 2n])).toEqual([5n, 3n, 2n])
    expect(largestRemainder(7n, [0n, 0n])).toEqual([0n, 0n])
  })

  it('rounds the seed council’s spend to percentages that sum to 100', () => {
    // 28.4 %, 28.4 %, 18.4 % and 24.8 %: rounded one by one they are 28, 28, 18 and 25, which sum to 99.
    const spend = [2_840_000n, 2_840_000n, 1_840_000n, 2_480_000n]
    const shares = wholePercentages(spend)
    expect(shares.reduce((a, b) => a + b, 0)).toBe(100)
    expect(shares).toEqual([29, 28, 18, 25])
  })
})
