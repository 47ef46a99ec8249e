// The charging policy's pure rules: whether an issue is free or chargeable on a day, at which price.
import type { PpeRoute } from '../ppe-supply.tables.ts'

export type ChargingRule = {
  effectiveFrom: string
  itemId: string | null
  route: PpeRoute | null
  charge: 'free' | 'chargeable'
}

// The rule in force for an item by a route on a day: the most specific rule (an item's own before
// every item's; a route's own before every route's) and, among equally specific, the latest started.
// So "everything chargeable until 26 May; emergency supplies free from it; FFP3 masks always
// chargeable" is three rules. With no rule in force an issue is chargeable, as before any policy.
export function ruleInForce(
  rules: readonly ChargingRule[],
  itemId: string,
  route: PpeRoute,
  onDate: string,
): ChargingRule | null {
  const specificity = (r: ChargingRule) => (r.itemId ? 2 : 0) + (r.route ? 1 : 0)
  return (
    rules
      .filter(
        (r) =>
          r.effectiveFrom <= onDate &&
          (r.itemId === null || r.itemId === itemId) &&
          (r.route ?? route) === route,
      )
      .sort((a, b) => specificity(b) - specificity(a) || b.effectiveFrom.localeCompare(a.effectiveFrom))[0] ??
    null
  )
}

export function isChargeable(
  rules: readonly ChargingRule[],
  itemId: string,
  route: PpeRoute,
  onDate: string,
): boolean {
  return (ruleInForce(rules, itemId, route, onDate)?.charge ?? 'chargeable') === 'chargeable'
}

// The unit price in force on a day: the latest price dated on or before it (null: no price yet).
export function priceOn(
  prices: readonly { effectiveFrom: string; unitPricePence: number }[],
  onDate: string,
) {
  let found: { effectiveFrom: string; unitPricePence: number } | null = null
  for (const p of prices)
    if (p.effectiveFrom <= onDate && (!found || p.effectiveFrom > found.effectiveFrom)) found = p
  return found?.unitPricePence ?? null
}

// What an issue records: free or not, the unit price that day and the charge (0 when free).
export function chargeForIssue(
  rules: readonly ChargingRule[],
  prices: readonly { effectiveFrom: string; unitPricePence: number }[],
  issue: { itemId: string; route: PpeRoute; onDate: string; quantity: number },
) {
  const unitPricePence = priceOn(prices, issue.onDate) ?? 0
  const free = !isChargeable(rules, issue.itemId, issue.route, issue.onDate)
  return { free, unitPricePence, chargedPence: free ? 0 : unitPricePence * issue.quantity }
}

// Whether recovery of charges is paused on a day: the latest change on or before it says.
export function recoveryPausedOn(
  changes: readonly { effectiveFrom: string; paused: boolean }[],
  onDate: string,
) {
  let latest: { effectiveFrom: string; paused: boolean } | null = null
  for (const c of changes)
    if (c.effectiveFrom <= onDate && (!latest || c.effectiveFrom >= latest.effectiveFrom)) latest = c
  return latest?.paused ?? false
}

export function penceText(pence: number): string {
  return `£${(pence / 100).toLocaleString('en-GB', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`
}

// A price typed in pounds and pence ("1.25", "£0.30") as whole pence, or null when it is not one.
export function penceFromText(raw: string): number | null {
  const text = raw.trim().replace(/^£/, '').replaceAll(',', '')
  if (!/^\d+(\.\d{1,2})?$/.test(text)) return null
  const [pounds, pence = ''] = text.split('.')
  return Number(pounds) * 100 + Number(pence.padEnd(2, '0'))
}

// A unit price as typed in a form, with the message naming the field when it is not a price.
export function parseUnitPrice(raw: string): { ok: true; value: number } | { ok: false; error: string } {
  const text = raw.trim()
  if (text === '') return { ok: false, error: 'Enter the price per unit' }
  if (/^£?\s*-/.test(text)) return { ok: false, error: 'Price per unit must be £0.00 or more' }
  const pence = penceFromText(text)
  if (pence === null) return { ok: false, error: 'Price per unit must be in pounds and pence, like 0.12' }
  return { ok: true, value: pence }
}
