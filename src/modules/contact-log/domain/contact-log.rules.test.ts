import { describe, expect, it } from 'vitest'
import type { Actor } from '../../../domain/policy.ts'
import {
  bannerFor,
  type ContactForm,
  contactVisibleTo,
  followUpDue,
  mayChangeContact,
  mayReadContactLog,
  mayReadRestricted,
  mayRecordContacts,
  relativeDay,
  validateContact,
} from './contact-log.rules.ts'

const actor = (over: Partial<Actor>): Actor => ({
  userId: 'u',
  role: 'council_officer',
  organisationId: 'council',
  organisationKind: 'council',
  councilIds: ['council'],
  providerId: null,
  ...over,
})
const partner = actor({
  role: 'partner_officer',
  organisationId: 'ccg',
  organisationKind: 'nhs_commissioner',
})
const provider = actor({
  role: 'provider_manager',
  organisationKind: 'provider',
  councilIds: [],
  providerId: 'p',
})
const councilViewer = actor({ role: 'viewer' })
const healthwatch = actor({ role: 'viewer', organisationKind: 'healthwatch', organisationId: 'hw' })

describe('who sees and records contacts', () => {
  it('lets officers of any partner record, not viewers or providers', () => {
    expect(mayRecordContacts(actor({}))).toBe(true)
    expect(mayRecordContacts(actor({ role: 'admin' }))).toBe(true)
    expect(mayRecordContacts(partner)).toBe(true)
    expect(mayRecordContacts(councilViewer)).toBe(false)
    expect(mayRecordContacts(provider)).toBe(false)
  })

  it('never shows providers or viewers the log; restricted contacts only to council officers', () => {
    expect(mayReadContactLog(provider)).toBe(false)
    // Officers' notes are not for read-only roles (the README's "What each role sees").
    expect(mayReadContactLog(healthwatch)).toBe(false)
    expect(mayReadContactLog(councilViewer)).toBe(false)
    expect(contactVisibleTo(healthwatch, { restricted: false })).toBe(false)
    expect(contactVisibleTo(provider, { restricted: false })).toBe(false)
    expect(contactVisibleTo(partner, { restricted: false })).toBe(true)
    expect(contactVisibleTo(partner, { restricted: true })).toBe(false)
    expect(contactVisibleTo(healthwatch, { restricted: true })).toBe(false)
    expect(contactVisibleTo(councilViewer, { restricted: true })).toBe(false)
    expect(contactVisibleTo(actor({ role: 'finance_officer' }), { restricted: true })).toBe(true)
    expect(mayReadRestricted(actor({ role: 'admin', organisationKind: 'region' }))).toBe(false)
  })

  it('lets only the recording organisation change a contact', () => {
    expect(mayChangeContact(actor({ userId: 'other' }), { organisationId: 'council' })).toBe(true)
    expect(mayChangeContact(partner, { organisationId: 'council' })).toBe(false)
    expect(mayChangeContact(councilViewer, { organisationId: 'council' })).toBe(false)
  })
})

const form = (over: Partial<ContactForm> = {}): ContactForm => ({
  method: 'call',
  direction: 'outgoing',
  category: 'ppe',
  state: 'done',
  contactDay: '14',
  contactMonth: '4',
  contactYear: '2020',
  contactTime: '10:30',
  spokeTo: 'Manager',
  summary: 'Gloves low',
  actionsAgreed: 'Delivery tomorrow',
  followUpDay: '16',
  followUpMonth: '4',
  followUpYear: '2020',
  restricted: '',
  alertIds: [],
  ...over,
})
const now = new Date('2020-04-14T11:00:00Z') // 12:00 BST
const context = { actor: actor({}), now, isNew: true, openAlertIds: ['a1'] }

