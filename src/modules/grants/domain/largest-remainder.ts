// Largest-remainder rounding: a whole `total` split in proportion to `weights`, in whole units, so that
// the parts sum to the total exactly and each differs from its exact share by less than one unit.
// Each part starts at the floor of its exact share; the units left over go one each to the parts with
// the largest remainders (ties to the earlier part, so the answer does not depend on chance). Pure.
export function largestRemainder(total: bigint, weights: readonly bigint[]): bigint[] {
  if (total < 0n) throw new Error('A total to split must not be negative')
  let sum = 0n
  for (const w of weights) {
    if (w < 0n) throw new Error('A weight must not be negative')
    sum += w
  }
  if (sum === 0n) return weights.map(() => 0n)
  const parts: bigint[] = new Array(weights.length)
  const remainders: { index: number; remainder: bigint }[] = []
  let given = 0n
  for (let i = 0; i < weights.length; i++) {
    const product = total * weights[i]!
    const part = product / sum
    parts[i] = part
    given += part
    const remainder = product % sum
    if (remainder > 0n) remainders.push({ index: i, remainder })
  }
  let left = total - given
  remainders.sort((a, b) =>
    a.remainder === b.remainder ? a.index - b.index : a.remainder > b.remainder ? -1 : 1,
  )
  for (const { index } of remainders) {
    if (left === 0n) break
    parts[index]! += 1n
    left -= 1n
  }
  return parts
}

// Whole percentages of each amount that sum to 100 (when any amount is above zero).
export function wholePercentages(amounts: readonly bigint[]): number[] {
  return largestRemainder(100n, amounts).map(Number)
}
