import { describe, expect, it } from 'vitest'
import { caseHistory, contactsOfCase } from './case-history.ts'

const at = (iso: string) => new Date(iso)
const theCase = { id: 'case-1', openedAt: at('2020-04-14T05:00Z'), resolvedAt: null, status: 'open' }
const contact = (id: string, when: string, extra: { caseId?: string | null; state?: string } = {}) => ({
  id,
  contactAt: at(when),
  state: extra.state ?? 'done',
  caseId: extra.caseId ?? null,
})

describe('a case’s contacts and history', () => {
  it('keeps a contact logged from the case whatever its date, and the location’s others while it is open', () => {
    const contacts = [
      contact('before, from the case', '2020-04-10T10:00Z', { caseId: 'case-1' }),
      contact('before, from the location', '2020-04-10T11:00Z'),
      contact('after it opened', '2020-04-14T06:00Z'),
      contact('planned', '2020-04-01T09:00Z', { state: 'planned' }),
      contact('another case’s', '2020-04-14T07:00Z', { caseId: 'case-0' }),
    ]
    expect(contactsOfCase(theCase, contacts).map((c) => c.id)).toEqual([
      'before, from the case',
      'after it opened',
      'planned',
    ])
    const closed = { ...theCase, status: 'resolved', resolvedAt: at('2020-04-14T06:30Z') }
    expect(
      contactsOfCase(closed, [...contacts, contact('after it closed', '2020-04-15T09:00Z')]).map((c) => c.id),
    ).toEqual(['before, from the case', 'after it opened'])
  })

  it('interleaves events and contacts, newest first', () => {
    const events = [
      { kind: 'action_added', occurredAt: at('2020-04-14T09:00Z') },
      { kind: 'alert_added', occurredAt: at('2020-04-14T05:00Z') },
      { kind: 'opened', occurredAt: at('2020-04-14T05:00Z') },
    ]
    const contacts = [contact('call', '2020-04-14T05:00Z'), contact('earlier call', '2020-04-10T10:00Z')]
    expect(caseHistory(events, contacts).map((h) => h.event?.kind ?? h.contact?.id)).toEqual([
      'action_added',
      'call',
      'alert_added',
      'opened',
      'earlier call',
    ])
  })
})