describe('a contact form', () => {
  it('turns a valid form into a contact at London time', () => {
    const r = validateContact(form({ alertIds: ['a1', 'a1'] }), context)
    expect(r.ok && r.value.contactAt.toISOString()).toBe('2020-04-14T09:30:00.000Z')
    expect(r.ok && r.value.alertIds).toEqual(['a1'])
    expect(r.ok && r.value.followUpOn).toBe('2020-04-16')
  })

  it('times a contact that happened today, with no time given, when it is recorded', () => {
    const early = { ...context, now: new Date('2020-04-14T07:10:00Z') } // 08:10 BST, before the 09:00 default
    const r = validateContact(form({ contactTime: '' }), early)
    expect(r.ok && r.value.contactAt.toISOString()).toBe('2020-04-14T07:10:00.000Z')
    const late = validateContact(form({ contactTime: '' }), context) // 12:00 BST
    expect(late.ok && late.value.contactAt.toISOString()).toBe(now.toISOString())
    // Only today's contacts that happened: an earlier day, or a planned call, keeps 09:00 London.
    const yesterday = validateContact(form({ contactTime: '', contactDay: '13' }), context)
    expect(yesterday.ok && yesterday.value.contactAt.toISOString()).toBe('2020-04-13T08:00:00.000Z')
    const planned = validateContact(form({ contactTime: '', state: 'planned' }), early)
    expect(planned.ok && planned.value.contactAt.toISOString()).toBe('2020-04-14T08:00:00.000Z')
  })

  it('names every problem', () => {
    const r = validateContact(
      form({
        method: '',
        direction: 'x',
        category: 'x',
        contactDay: '31',
        contactMonth: '2',
        contactTime: '25:00',
        summary: ' ',
        followUpDay: '40',
        alertIds: ['not-open'],
      }),
      context,
    )
    expect(r.ok ? [] : Object.keys(r.errors).sort()).toEqual(
      [
        'alertIds',
        'category',
        'contactDate',
        'contactTime',
        'direction',
        'followUpDate',
        'method',
        'summary',
      ].sort(),
    )
  })

  it('dates a contact that happened in the past and a planned one in the future', () => {
    const future = validateContact(form({ contactDay: '16' }), context)
    expect(future.ok ? '' : future.errors.contactDate).toBe(
      'A contact that has happened must be dated today or in the past',
    )
    const plannedPast = validateContact(
      form({ state: 'planned', contactDay: '13', followUpDay: '', followUpMonth: '', followUpYear: '' }),
      context,
    )
    expect(plannedPast.ok ? '' : plannedPast.errors.contactDate).toBe(
      'A planned contact must be dated today or in the future',
    )
    expect(validateContact(form({ state: 'planned', contactDay: '16' }), context).ok).toBe(true)
    expect(validateContact(form({ state: 'cancelled' }), context).ok).toBe(false)
    expect(validateContact(form({ state: 'cancelled' }), { ...context, isNew: false }).ok).toBe(true)
  })

  it('refuses a follow-up before the contact, and council-only from a partner', () => {
    const early = validateContact(form({ followUpDay: '10' }), context)
    expect(early.ok ? '' : early.errors.followUpDate).toMatch(/on or after/)
    const restricted = validateContact(form({ restricted: 'yes' }), { ...context, actor: partner })
    expect(restricted.ok ? '' : restricted.errors.restricted).toMatch(/council/)
    const ok = validateContact(form({ restricted: 'yes' }), context)
    expect(ok.ok && ok.value.restricted).toBe(true)
  })
})

describe('the banner', () => {
  const at = (iso: string, state: 'planned' | 'done' | 'cancelled') => ({ contactAt: new Date(iso), state })
  it('shows contacts of the last 7 days, newest first, and planned ones from today, soonest first', () => {
    const contacts = [
      at('2020-04-08T08:00:00Z', 'done'), // 8 April: 7 days including today
      at('2020-04-07T08:00:00Z', 'done'), // too old
      at('2020-04-14T08:00:00Z', 'done'),
      at('2020-04-14T08:00:00Z', 'cancelled'),
      at('2020-04-16T09:00:00Z', 'planned'),
      at('2020-04-14T07:00:00Z', 'planned'), // earlier today, still planned
      at('2020-04-13T09:00:00Z', 'planned'), // past, never recorded: not "planned"
    ]
    const b = bannerFor(contacts, now)
    expect(b.recent.map((c) => c.contactAt.toISOString())).toEqual([
      '2020-04-14T08:00:00.000Z',
      '2020-04-08T08:00:00.000Z',
    ])
    expect(b.planned.map((c) => c.contactAt.toISOString())).toEqual([
      '2020-04-14T07:00:00.000Z',
      '2020-04-16T09:00:00.000Z',
    ])
  })

  it('says today, yesterday, tomorrow or the date', () => {
    const fmt = () => '10 April 2020'
    expect(relativeDay(new Date('2020-04-13T23:30:00Z'), now, fmt)).toBe('today') // 00:30 BST
    expect(relativeDay(new Date('2020-04-13T12:00:00Z'), now, fmt)).toBe('yesterday')
    expect(relativeDay(new Date('2020-04-15T12:00:00Z'), now, fmt)).toBe('tomorrow')
    expect(relativeDay(new Date('2020-04-10T12:00:00Z'), now, fmt)).toBe('on 10 April 2020')
  })

  it('has a follow-up due from its date until done', () => {
    const c = { followUpOn: '2020-04-14', followUpDoneAt: null, state: 'done' as const }
    expect(followUpDue(c, now)).toBe(true)
    expect(followUpDue({ ...c, followUpOn: '2020-04-15' }, now)).toBe(false)
    expect(followUpDue({ ...c, followUpDoneAt: now }, now)).toBe(false)
    expect(followUpDue({ ...c, state: 'cancelled' }, now)).toBe(false)
  })
})
