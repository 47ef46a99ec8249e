import { type ContactCategory, isContactCategory } from '../../../domain/contact-categories.ts'
import { addDaysToIsoDate, isoDateFromParts, londonDate, londonInstant } from '../../../domain/dates.ts'
import type { Outcome } from '../../../domain/outcome.ts'
import { type Actor, can } from '../../../domain/policy.ts'
import { textLimits } from '../../../domain/text-limits.ts'

// The shared contact log: who may record and read contacts, what a valid contact is, and which
// contacts count as "recent" or "planned" for the banner every officer sees. Pure: no I/O, no clock.

export const contactMethods = ['call', 'email', 'visit', 'video_call', 'meeting'] as const
export type ContactMethod = (typeof contactMethods)[number]
export const contactMethodNames: Record<ContactMethod, string> = {
  call: 'Telephone call',
  email: 'E-mail',
  visit: 'Visit',
  video_call: 'Video call',
  meeting: 'Meeting',
}
// "Call planned on …", "Visit planned on …".
export const contactMethodNouns: Record<ContactMethod, string> = {
  call: 'Call',
  email: 'E-mail',
  visit: 'Visit',
  video_call: 'Video call',
  meeting: 'Meeting',
}

export const contactDirections = ['outgoing', 'incoming'] as const
export type ContactDirection = (typeof contactDirections)[number]
export const contactDirectionNames: Record<ContactDirection, string> = {
  outgoing: 'We contacted the location',
  incoming: 'The location contacted us',
}

export const contactStates = ['planned', 'done', 'cancelled'] as const
export type ContactState = (typeof contactStates)[number]
export const contactStateNames: Record<ContactState, string> = {
  planned: 'Planned',
  done: 'Happened',
  cancelled: 'Cancelled',
}

// Officers of any partner record contacts; viewers and providers do not (the policy's table, "What
// each role sees" in the README).
export function mayRecordContacts(actor: Actor): boolean {
  return can(actor, 'contact-log:record')
}

// Providers never see the contact log: it is the partners' shared record about them, and may hold
// concerns not yet raised with the provider. Nor do viewers: it is officers' working notes. Officers
// and finance officers read it within their scope.
export function mayReadContactLog(actor: Actor): boolean {
  return can(actor, 'contact-log:read')
}

// Restricted (council only) contacts: users of a council organisation, whatever their role.
export function mayReadRestricted(actor: Actor): boolean {
  return mayReadContactLog(actor) && actor.organisationKind === 'council'
}

// Whether one contact may be shown to the actor, given that its location is already in the actor's scope.
export function contactVisibleTo(actor: Actor, contact: { restricted: boolean }): boolean {
  if (!mayReadContactLog(actor)) return false
  return !contact.restricted || mayReadRestricted(actor)
}

// A contact is changed by officers of the organisation that recorded it (so a colleague can record the
// outcome of a call booked by someone on leave), never by another partner.
export function mayChangeContact(actor: Actor, contact: { organisationId: string }): boolean {
  return mayRecordContacts(actor) && actor.organisationId === contact.organisationId
}

export type ContactForm = {
  method: string
  direction: string
  category: string
  state: string
  contactDay: string
  contactMonth: string
  contactYear: string
  contactTime: string
  spokeTo: string
  summary: string
  actionsAgreed: string
  followUpDay: string
  followUpMonth: string
  followUpYear: string
  restricted: string
  alertIds: string[]
}

export const contactFormFields = [
  'state',
  'method',
  'direction',
  'category',
  'contactDate',
  'contactTime',
  'spokeTo',
  'summary',
  'actionsAgreed',
  'followUpDate',
  'restricted',
  'alertIds',
] as const

export type ContactInput = {
  method: ContactMethod
  direction: ContactDirection
  category: ContactCategory
  state: ContactState
  contactAt: Date
  spokeTo: string | null
  summary: string
  actionsAgreed: string | null
  followUpOn: string | null
  restricted: boolean
  alertIds: string[]
}

const longText = textLimits.contactText

