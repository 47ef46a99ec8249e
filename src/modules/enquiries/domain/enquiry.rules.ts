import {
  type ContactCategory,
  contactCategories,
  isContactCategory,
} from '../../../domain/contact-categories.ts'
import {
  addDaysToIsoDate,
  isoDateFromParts,
  londonDate,
  londonInstant,
  weekdayOf,
} from '../../../domain/dates.ts'
import type { Outcome } from '../../../domain/outcome.ts'
import type { Actor } from '../../../domain/policy.ts'
import { ownerToChange, type SettingsOwner } from '../../../domain/settings-owner.ts'
import { textLimits, tooLong } from '../../../domain/text-limits.ts'

// Enquiries: a provider's question to the council, its status, owner and response, and the FAQ made
// from answered ones. Pure: no I/O, no clock.

export const enquiryStatuses = ['new', 'in_progress', 'answered', 'closed'] as const
export type EnquiryStatus = (typeof enquiryStatuses)[number]
export const enquiryStatusNames: Record<EnquiryStatus, string> = {
  new: 'New',
  in_progress: 'In progress',
  answered: 'Answered',
  closed: 'Closed',
}

export const enquiryChannels = ['web', 'phone', 'email'] as const
export type EnquiryChannel = (typeof enquiryChannels)[number]
export const enquiryChannelNames: Record<EnquiryChannel, string> = {
  web: 'Asked in CareHub',
  phone: 'Telephone',
  email: 'E-mail',
}

// The council answers enquiries: its administrators and officers work them; every council user and
// regional users may read them. Partners and providers other than the asker do not see them.
export function mayWorkEnquiries(actor: Actor): boolean {
  return (
    (actor.role === 'admin' || actor.role === 'council_officer') &&
    (actor.organisationKind === 'council' || actor.organisationKind === 'region')
  )
}

// Whose enquiry target an actor changes: a council's administrator its council's; the install
// administrator the install's default, which councils added from then on start with (null).
export function enquiryTargetToChange(actor: Actor, requested?: string): SettingsOwner | null {
  return ownerToChange(actor, requested)
}

export function mayReadEnquiries(actor: Actor): boolean {
  return actor.organisationKind === 'council' || actor.organisationKind === 'region'
}

export function mayAskEnquiries(actor: Actor): boolean {
  return actor.role === 'provider_manager' && actor.providerId !== null
}

export function isOpen(status: EnquiryStatus): boolean {
  return status === 'new' || status === 'in_progress'
}

// Overdue: still waiting for an answer after its target time.
export function isOverdue(enquiry: { status: EnquiryStatus; dueAt: Date }, now: Date): boolean {
  return isOpen(enquiry.status) && enquiry.dueAt.getTime() < now.getTime()
}

const questionMax = textLimits.enquiryQuestion
const answerMax = textLimits.enquiryAnswer

export type AskForm = { locationId: string; category: string; question: string }
export type AskInput = { locationId: string; category: ContactCategory; question: string }

export function validateAsk(form: AskForm, locationIds: readonly string[]): Outcome<AskInput> {
  const errors: Record<string, string> = {}
  if (!locationIds.includes(form.locationId)) errors.locationId = 'Select the location your question is about'
  if (!isContactCategory(form.category)) errors.category = 'Select what your question is about'
  const question = form.question.trim()
  if (!question) errors.question = 'Enter your question'
  else if (question.length > questionMax)
    errors.question = `Your question must be ${questionMax} characters or fewer`
  if (Object.keys(errors).length) return { ok: false, errors }
  return {
    ok: true,
    value: { locationId: form.locationId, category: form.category as ContactCategory, question },
  }
}

export type LogForm = {
  channel: string
  askedByName: string
  receivedDay: string
  receivedMonth: string
  receivedYear: string
  category: string
  question: string
}
export type LogInput = {
  channel: 'phone' | 'email'
  askedByName: string
  receivedOn: string
  category: ContactCategory
  question: string
}

// An enquiry an officer took by phone or e-mail, dated the day it came in (today or earlier).
export function validateLog(form: LogForm, now: Date): Outcome<LogInput> {
  const errors: Record<string, string> = {}
  if (form.channel !== 'phone' && form.channel !== 'email') errors.channel = 'Select how the enquiry came in'
  const askedByName = form.askedByName.trim()
  if (!askedByName) errors.askedByName = 'Enter the name of the person who asked'
  else if (askedByName.length > textLimits.name) errors.askedByName = 'Name must be 200 characters or fewer'
  const empty = !form.receivedDay.trim() && !form.receivedMonth.trim() && !form.receivedYear.trim()
  const receivedOn = isoDateFromParts({
    day: form.receivedDay,
    month: form.receivedMonth,
    year: form.receivedYear,
  })
  const today = londonDate(now)
  if (empty) errors.receivedDate = 'Enter the date the enquiry came in'
  else if (!receivedOn) errors.receivedDate = 'Date received must be a real date, for example 14 4 2020'
  else if (receivedOn > today) errors.receivedDate = 'Date received must be today or in the past'
  else if (receivedOn < addDaysToIsoDate(today, -366))
    errors.receivedDate = 'Date received must be within the last year'
  if (!isContactCategory(form.category)) errors.category = 'Select what the enquiry is about'
  const question = form.question.trim()
  if (!question) errors.question = 'Enter the question'
  else if (question.length > questionMax)
    errors.question = `Question must be ${questionMax} characters or fewer`
  if (Object.keys(errors).length) return { ok: false, errors }
  return {
    ok: true,
    value: {
      channel: form.channel as 'phone' | 'email',
      askedByName,
      receivedOn: receivedOn!,
      category: form.category as ContactCategory,
      question,
    },
  }
}

