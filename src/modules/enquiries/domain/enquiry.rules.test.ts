import { describe, expect, it } from 'vitest'
import type { Actor } from '../../../domain/policy.ts'
import {
  isOverdue,
  mayReadEnquiries,
  mayWorkEnquiries,
  searchWords,
  trendTable,
  trendWeeks,
  validateAsk,
  validateLog,
  validateResponse,
  validateStatusChange,
  weekOf,
} from './enquiry.rules.ts'

const actor = (over: Partial<Actor>): Actor => ({
  userId: 'u',
  role: 'council_officer',
  organisationId: 'o',
  organisationKind: 'council',
  councilIds: ['o'],
  providerId: null,
  ...over,
})

describe('enquiry rules', () => {
  it('lets council officers work enquiries, council users read them, partners and providers neither', () => {
    expect(mayWorkEnquiries(actor({}))).toBe(true)
    expect(mayWorkEnquiries(actor({ role: 'viewer' }))).toBe(false)
    expect(mayReadEnquiries(actor({ role: 'viewer' }))).toBe(true)
    expect(mayReadEnquiries(actor({ role: 'partner_officer', organisationKind: 'nhs_commissioner' }))).toBe(
      false,
    )
    expect(mayReadEnquiries(actor({ role: 'provider_manager', organisationKind: 'provider' }))).toBe(false)
  })

  it('is overdue only while open and past due', () => {
    const now = new Date('2020-04-16T12:00:00Z')
    const past = new Date('2020-04-15T23:00:00Z')
    expect(isOverdue({ status: 'new', dueAt: past }, now)).toBe(true)
    expect(isOverdue({ status: 'in_progress', dueAt: past }, now)).toBe(true)
    expect(isOverdue({ status: 'answered', dueAt: past }, now)).toBe(false)
    expect(isOverdue({ status: 'new', dueAt: new Date('2020-04-17T00:00:00Z') }, now)).toBe(false)
  })

  it('checks a question, naming each problem', () => {
    const r = validateAsk({ locationId: 'x', category: 'nope', question: '  ' }, ['a'])
    expect(r).toEqual({
      ok: false,
      errors: {
        locationId: 'Select the location your question is about',
        category: 'Select what your question is about',
        question: 'Enter your question',
      },
    })
    expect(validateAsk({ locationId: 'a', category: 'ppe', question: ' Masks? ' }, ['a'])).toEqual({
      ok: true,
      value: { locationId: 'a', category: 'ppe', question: 'Masks?' },
    })
  })

  it('refuses a logged enquiry dated in the future or not a real date', () => {
    const now = new Date('2020-04-14T09:00:00Z')
    const base = { channel: 'phone', askedByName: 'Ann', category: 'ppe', question: 'Q' }
    const future = validateLog({ ...base, receivedDay: '15', receivedMonth: '4', receivedYear: '2020' }, now)
    expect(future.ok ? null : future.errors.receivedDate).toBe('Date received must be today or in the past')
    const unreal = validateLog({ ...base, receivedDay: '31', receivedMonth: '2', receivedYear: '2020' }, now)
    expect(unreal.ok ? null : unreal.errors.receivedDate).toMatch(/real date/)
    expect(
      validateLog({ ...base, receivedDay: '14', receivedMonth: '4', receivedYear: '2020' }, now).ok,
    ).toBe(true)
  })

  it('sends a response to the asker, or to a typed address that must look like one', () => {
    expect(validateResponse({ response: 'Yes', sendTo: 'other@x.example' }, 'asker@x.example')).toEqual({
      ok: true,
      value: { response: 'Yes', sendTo: 'asker@x.example' },
    })
    expect(validateResponse({ response: 'Yes', sendTo: '' }, null)).toEqual({
      ok: true,
      value: { response: 'Yes', sendTo: null },
    })
    const bad = validateResponse({ response: '', sendTo: 'nope' }, null)
    expect(bad.ok ? [] : Object.keys(bad.errors)).toEqual(['response', 'sendTo'])
  })

  it('will not mark an enquiry answered without a response, nor give it to a stranger', () => {
    const r = validateStatusChange(
      { status: 'answered', ownerUserId: 'z' },
      { hasResponse: false, ownerIds: ['a'] },
    )
    expect(r.ok ? [] : Object.keys(r.errors)).toEqual(['status', 'ownerUserId'])
  })

  it('splits a search into words', () => {
    expect(searchWords('  FFP3 masks, please! ')).toEqual(['ffp3', 'masks', 'please'])
    expect(searchWords('%_')).toEqual([])
  })

  it('counts enquiries by Monday-start London week and category', () => {
    const now = new Date('2020-04-15T10:00:00Z') // Wednesday
    const weeks = trendWeeks(now, 3)
    expect(weeks).toEqual(['2020-03-30', '2020-04-06', '2020-04-13'])
    // Sunday 23:30 UTC in BST is already Monday in London.
    expect(weekOf(new Date('2020-04-12T23:30:00Z'))).toBe('2020-04-13')
    const table = trendTable(
      [
        { category: 'ppe', receivedAt: new Date('2020-04-12T23:30:00Z') },
        { category: 'ppe', receivedAt: new Date('2020-04-06T08:00:00Z') },
        { category: 'finance', receivedAt: new Date('2020-04-14T08:00:00Z') },
        { category: 'finance', receivedAt: new Date('2020-03-01T08:00:00Z') }, // before the range
      ],
      weeks,
    )
    expect(table.rows.find((r) => r.category === 'ppe')!.counts).toEqual([0, 1, 1])
    expect(table.rows.find((r) => r.category === 'finance')!.counts).toEqual([0, 0, 1])
    expect(table.weekTotals).toEqual([0, 1, 2])
    expect(table.total).toBe(3)
  })
})
