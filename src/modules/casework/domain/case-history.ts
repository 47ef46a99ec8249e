// A case's contacts and its history: what the case page lists. Pure: no I/O.

export type ContactForCase = {
  id: string
  contactAt: Date
  state: string
  // The case it was logged from, if any.
  caseId: string | null
}

export type CaseSpan = { id: string; openedAt: Date; resolvedAt: Date | null; status: string }

// The contacts that belong to a case: every one logged from the case, whatever its date; and the
// location's others made while the case was open (or planned while it still is). One logged from
// another case belongs to that one.
export function contactsOfCase<C extends ContactForCase>(c: CaseSpan, contacts: readonly C[]): C[] {
  return contacts.filter((contact) => {
    if (contact.caseId !== null) return contact.caseId === c.id
    if (contact.state === 'planned') return c.status !== 'resolved'
    return contact.contactAt >= c.openedAt && (c.resolvedAt === null || contact.contactAt <= c.resolvedAt)
  })
}

export type CaseEventLike = { occurredAt: Date; kind: string }

export type HistoryEntry<E, C> =
  | { at: Date; event: E; contact?: never }
  | { at: Date; contact: C; event?: never }

// The case's history, newest first: its events (alerts added and resolved, actions added and done,
// ownership, passing on, closing) interleaved with its contacts by when they happened.
export function caseHistory<E extends CaseEventLike, C extends ContactForCase>(
  events: readonly E[],
  contacts: readonly C[],
): HistoryEntry<E, C>[] {
  const entries: HistoryEntry<E, C>[] = [
    ...events.map((event) => ({ at: new Date(event.occurredAt), event })),
    ...contacts.map((contact) => ({ at: new Date(contact.contactAt), contact })),
  ]
  // Newest first; at the same moment, a contact above an event (an alert raised, then the call about it).
  return entries
    .map((entry, index) => ({ entry, index }))
    .sort(
      (a, b) =>
        b.entry.at.getTime() - a.entry.at.getTime() ||
        Number(Boolean(b.entry.contact)) - Number(Boolean(a.entry.contact)) ||
        a.index - b.index,
    )
    .map(({ entry }) => entry)
}
