import { describe, expect, it } from 'vitest'
import type { Actor } from '../../../domain/policy.ts'
import {
  checkState,
  checksByState,
  contactDeadline,
  escalationDue,
  mayWorkWelfare,
  removalDue,
  validateCancellation,
  validateOutcome,
  validatePerson,
} from './welfare.rules.ts'

const actor = (role: Actor['role'], kind: Actor['organisationKind'] = 'council'): Actor => ({
  userId: 'u',
  role,
  organisationId: 'o',
  organisationKind: kind,
  councilIds: ['o'],
  providerId: null,
})
const date = (day: string, month: string, year: string) => ({ day, month, year })

describe('welfare checks’ rules', () => {
  it('lets in only council admins and officers holding the grant', () => {
    expect(mayWorkWelfare(actor('council_officer'), true)).toBe(true)
    expect(mayWorkWelfare(actor('admin'), true)).toBe(true)
    expect(mayWorkWelfare(actor('council_officer'), false)).toBe(false)
    expect(mayWorkWelfare(actor('viewer'), true)).toBe(false)
    expect(mayWorkWelfare(actor('finance_officer'), true)).toBe(false)
    expect(mayWorkWelfare(actor('partner_officer', 'nhs_commissioner'), true)).toBe(false)
    expect(mayWorkWelfare(actor('provider_manager', 'provider'), true)).toBe(false)
    expect(mayWorkWelfare(actor('admin', 'region'), true)).toBe(false)
  })

  it('gives 2 hours to contact someone who lives alone and needs medication, 4 otherwise', () => {
    const at = new Date('2020-04-16T08:00:00Z')
    expect(contactDeadline(at, { livesAlone: true, needsMedication: true }).toISOString()).toBe(
      '2020-04-16T10:00:00.000Z',
    )
    expect(contactDeadline(at, { livesAlone: true, needsMedication: false }).toISOString()).toBe(
      '2020-04-16T12:00:00.000Z',
    )
  })

  it('escalates an open check past its contact-by time with no contact, once', () => {
    const base = {
      contactBy: new Date('2020-04-16T12:00:00Z'),
      escalatedAt: null,
      finishedAt: null,
      outcome: null,
    }
    const at = (iso: string) => new Date(iso)
    expect(escalationDue(base, at('2020-04-16T11:59:00Z'))).toBe(false)
    expect(escalationDue(base, at('2020-04-16T12:00:00Z'))).toBe(true)
    expect(escalationDue({ ...base, outcome: 'no_contact' }, at('2020-04-16T13:00:00Z'))).toBe(true)
    expect(escalationDue({ ...base, outcome: 'safe' }, at('2020-04-16T13:00:00Z'))).toBe(false)
    expect(
      escalationDue({ ...base, escalatedAt: at('2020-04-16T12:00:00Z') }, at('2020-04-16T13:00:00Z')),
    ).toBe(false)
    expect(escalationDue({ ...base, contactBy: null }, at('2020-04-17T13:00:00Z'))).toBe(false)
  })

  it('removes personal data 90 days after a check ends', () => {
    const finished = new Date('2020-04-16T08:00:00Z')
    expect(removalDue(finished, new Date('2020-07-15T07:59:00Z'))).toBe(false)
    expect(removalDue(finished, new Date('2020-07-15T08:00:00Z'))).toBe(true)
  })

  it('names a check’s state and counts checks by outcome', () => {
    const none = {
      assignedTo: null,
      outcome: null,
      escalatedAt: null,
      finishedAt: null,
      personalDataRemovedAt: null,
    }
    expect(checkState(none)).toBe('not_assigned')
    expect(checkState({ ...none, assignedTo: 'u' })).toBe('assigned')
    expect(checkState({ ...none, assignedTo: 'u', outcome: 'no_contact' })).toBe('retry')
    expect(checkState({ ...none, outcome: 'no_contact', escalatedAt: new Date() })).toBe('escalated')
    expect(checkState({ ...none, outcome: 'safe', finishedAt: new Date() })).toBe('done')
    const figures = checksByState([
      { state: 'not_assigned', outcome: null },
      { state: 'escalated', outcome: 'no_contact' },
      { state: 'done', outcome: 'referred' },
    ])
    expect(figures).toEqual({
      byOutcome: { safe: 0, needs_support: 0, referred: 1, no_contact: 1 },
      notYetChecked: 1,
      escalated: 1,
      total: 3,
    })
  })

  it('words each bad answer for its field', () => {
    expect(
      validatePerson({ reference: 'HC 1', initials: 'abcde', area: 'x'.repeat(61), flags: ['rich'] }),
    ).toEqual({
      ok: false,
      errors: {
        reference: 'Reference must be 20 letters, numbers, hyphens or slashes or fewer, like HC-1042',
        initials: 'Initials must be 1 to 4 letters, like JS',
        area: 'Area must be 60 characters or fewer',
        flags: 'Select only the needs listed',
      },
    })
    expect(
      validateOutcome({ outcome: 'safe', note: '', outcomeDate: date('', '', '') }, '2020-04-16'),
    ).toEqual({
      ok: false,
      errors: { outcomeDate: 'Enter the date of the check' },
    })
    expect(
      validateOutcome({ outcome: 'fine', note: '', outcomeDate: date('31', '2', '2020') }, '2020-04-16'),
    ).toEqual({
      ok: false,
      errors: {
        outcome: 'Select the outcome of the check',
        outcomeDate: 'The date of the check must be a real date',
      },
    })
    expect(
      validateOutcome({ outcome: 'referred', note: ' ', outcomeDate: date('15', '4', '2020') }, '2020-04-16'),
    ).toEqual({
      ok: true,
      value: { outcome: 'referred', outcomeOn: '2020-04-15', note: null },
    })
    expect(
      validateCancellation({ visitsCancelled: '0', cancelledDate: date('16', '4', '2020') }, '2020-04-16'),
    ).toEqual({
      ok: false,
      errors: { visitsCancelled: 'Visits cancelled must be between 1 and 10,000' },
    })
  })
})
