// The stock ledger's pure rules: quantities as typed, batches issued first-expiry-first-out, stock
// cover and low stock. No database, no clock.
import type { PpeMoveKind } from '../ppe-supply.tables.ts'

export type QuantityCheck = { ok: true; value: number } | { ok: false; error: string }

// A quantity typed in a form: a whole number above zero (or zero and above where `allowZero`).
export function parseQuantity(
  raw: string,
  words: { missing: string; label: string },
  options: { allowZero?: boolean; max?: number } = {},
): QuantityCheck {
  const text = raw.trim().replaceAll(',', '')
  if (text === '') return { ok: false, error: words.missing }
  if (!/^-?\d+(\.\d+)?$/.test(text))
    return { ok: false, error: `${words.label} must be a whole number, like 12` }
  if (!/^-?\d+$/.test(text)) return { ok: false, error: `${words.label} must be a whole number, like 12` }
  const value = Number(text)
  if (value < 0 || (value === 0 && !options.allowZero))
    return { ok: false, error: `${words.label} must be ${options.allowZero ? '0' : '1'} or more` }
  const max = options.max ?? 10_000_000
  if (value > max)
    return { ok: false, error: `${words.label} must be ${max.toLocaleString('en-GB')} or fewer` }
  return { ok: true, value }
}

export const moveKindNames: Record<PpeMoveKind, string> = {
  receipt: 'Received',
  issue: 'Issued to a provider',
  transfer_out: 'Transferred out',
  transfer_in: 'Transferred in',
  return: 'Returned by a provider',
  write_off: 'Written off',
  count_adjustment: 'Stock count adjustment',
}

export const receiptSources = ['national_portal', 'donation', 'purchase'] as const
export type ReceiptSource = (typeof receiptSources)[number]
export const receiptSourceNames: Record<ReceiptSource, string> = {
  national_portal: 'National PPE portal',
  donation: 'Donation',
  purchase: 'Purchase',
}

// A store's kind, in the PPE team's words.
export const storeKinds = ['central_store', 'hospital_hub', 'local_hub'] as const
export type StoreKind = (typeof storeKinds)[number]
export const storeKindNames: Record<StoreKind, string> = {
  central_store: 'Central store',
  hospital_hub: 'Hospital hub',
  local_hub: 'Local distribution point',
}

export const writeOffReasons = ['expired', 'damaged', 'recalled', 'lost'] as const
export const writeOffReasonNames: Record<(typeof writeOffReasons)[number], string> = {
  expired: 'Expired',
  damaged: 'Damaged',
  recalled: 'Recalled by the supplier',
  lost: 'Lost or missing',
}

export type BatchBalance = {
  batchId: string
  expiresOn: string | null
  receivedOn: string
  quantity: number
}

// First expiry, first out: batches that expire soonest go first, then batches without an expiry date,
// oldest received first. Expired batches are not issued (they are written off).
export function firstExpiryFirst(batches: readonly BatchBalance[], onDate: string): BatchBalance[] {
  return batches
    .filter((b) => b.quantity > 0 && (b.expiresOn === null || b.expiresOn >= onDate))
    .sort(
      (a, b) =>
        (a.expiresOn ?? '9999-12-31').localeCompare(b.expiresOn ?? '9999-12-31') ||
        a.receivedOn.localeCompare(b.receivedOn) ||
        a.batchId.localeCompare(b.batchId),
    )
}

export type Allocation = { batchId: string; quantity: number }
export type AllocationResult = { ok: true; allocations: Allocation[] } | { ok: false; available: number }

// Takes `quantity` from the batches in first-expiry order, or says how many units are available.
export function allocateFirstExpiry(
  batches: readonly BatchBalance[],
  quantity: number,
  onDate: string,
): AllocationResult {
  const usable = firstExpiryFirst(batches, onDate)
  const available = usable.reduce((sum, b) => sum + b.quantity, 0)
  if (quantity > available) return { ok: false, available }
  const allocations: Allocation[] = []
  let left = quantity
  for (const batch of usable) {
    if (left === 0) break
    const take = Math.min(left, batch.quantity)
    allocations.push({ batchId: batch.batchId, quantity: take })
    left -= take
  }
  return { ok: true, allocations }
}

// The message a refused issue or transfer gives: the item, what was asked and what there is.
export function notEnoughStock(itemName: string, available: number, unit = 'units'): string {
  return `There are only ${available.toLocaleString('en-GB')} ${unit} of ${itemName} in stock: enter ${available.toLocaleString('en-GB')} or fewer`
}

// Days of stock at the rate issued over the last 14 days; null when nothing was issued (no rate).
export function stockCoverDays(balance: number, issuedInLast14Days: number): number | null {
  if (issuedInLast14Days <= 0) return null
  return Math.floor((balance * 14) / issuedInLast14Days)
}

export function isLowStock(balance: number, threshold: number | null): boolean {
  return threshold !== null && balance < threshold
}

// A stock count: the difference from the balance is recorded as an adjustment (nothing if none).
export function countAdjustment(balance: number, counted: number): number {
  return counted - balance
}

// A pure model of the ledger for the property test: balances are the sums of the moves.
export function balancesOf(moves: readonly { key: string; quantity: number }[]): Map<string, number> {
  const balances = new Map<string, number>()
  for (const m of moves) balances.set(m.key, (balances.get(m.key) ?? 0) + m.quantity)
  return balances
}
