// Emergency PPE requests' pure rules: their order (priority rules as data), their states and what may
// follow each, the target time and the overdue flag, and the checks on an approval and a delivery.
import type { PpePriorityCondition, PpeRequestStatus } from '../ppe-supply.tables.ts'

export type PriorityRule = {
  condition: PpePriorityCondition
  label: string
  weight: number
  targetHours: number
}
export type RequestFacts = {
  // The lowest stock cover the provider gave across the items asked for, in days (null: not given).
  lowestCoverDays: number | null
  outbreak: boolean
  hasCases: boolean
  rag: string | null
}

const matches: Record<PpePriorityCondition, (f: RequestFacts) => boolean> = {
  no_cover_24h: (f) => f.lowestCoverDays !== null && f.lowestCoverDays < 1,
  outbreak: (f) => f.outbreak,
  red_rag: (f) => f.rag === 'red',
  has_cases: (f) => f.hasCases,
  any: () => true,
}

export const defaultTargetHours = 72

// The rules that match give the request its priority (their weights added) and its target (the
// shortest of theirs): the worst first, and the most urgent due soonest.
export function prioritise(rules: readonly PriorityRule[], facts: RequestFacts) {
  const matched = rules.filter((r) => matches[r.condition](facts))
  return {
    priority: matched.reduce((sum, r) => sum + r.weight, 0),
    reasons: matched.filter((r) => r.weight > 0).map((r) => r.label),
    targetHours: matched.length ? Math.min(...matched.map((r) => r.targetHours)) : defaultTargetHours,
  }
}

export const requestStatusNames: Record<PpeRequestStatus, string> = {
  requested: 'Waiting for a decision',
  approved: 'Approved',
  declined: 'Declined',
  picked: 'Picked',
  dispatched: 'Dispatched',
  delivered: 'Delivered',
}

export const requestStatusTagClasses: Record<PpeRequestStatus, string> = {
  requested: 'govuk-tag--blue',
  approved: 'govuk-tag--turquoise',
  declined: 'govuk-tag--red',
  picked: 'govuk-tag--purple',
  dispatched: 'govuk-tag--yellow',
  delivered: 'govuk-tag--green',
}

export const openStatuses: readonly PpeRequestStatus[] = ['requested', 'approved', 'picked', 'dispatched']

// The step a request may take next, from each state.
export const nextStep: Record<PpeRequestStatus, 'decide' | 'pick' | 'dispatch' | 'deliver' | null> = {
  requested: 'decide',
  approved: 'pick',
  picked: 'dispatch',
  dispatched: 'deliver',
  declined: null,
  delivered: null,
}

export function dueAt(requestedAt: Date, targetHours: number): Date {
  return new Date(requestedAt.getTime() + targetHours * 3_600_000)
}

// Not delivered (nor declined) within its target.
export function isOverdue(
  r: { status: PpeRequestStatus; requestedAt: Date; targetHours: number; deliveredAt: Date | null },
  now: Date,
): boolean {
  if (r.status === 'declined') return false
  const due = dueAt(r.requestedAt, r.targetHours)
  return r.deliveredAt ? r.deliveredAt > due : now > due
}

// How long a request has waited (until delivered or decided, or until now), in words.
export function waitedText(from: Date, until: Date): string {
  const minutes = Math.max(0, Math.floor((until.getTime() - from.getTime()) / 60_000))
  if (minutes < 60) return `${minutes} minute${minutes === 1 ? '' : 's'}`
  const hours = Math.floor(minutes / 60)
  if (hours < 48) return `${hours} hour${hours === 1 ? '' : 's'}`
  const days = Math.floor(hours / 24)
  return `${days} days`
}

// Worst first: highest priority, then the longest waiting.
export function worstFirst<T extends { priority: number; requestedAt: Date }>(rows: readonly T[]): T[] {
  return [...rows].sort(
    (a, b) => b.priority - a.priority || a.requestedAt.getTime() - b.requestedAt.getTime(),
  )
}

export type ApprovalCheck =
  | { ok: true; approved: Map<string, number>; part: boolean }
  | { ok: false; errors: Record<string, string> }

// An approval: per line, a whole number from 0 to what was asked; at least one above 0 (otherwise it
// is a decline, with a reason). Part approval: any line approved below what was asked.
export function checkApproval(
  lines: readonly { itemId: string; itemName: string; quantityAsked: number }[],
  typed: Record<string, string>,
): ApprovalCheck {
  const errors: Record<string, string> = {}
  const approved = new Map<string, number>()
  for (const line of lines) {
    const field = `approve-${line.itemId}`
    const raw = (typed[field] ?? '').trim()
    if (raw === '') {
      errors[field] = `Enter how many ${line.itemName} to approve`
      continue
    }
    if (!/^\d+$/.test(raw)) {
      errors[field] = `Quantity of ${line.itemName} must be a whole number, like 12`
      continue
    }
    const n = Number(raw)
    if (n > line.quantityAsked) {
      errors[field] = `You cannot approve more ${line.itemName} than the ${line.quantityAsked} asked for`
      continue
    }
    approved.set(line.itemId, n)
  }
  if (Object.keys(errors).length) return { ok: false, errors }
  if ([...approved.values()].every((n) => n === 0))
    return {
      ok: false,
      errors: {
        [`approve-${lines[0]?.itemId}`]: 'Approve at least one item, or decline the request with a reason',
      },
    }
  const part = lines.some((l) => (approved.get(l.itemId) ?? 0) < l.quantityAsked)
  return { ok: true, approved, part }
}

// A delivery: when it arrived (not before it was dispatched, not in the future) and who received it.
export function checkDelivery(
  typed: { receivedBy: string; deliveredAt: Date | null },
  dispatchedAt: Date,
  now: Date,
): Record<string, string> {
  const errors: Record<string, string> = {}
  if (!typed.receivedBy.trim()) errors.receivedBy = 'Enter the name of the person who received the delivery'
  else if (typed.receivedBy.length > 200) errors.receivedBy = 'Name must be 200 characters or fewer'
  if (!typed.deliveredAt)
    errors.deliveredDate = 'Enter the date and time of delivery, like 14 4 2020 and 15:30'
  // Times are typed to the minute: the minute of dispatch, and the current minute, are allowed.
  else if (typed.deliveredAt.getTime() < Math.floor(dispatchedAt.getTime() / 60_000) * 60_000)
    errors.deliveredDate = 'The delivery date must be the same as or after the dispatch date'
  else if (typed.deliveredAt.getTime() > Math.ceil(now.getTime() / 60_000) * 60_000)
    errors.deliveredDate = 'The delivery date must be today or in the past'
  return errors
}

export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}
