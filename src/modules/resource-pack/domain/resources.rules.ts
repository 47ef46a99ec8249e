import { isIsoDate } from '../../../domain/dates.ts'
import type { Outcome } from '../../../domain/outcome.ts'

// The resource pack's and the events' rules. Pure: today's date passed in.

export const resourceCategories = [
  'ppe',
  'infection_control',
  'testing',
  'workforce',
  'finance',
  'wellbeing',
] as const
export type ResourceCategory = (typeof resourceCategories)[number]
export const resourceCategoryNames: Record<ResourceCategory, string> = {
  ppe: 'PPE',
  infection_control: 'Infection control',
  testing: 'Testing',
  workforce: 'Workforce',
  finance: 'Finance',
  wellbeing: 'Wellbeing',
}

export const eventKinds = ['provider_call', 'webinar', 'qa_session'] as const
export type EventKind = (typeof eventKinds)[number]
export const eventKindNames: Record<EventKind, string> = {
  provider_call: 'Weekly provider call',
  webinar: 'Webinar',
  qa_session: 'Question and answer session',
}

export type ResourceVersionInput = { link: string; summary: string; reviewOn: string }
export type ResourceItemInput = ResourceVersionInput & { title: string; category: ResourceCategory }

// A version: a web address (http or https) or a file's address, a summary and a review date to come.
export function checkVersion(
  form: { link: string; summary: string; reviewOn: string | null },
  today: string,
): Outcome<ResourceVersionInput> {
  const errors: Record<string, string> = {}
  const link = form.link.trim()
  if (!link) errors.link = 'Enter the web address of the document or page'
  else if (!/^https?:\/\/[^\s]+$/i.test(link) || link.length > 500)
    errors.link = 'Enter a web address in the correct format, like https://www.gov.uk/guidance'
  const summary = form.summary.trim()
  if (!summary) errors.summary = 'Enter a summary'
  else if (summary.length > 1000) errors.summary = 'Summary must be 1,000 characters or fewer'
  if (!form.reviewOn || !isIsoDate(form.reviewOn)) errors.reviewOn = 'Enter the review date, like 30 6 2020'
  else if (form.reviewOn <= today) errors.reviewOn = 'The review date must be in the future'
  if (Object.keys(errors).length) return { ok: false, errors }
  return { ok: true, value: { link, summary, reviewOn: form.reviewOn! } }
}

export function checkItem(
  form: { title: string; category: string; link: string; summary: string; reviewOn: string | null },
  today: string,
): Outcome<ResourceItemInput> {
  const version = checkVersion(form, today)
  const errors: Record<string, string> = version.ok ? {} : { ...version.errors }
  const title = form.title.trim()
  if (!title) errors.title = 'Enter a title'
  else if (title.length > 200) errors.title = 'Title must be 200 characters or fewer'
  if (!(resourceCategories as readonly string[]).includes(form.category))
    errors.category = 'Select a category'
  if (Object.keys(errors).length || !version.ok) return { ok: false, errors }
  return { ok: true, value: { ...version.value, title, category: form.category as ResourceCategory } }
}

// Due for review: its current version's review date has come.
export const isDue = (reviewOn: string, today: string) => reviewOn <= today
