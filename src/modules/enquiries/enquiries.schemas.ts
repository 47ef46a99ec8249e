import { z } from 'zod'
import type { Outcome } from '../../domain/outcome.ts'
import { type FormMessages, formText, parseForm } from '../../web/form-schema.ts'
import type { AskForm, FaqForm, LogForm, ResponseForm, StatusForm } from './domain/enquiry.rules.ts'

// The enquiries' and the FAQ's forms as posted. What makes an answer valid (the actor's locations, the
// asker's e-mail, the council's officers, today's date) is the domain's rule, which words every
// message; these schemas take each field as text.

const askFields = z.object({
  locationId: formText(),
  category: formText(),
  question: formText(),
  action: formText(),
})
const askMessages: FormMessages<typeof askFields> = {
  locationId: 'Select the location your question is about',
  category: 'Select what your question is about',
  question: 'Enter your question',
  action: 'Choose whether to check, change or send your question',
}

// A provider manager's question, and whether they are checking it, changing it or sending it.
export function askFormFrom(body: unknown): Outcome<AskForm & { action: string }> {
  return parseForm(askFields, body, askMessages)
}

const logFields = z.object({
  locationId: formText(),
  channel: formText(),
  askedByName: formText(),
  'receivedDate-day': formText(),
  'receivedDate-month': formText(),
  'receivedDate-year': formText(),
  category: formText(),
  question: formText(),
})
const receivedDate = 'Enter the date the enquiry came in'
const logMessages: FormMessages<typeof logFields> = {
  locationId: 'Select the location the enquiry is about',
  channel: 'Select how the enquiry came in',
  askedByName: 'Enter the name of the person who asked',
  'receivedDate-day': receivedDate,
  'receivedDate-month': receivedDate,
  'receivedDate-year': receivedDate,
  category: 'Select what the enquiry is about',
  question: 'Enter the question',
}

// An enquiry an officer took by phone or e-mail, for a location.
export function logFormFrom(body: unknown): Outcome<LogForm & { locationId: string }> {
  const parsed = parseForm(logFields, body, logMessages)
  if (!parsed.ok) {
    const {
      'receivedDate-day': day,
      'receivedDate-month': month,
      'receivedDate-year': year,
      ...rest
    } = parsed.errors
    const date = day ?? month ?? year
    return { ok: false, errors: date ? { ...rest, receivedDate: date } : rest }
  }
  const f = parsed.value
  return {
    ok: true,
    value: {
      locationId: f.locationId,
      channel: f.channel,
      askedByName: f.askedByName,
      receivedDay: f['receivedDate-day'],
      receivedMonth: f['receivedDate-month'],
      receivedYear: f['receivedDate-year'],
      category: f.category,
      question: f.question,
    },
  }
}

const targetFields = z.object({ days: formText() })
const targetMessages: FormMessages<typeof targetFields> = {
  days: 'Enter a whole number of working days',
}
export const targetFormFrom = (body: unknown) => parseForm(targetFields, body, targetMessages)

const responseFields = z.object({ response: formText(), sendTo: formText() })
const responseMessages: FormMessages<typeof responseFields> = {
  response: 'Enter the response',
  sendTo: 'Enter an e-mail address in the correct format, like name@example.com',
}
export const responseFormFrom = (body: unknown): Outcome<ResponseForm> =>
  parseForm(responseFields, body, responseMessages)

const statusFields = z.object({ status: formText(), ownerUserId: formText() })
const statusMessages: FormMessages<typeof statusFields> = {
  status: 'Select a status',
  ownerUserId: 'Select an officer of the council as the owner',
}
export const statusFormFrom = (body: unknown): Outcome<StatusForm> =>
  parseForm(statusFields, body, statusMessages)

const faqFields = z.object({ category: formText(), question: formText(), answer: formText() })
const faqMessages: FormMessages<typeof faqFields> = {
  category: 'Select a category',
  question: 'Enter the question as providers will read it',
  answer: 'Enter the answer',
}
export const faqFormFrom = (body: unknown): Outcome<FaqForm> => parseForm(faqFields, body, faqMessages)

// Changing an entry may also take it down (published: no) or put it back.
const faqEditFields = faqFields.extend({ published: formText() })
const faqEditMessages: FormMessages<typeof faqEditFields> = {
  ...faqMessages,
  published: 'Select whether providers can see this entry',
}
export const faqEditFormFrom = (body: unknown): Outcome<FaqForm & { published: string }> =>
  parseForm(faqEditFields, body, faqEditMessages)
