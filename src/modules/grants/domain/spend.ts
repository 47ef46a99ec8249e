import type { FieldErrors, Outcome } from '../../../domain/outcome.ts'
import { largestRemainder, wholePercentages } from './largest-remainder.ts'
import { parsePounds, pounds } from './money.ts'

// Spend returns: what a provider spent of its allocation, by the round's measures; never more than it
// was allocated. What is unspent is clawed back when the round says so. Pure.

export type SpendCheck = {
  amounts: bigint[]
  spentPence: bigint
  unspentPence: bigint
  clawbackPence: bigint
}

// Field names of the measures on the form: measure-0, measure-1, …
export const measureField = (i: number) => `measure-${i}`

export function checkSpend(
  allocationPence: bigint,
  measures: readonly string[],
  typed: readonly string[],
  clawbackUnspent: boolean,
): Outcome<SpendCheck> {
  const errors: FieldErrors = {}
  const amounts = measures.map((measure, i) => {
    const text = (typed[i] ?? '').trim()
    if (!text) return 0n
    const pence = parsePounds(text)
    if (pence === null) {
      errors[measureField(i)] =
        `The amount spent on ${measure.toLowerCase()} must be an amount of money, like £1,200.00`
      return 0n
    }
    return pence
  })
  if (Object.keys(errors).length) return { ok: false, errors }
  const spentPence = amounts.reduce((a, b) => a + b, 0n)
  if (spentPence > allocationPence)
    return {
      ok: false,
      errors: {
        [measureField(0)]:
          `The total spent, ${pounds(spentPence)}, is more than the ${pounds(allocationPence)} allocated`,
      },
    }
  const unspentPence = allocationPence - spentPence
  return {
    ok: true,
    value: { amounts, spentPence, unspentPence, clawbackPence: clawbackUnspent ? unspentPence : 0n },
  }
}

// The council's return to government: spending by measure, with percentages that sum to 100.
export function spendSummary(
  measures: readonly string[],
  returns: readonly { amounts: readonly bigint[] }[],
) {
  const totals = measures.map((_, i) => returns.reduce((sum, r) => sum + (r.amounts[i] ?? 0n), 0n))
  const percents = wholePercentages(totals)
  const total = totals.reduce((a, b) => a + b, 0n)
  return {
    rows: measures.map((measure, i) => ({ measure, spentPence: totals[i]!, percent: percents[i]! })),
    totalPence: total,
    totalPercent: total > 0n ? 100 : 0,
  }
}

// Each tranche's part of one allocation, by the tranches' shares, to the penny.
export function trancheAmounts(allocationPence: bigint, shares: readonly number[]): bigint[] {
  return largestRemainder(allocationPence, shares.map(BigInt))
}