// When an officer logs an enquiry for an earlier day, it counts from that day; today's from now.
export function receivedAtFor(receivedOn: string, now: Date): Date {
  return receivedOn === londonDate(now) ? now : londonInstant(receivedOn, 12)
}

export type ResponseForm = { response: string; sendTo: string }
export type ResponseInput = { response: string; sendTo: string | null }

const emailPattern = /^[^\s@]+@[^\s@]+\.[^\s@]+$/

// `asker`: the e-mail of the provider user who asked in CareHub, if any; otherwise the officer may
// type an address to send the response to (or record a response given by phone).
export function validateResponse(form: ResponseForm, askerEmail: string | null): Outcome<ResponseInput> {
  const errors: Record<string, string> = {}
  const response = form.response.trim()
  if (!response) errors.response = 'Enter the response'
  else if (response.length > answerMax) errors.response = `Response must be ${answerMax} characters or fewer`
  const sendTo = askerEmail ?? (form.sendTo.trim() || null)
  if (!askerEmail && sendTo && !emailPattern.test(sendTo))
    errors.sendTo = 'Enter an e-mail address in the correct format, like name@example.com'
  else if (!askerEmail && sendTo && sendTo.length > textLimits.email)
    errors.sendTo = tooLong('E-mail address', sendTo, textLimits.email)!
  if (Object.keys(errors).length) return { ok: false, errors }
  return { ok: true, value: { response, sendTo } }
}

export type StatusForm = { status: string; ownerUserId: string }
export function validateStatusChange(
  form: StatusForm,
  context: { hasResponse: boolean; ownerIds: readonly string[] },
): Outcome<{ status: EnquiryStatus; ownerUserId: string | null }> {
  const errors: Record<string, string> = {}
  if (!(enquiryStatuses as readonly string[]).includes(form.status)) errors.status = 'Select a status'
  else if (form.status === 'answered' && !context.hasResponse)
    errors.status = 'Send a response before marking the enquiry answered'
  if (form.ownerUserId && !context.ownerIds.includes(form.ownerUserId))
    errors.ownerUserId = 'Select an officer of the council as the owner'
  if (Object.keys(errors).length) return { ok: false, errors }
  return { ok: true, value: { status: form.status as EnquiryStatus, ownerUserId: form.ownerUserId || null } }
}

export type FaqForm = { category: string; question: string; answer: string }
export type FaqInput = { category: ContactCategory; question: string; answer: string }

export function validateFaq(form: FaqForm): Outcome<FaqInput> {
  const errors: Record<string, string> = {}
  if (!isContactCategory(form.category)) errors.category = 'Select a category'
  const question = form.question.trim()
  if (!question) errors.question = 'Enter the question as providers will read it'
  else if (question.length > questionMax)
    errors.question = `Question must be ${questionMax} characters or fewer`
  const answer = form.answer.trim()
  if (!answer) errors.answer = 'Enter the answer'
  else if (answer.length > answerMax) errors.answer = `Answer must be ${answerMax} characters or fewer`
  if (Object.keys(errors).length) return { ok: false, errors }
  return { ok: true, value: { category: form.category as ContactCategory, question, answer } }
}

// The words of a search, for matching each one: at most 8, punctuation dropped, short words kept.
export function searchWords(query: string): string[] {
  return query
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w.length > 0)
    .slice(0, 8)
}

// Trends: weeks start on Monday (London). The last `weeks` weeks, oldest first, ending with this week.
export function trendWeeks(now: Date, weeks: number): string[] {
  const today = londonDate(now)
  const monday = addDaysToIsoDate(today, -((weekdayOf(today) + 6) % 7))
  return Array.from({ length: weeks }, (_, i) => addDaysToIsoDate(monday, -7 * (weeks - 1 - i)))
}

export function weekOf(instant: Date): string {
  const day = londonDate(instant)
  return addDaysToIsoDate(day, -((weekdayOf(day) + 6) % 7))
}

export type TrendTable = {
  weeks: string[]
  rows: { category: ContactCategory; counts: number[]; total: number }[]
  weekTotals: number[]
  total: number
}

// Counts enquiries by category and week from their received instants; weeks outside the range are ignored.
export function trendTable(
  enquiries: readonly { category: string; receivedAt: Date }[],
  weeks: readonly string[],
): TrendTable {
  const index = new Map(weeks.map((w, i) => [w, i]))
  const counts = new Map(contactCategories.map((c) => [c, weeks.map(() => 0)]))
  for (const e of enquiries) {
    const i = index.get(weekOf(e.receivedAt))
    const row = isContactCategory(e.category) ? counts.get(e.category) : undefined
    if (i !== undefined && row) row[i]! += 1
  }
  const rows = contactCategories.map((category) => {
    const c = counts.get(category)!
    return { category, counts: c, total: c.reduce((a, b) => a + b, 0) }
  })
  const weekTotals = weeks.map((_, i) => rows.reduce((t, r) => t + r.counts[i]!, 0))
  return { weeks: [...weeks], rows, weekTotals, total: weekTotals.reduce((a, b) => a + b, 0) }
}