// Checks a contact form. `isNew`: a new contact is planned or has happened; a change may also cancel.
// `openAlertIds`: the location's open alerts, the only ones a contact may be linked to.
export function validateContact(
  form: ContactForm,
  context: { actor: Actor; now: Date; isNew: boolean; openAlertIds: readonly string[] },
): Outcome<ContactInput> {
  const errors: Record<string, string> = {}
  const allowedStates: readonly string[] = context.isNew ? ['planned', 'done'] : contactStates
  if (!allowedStates.includes(form.state))
    errors.state = context.isNew
      ? 'Select whether the contact has happened or is planned'
      : 'Select whether the contact is planned, has happened or was cancelled'
  if (!(contactMethods as readonly string[]).includes(form.method))
    errors.method = 'Select how the contact was made'
  if (!(contactDirections as readonly string[]).includes(form.direction))
    errors.direction = 'Select who made the contact'
  if (!isContactCategory(form.category)) errors.category = 'Select what the contact was about'

  const today = londonDate(context.now)
  const dateEmpty = !form.contactDay.trim() && !form.contactMonth.trim() && !form.contactYear.trim()
  const contactDate = isoDateFromParts({
    day: form.contactDay,
    month: form.contactMonth,
    year: form.contactYear,
  })
  if (dateEmpty) errors.contactDate = 'Enter the date of the contact'
  else if (!contactDate) errors.contactDate = 'Date of the contact must be a real date, for example 27 3 2020'
  let hours = 9
  let minutes = 0
  const time = form.contactTime.trim()
  if (time) {
    const match = /^([01]?\d|2[0-3])[:.]([0-5]\d)$/.exec(time)
    if (!match) errors.contactTime = 'Enter the time as hours and minutes, for example 14:30'
    else {
      hours = Number(match[1])
      minutes = Number(match[2])
    }
  }
  if (contactDate && !errors.state) {
    if (form.state === 'done' && contactDate > today)
      errors.contactDate = 'A contact that has happened must be dated today or in the past'
    if (form.state === 'planned' && contactDate < today && context.isNew)
      errors.contactDate = 'A planned contact must be dated today or in the future'
    if (contactDate < addDaysToIsoDate(today, -366))
      errors.contactDate = 'Date of the contact must be within the last year'
    if (contactDate > addDaysToIsoDate(today, 366))
      errors.contactDate = 'Date of the contact must be within the next year'
  }

  const spokeTo = form.spokeTo.trim()
  if (spokeTo.length > textLimits.spokeTo) errors.spokeTo = 'Who you spoke to must be 200 characters or fewer'
  const summary = form.summary.trim()
  if (!summary) errors.summary = 'Enter a summary of the contact'
  else if (summary.length > longText) errors.summary = `Summary must be ${longText} characters or fewer`
  const actionsAgreed = form.actionsAgreed.trim()
  if (actionsAgreed.length > longText)
    errors.actionsAgreed = `Actions agreed must be ${longText} characters or fewer`

  const followUpEmpty = !form.followUpDay.trim() && !form.followUpMonth.trim() && !form.followUpYear.trim()
  const followUpOn = followUpEmpty
    ? null
    : isoDateFromParts({ day: form.followUpDay, month: form.followUpMonth, year: form.followUpYear })
  if (!followUpEmpty && !followUpOn)
    errors.followUpDate = 'Follow-up date must be a real date, for example 2 4 2020'
  else if (followUpOn && contactDate && followUpOn < contactDate)
    errors.followUpDate = 'Follow-up date must be on or after the date of the contact'

  let restricted = false
  if (form.restricted === 'yes') {
    if (!mayReadRestricted(context.actor))
      errors.restricted = 'Only council staff can mark a contact as council only'
    else restricted = true
  }

  const alertIds = [...new Set(form.alertIds)]
  if (alertIds.some((id) => !context.openAlertIds.includes(id)))
    errors.alertIds = 'Select only alerts that are still open for this location'

  if (Object.keys(errors).length) return { ok: false, errors }
  return {
    ok: true,
    value: {
      method: form.method as ContactMethod,
      direction: form.direction as ContactDirection,
      category: form.category as ContactCategory,
      state: form.state as ContactState,
      contactAt:
        // A contact that happened today with no time given is timed when it is recorded. At the 09:00
        // default it could lie in the future (recorded before nine: missing from "contacted today by …")
        // or before the case it was about opened (recorded later that day: missing from the case page).
        !time && form.state === 'done' && contactDate === today
          ? context.now
          : londonInstant(contactDate!, hours, minutes),
      spokeTo: spokeTo || null,
      summary,
      actionsAgreed: actionsAgreed || null,
      followUpOn,
      restricted,
      alertIds,
    },
  }
}

export const recentDays = 7

// The banner's two lists: contacts that happened in the last 7 days (newest first) and those planned
// from today on (soonest first).
export function bannerFor<T extends { state: ContactState; contactAt: Date }>(
  contacts: readonly T[],
  now: Date,
): { recent: T[]; planned: T[] } {
  const today = londonDate(now)
  const since = londonInstant(addDaysToIsoDate(today, -(recentDays - 1)))
  const startOfToday = londonInstant(today)
  return {
    recent: contacts
      .filter((c) => c.state === 'done' && c.contactAt >= since && c.contactAt <= now)
      .sort((a, b) => b.contactAt.getTime() - a.contactAt.getTime()),
    planned: contacts
      .filter((c) => c.state === 'planned' && c.contactAt >= startOfToday)
      .sort((a, b) => a.contactAt.getTime() - b.contactAt.getTime()),
  }
}

// "today", "yesterday" or "on 12 April 2020", for "Contacted today by …".
export function relativeDay(instant: Date, now: Date, formatDate: (d: Date) => string): string {
  const day = londonDate(instant)
  const today = londonDate(now)
  if (day === today) return 'today'
  if (day === addDaysToIsoDate(today, -1)) return 'yesterday'
  if (day === addDaysToIsoDate(today, 1)) return 'tomorrow'
  return `on ${formatDate(instant)}`
}

// A follow-up is due on or after its date until someone marks it done; cancelled contacts have none.
export function followUpDue(
  contact: { followUpOn: string | null; followUpDoneAt: Date | null; state: ContactState },
  now: Date,
): boolean {
  return (
    contact.state !== 'cancelled' &&
    contact.followUpOn !== null &&
    contact.followUpDoneAt === null &&
    contact.followUpOn <= londonDate(now)
  )
}
