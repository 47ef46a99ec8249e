import { contactCategories, contactCategoryNames } from '../../domain/contact-categories.ts'
import { londonDate, londonTime, partsFromIsoDate } from '../../domain/dates.ts'
import { errorSummary, toFirstDateField } from '../../web/forms.ts'
import type { ContactBanner, ContactSummary } from './contact-log.service.ts'
import {
  type ContactForm,
  contactDirectionNames,
  contactDirections,
  contactFormFields,
  contactMethodNames,
  contactMethodNouns,
  contactMethods,
  contactStateNames,
  relativeDay,
} from './domain/contact-log.rules.ts'

// What the contact log's pages show, in words: the names of its codes, the form's choices, and the
// banner other pages (a location, the list of locations) put above their own content.

export const contactLogNames = {
  contactCategoryNames,
  contactMethodNames,
  contactMethodNouns,
  contactDirectionNames,
  contactStateNames,
}

const radios = (values: readonly string[], names: Record<string, string>, selected: string) =>
  values.map((value) => ({ value, text: names[value], checked: value === selected }))

type Alert = { id: string; title: string; severity: string }

export function contactFormView(
  form: ContactForm,
  context: { alerts: Alert[]; mayRestrict: boolean; isNew: boolean },
  errors?: Record<string, string>,
) {
  return {
    form,
    errors,
    errorList: errors ? toFirstDateField(errorSummary(errors, [...contactFormFields])) : undefined,
    stateItems: radios(
      context.isNew ? ['done', 'planned'] : ['done', 'planned', 'cancelled'],
      {
        done: 'It has happened',
        planned: 'It is planned (for example, a call booked for Thursday)',
        cancelled: 'It was cancelled',
      },
      form.state,
    ),
    methodItems: radios(contactMethods, contactMethodNames, form.method),
    directionItems: radios(contactDirections, contactDirectionNames, form.direction),
    categoryItems: radios(contactCategories, contactCategoryNames, form.category),
    alertItems: context.alerts.map((a) => ({
      value: a.id,
      text: `${a.severity === 'red' ? 'Red' : 'Amber'}: ${a.title}`,
      checked: form.alertIds.includes(a.id),
    })),
    mayRestrict: context.mayRestrict,
    isNew: context.isNew,
  }
}

// A new contact starts as an outgoing call.
export function emptyContactForm(): ContactForm {
  return {
    method: 'call',
    direction: 'outgoing',
    category: '',
    state: '',
    contactDay: '',
    contactMonth: '',
    contactYear: '',
    contactTime: '',
    spokeTo: '',
    summary: '',
    actionsAgreed: '',
    followUpDay: '',
    followUpMonth: '',
    followUpYear: '',
    restricted: '',
    alertIds: [],
  }
}

export function formFromContact(c: ContactSummary, alertIds: string[]): ContactForm {
  const date = partsFromIsoDate(londonDate(c.contactAt))
  const followUp = partsFromIsoDate(c.followUpOn)
  return {
    method: c.method,
    direction: c.direction,
    category: c.category,
    state: c.state,
    contactDay: date.day,
    contactMonth: date.month,
    contactYear: date.year,
    contactTime: londonTime(c.contactAt),
    spokeTo: c.spokeTo ?? '',
    summary: c.summary,
    actionsAgreed: c.actionsAgreed ?? '',
    followUpDay: followUp.day,
    followUpMonth: followUp.month,
    followUpYear: followUp.year,
    restricted: c.restricted ? 'yes' : '',
    alertIds,
  }
}

// The banner's lines in words, for the location page and lists: "Contacted today by …".
const dateFormat = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London',
  day: 'numeric',
  month: 'long',
  year: 'numeric',
})
const formatDate = (d: Date) => dateFormat.format(d)

export function bannerLines(banner: ContactBanner | undefined, now: Date) {
  if (!banner) return { recent: [], planned: [] }
  return {
    recent: banner.recent.map((c) => ({
      id: c.id,
      text: `Contacted ${relativeDay(c.contactAt, now, formatDate)} by ${c.organisationName} (${c.officerName})`,
      method: contactMethodNames[c.method],
      summary: c.summary,
      actionsAgreed: c.actionsAgreed,
    })),
    planned: banner.planned.map((c) => ({
      id: c.id,
      text: `${contactMethodNouns[c.method]} planned ${relativeDay(c.contactAt, now, formatDate)} by ${c.organisationName} (${c.officerName})`,
      summary: c.summary,
    })),
  }
}
