// A location's dated status history. Pure: "which locations should have reported on a date" is
// answered from these events, so a reporting rate can never exceed 100 %.
export type LocationStatus = 'open' | 'dormant' | 'closed'
export type StatusEvent = { status: LocationStatus; effectiveFrom: string }

// The status in force on an ISO date: the latest event on or before it; before any event, not yet open.
export function statusOn(events: readonly StatusEvent[], isoDate: string): LocationStatus | 'not-yet-open' {
  let current: StatusEvent | null = null
  for (const event of events) {
    if (event.effectiveFrom <= isoDate && (current === null || event.effectiveFrom >= current.effectiveFrom))
      current = event
  }
  return current?.status ?? 'not-yet-open'
}

export function expectedToReport(events: readonly StatusEvent[], isoDate: string): boolean {
  return statusOn(events, isoDate) === 'open'
}

// A location's status now, from its stored facts: the one meaning of open, dormant and closed that
// the directory, the dashboards, the risk counts and the exports share (issue 17, item 5).
export function currentStatus(location: { status: string; dormant: boolean }): LocationStatus {
  return location.status === 'closed' ? 'closed' : location.dormant ? 'dormant' : 'open'
}

export const statusNames: Record<LocationStatus, string> = {
  open: 'Open',
  dormant: 'Dormant',
  closed: 'Closed',
}

// The events that turn a location's imported facts into history: registration opens it, dormancy and
// deregistration follow with their dates when known (the CQC's own; else the day the change was seen).
export function statusChange(
  before: { status: LocationStatus; dormant: boolean } | null,
  after: {
    status: 'open' | 'closed'
    dormant: boolean
    dormancyStart?: string | null
    registrationStart: string | null
    registrationEnd: string | null
  },
  seenOn: string,
): StatusEvent[] {
  const target: LocationStatus = after.status === 'closed' ? 'closed' : after.dormant ? 'dormant' : 'open'
  if (before === null) {
    const events: StatusEvent[] = [{ status: 'open', effectiveFrom: after.registrationStart ?? seenOn }]
    if (target === 'closed') events.push({ status: 'closed', effectiveFrom: after.registrationEnd ?? seenOn })
    else if (target === 'dormant')
      events.push({ status: 'dormant', effectiveFrom: dormantFrom(after, seenOn) })
    return events
  }
  const current: LocationStatus = before.status === 'closed' ? 'closed' : before.dormant ? 'dormant' : 'open'
  if (current === target) return []
  const effectiveFrom =
    target === 'closed'
      ? (after.registrationEnd ?? seenOn)
      : target === 'dormant'
        ? dormantFrom(after, seenOn)
        : seenOn
  return [{ status: target, effectiveFrom }]
}

// Dormant from the CQC's date, never before the registration (nor after the day it was seen).
function dormantFrom(
  after: { dormancyStart?: string | null; registrationStart: string | null },
  seenOn: string,
) {
  const from = after.dormancyStart
  if (!from || from > seenOn) return seenOn
  return after.registrationStart && from < after.registrationStart ? after.registrationStart : from
}
