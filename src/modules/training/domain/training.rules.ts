import { parse } from 'csv-parse/sync'
import { isoDateFromParts } from '../../../domain/dates.ts'
import type { Outcome } from '../../../domain/outcome.ts'
import { type Actor, can } from '../../../domain/policy.ts'
import type { TrainerRating, TrainingKind, UptakeStatus } from '../training.tables.ts'

// Training offers to providers, their uptake, e-learning licences and feedback: the pure rules.

export const trainingKindNames: Record<TrainingKind, string> = {
  ipc_course: 'Infection prevention and control course',
  train_the_trainer: 'Train-the-trainer session',
  e_learning: 'E-learning licences',
  webinar: 'Webinar',
}
export const ipcKinds: readonly TrainingKind[] = ['ipc_course', 'train_the_trainer']

export const uptakeStatuses = ['offered', 'accepted', 'declined', 'booked', 'delivered'] as const
export const uptakeStatusNames: Record<UptakeStatus, string> = {
  offered: 'Offered',
  accepted: 'Accepted',
  declined: 'Declined',
  booked: 'Booked',
  delivered: 'Delivered',
}
export const trainerRatings = ['poor', 'fair', 'good', 'excellent'] as const
export const trainerRatingNames: Record<TrainerRating, string> = {
  poor: 'Poor',
  fair: 'Fair',
  good: 'Good',
  excellent: 'Excellent',
}

export const mayReadTraining = (actor: Actor) => can(actor, 'training:read')
export const mayManageTraining = (actor: Actor) => can(actor, 'training:manage')

export type UptakeForm = { providerId: string; status: string; declineReason: string; attendees: string }
export type Uptake = {
  providerId: string
  status: UptakeStatus
  declineReason: string | null
  attendees: number | null
}

const wholeNumber = /^\d{1,6}$/

// A provider's uptake: declining needs a reason; delivered needs how many attended.
export function validateUptake(form: UptakeForm, providerIds: readonly string[]): Outcome<Uptake> {
  const errors: Record<string, string> = {}
  if (!providerIds.includes(form.providerId)) errors.providerId = 'Select the provider'
  const status = (uptakeStatuses as readonly string[]).includes(form.status)
    ? (form.status as UptakeStatus)
    : null
  if (!status) errors.status = 'Select where the provider is with this training'
  const reason = form.declineReason.trim()
  if (status === 'declined' && !reason) errors.declineReason = 'Enter why the provider declined'
  if (reason.length > 500) errors.declineReason = 'The reason must be 500 characters or fewer'
  const attendeesText = form.attendees.trim()
  let attendees: number | null = null
  if (attendeesText) {
    if (!wholeNumber.test(attendeesText)) errors.attendees = 'Attendees must be a whole number, like 12'
    else attendees = Number(attendeesText)
  } else if (status === 'delivered') errors.attendees = 'Enter how many people attended'
  if (Object.keys(errors).length) return { ok: false, errors }
  return {
    ok: true,
    value: {
      providerId: form.providerId,
      status: status!,
      declineReason: status === 'declined' ? reason : null,
      attendees: status === 'delivered' || status === 'booked' ? attendees : null,
    },
  }
}

export type FeedbackForm = { trainerKnowledge: string; responsive: string; knowledgeIncreased: string }
export type Feedback = { trainerKnowledge: TrainerRating; responsive: boolean; knowledgeIncreased: boolean }

export function validateFeedback(form: FeedbackForm): Outcome<Feedback> {
  const errors: Record<string, string> = {}
  if (!(trainerRatings as readonly string[]).includes(form.trainerKnowledge))
    errors.trainerKnowledge = 'Select how the attendee rated the trainer’s knowledge'
  if (form.responsive !== 'yes' && form.responsive !== 'no')
    errors.responsive = 'Select whether the trainer was responsive to the service’s needs'
  if (form.knowledgeIncreased !== 'yes' && form.knowledgeIncreased !== 'no')
    errors.knowledgeIncreased = 'Select whether the attendee’s knowledge increased'
  if (Object.keys(errors).length) return { ok: false, errors }
  return {
    ok: true,
    value: {
      trainerKnowledge: form.trainerKnowledge as TrainerRating,
      responsive: form.responsive === 'yes',
      knowledgeIncreased: form.knowledgeIncreased === 'yes',
    },
  }
}

// The learning platform's CSV: a header row naming at least "Organisation", "Licences issued" and
// "Courses taken" (in any order, any case), then one row per organisation. Any bad row refuses the
// whole file, each problem naming its row and column.
export type LicenceRow = { organisationName: string; licences: number; coursesTaken: number }

const licenceColumns = {
  organisationName: 'organisation',
  licences: 'licences issued',
  coursesTaken: 'courses taken',
} as const

export type ParsedLicences = { ok: true; value: LicenceRow[] } | { ok: false; problems: string[] }

export function parseLicenceCsv(text: string): ParsedLicences {
  let records: string[][]
  try {
    records = parse(text.replace(/^\uFEFF/, ''), {
      relax_column_count: true,
      skip_empty_lines: true,
      trim: true,
    })
  } catch {
    return { ok: false, problems: ['The file is not a CSV file the learning platform exports'] }
  }
  const [header, ...rows] = records
  if (!header) return { ok: false, problems: ['The file is empty'] }
  const names = header.map((h) => h.toLowerCase())
  const index = {} as Record<keyof typeof licenceColumns, number>
  const errors: string[] = []
  for (const [key, name] of Object.entries(licenceColumns) as [keyof typeof licenceColumns, string][]) {
    index[key] = names.indexOf(name)
    if (index[key] < 0)
      errors.push(`The header row has no column called “${name[0]!.toUpperCase()}${name.slice(1)}”`)
  }
  if (errors.length) return { ok: false, problems: errors }
  if (rows.length === 0) return { ok: false, problems: ['The file has no rows after the header'] }
  const seen = new Set<string>()
  const parsed: LicenceRow[] = []
  rows.forEach((row, i) => {
    const line = i + 2
    const organisationName = row[index.organisationName] ?? ''
    if (!organisationName) errors.push(`Row ${line}, column “Organisation”: enter the organisation’s name`)
    else if (seen.has(organisationName.toLowerCase()))
      errors.push(`Row ${line}, column “Organisation”: ${organisationName} is on an earlier row too`)
    seen.add(organisationName.toLowerCase())
    const number = (key: 'licences' | 'coursesTaken', label: string) => {
      const value = (row[index[key]] ?? '').replace(/,/g, '')
      if (!wholeNumber.test(value)) {
        errors.push(`Row ${line}, column “${label}”: must be a whole number, like 12`)
        return 0
      }
      return Number(value)
    }
    const licences = number('licences', 'Licences issued')
    const coursesTaken = number('coursesTaken', 'Courses taken')
    parsed.push({ organisationName, licences, coursesTaken })
  })
  return errors.length ? { ok: false, problems: errors } : { ok: true, value: parsed }
}

// Feedback forms' results: how many said each thing, of how many.
export type FeedbackSummary = {
  forms: number
  trainerGoodOrExcellent: number
  responsive: number
  knowledgeIncreased: number
}

export function summariseFeedback(forms: readonly Feedback[]): FeedbackSummary {
  return {
    forms: forms.length,
    trainerGoodOrExcellent: forms.filter(
      (f) => f.trainerKnowledge === 'good' || f.trainerKnowledge === 'excellent',
    ).length,
    responsive: forms.filter((f) => f.responsive).length,
    knowledgeIncreased: forms.filter((f) => f.knowledgeIncreased).length,
  }
}

export const trainingKinds = ['ipc_course', 'train_the_trainer', 'e_learning', 'webinar'] as const
export type OfferForm = {
  kind: string
  title: string
  deliveredBy: string
  'startDate-day': string
  'startDate-month': string
  'startDate-year': string
  'endDate-day': string
  'endDate-month': string
  'endDate-year': string
  capacity: string
  cost: string
}
export type NewOffer = {
  kind: TrainingKind
  title: string
  deliveredBy: string
  startsOn: string
  endsOn: string | null
  capacity: number | null
  costPence: number | null
}
export const offerFields = ['kind', 'title', 'deliveredBy', 'startDate', 'endDate', 'capacity', 'cost']

// An offer: its kind, title, who delivers it, its dates (the end optional, not before the start),
// places (blank: no limit) and cost to the council in pounds (optional; commercially sensitive).
export function validateOffer(form: OfferForm): Outcome<NewOffer> {
  const errors: Record<string, string> = {}
  const kind = (trainingKinds as readonly string[]).includes(form.kind) ? (form.kind as TrainingKind) : null
  if (!kind) errors.kind = 'Select the kind of training'
  const title = form.title.trim()
  if (!title) errors.title = 'Enter the training’s title'
  else if (title.length > 200) errors.title = 'The title must be 200 characters or fewer'
  const deliveredBy = form.deliveredBy.trim()
  if (!deliveredBy) errors.deliveredBy = 'Enter who delivers the training'
  else if (deliveredBy.length > 200) errors.deliveredBy = 'Who delivers it must be 200 characters or fewer'
  const date = (prefix: 'startDate' | 'endDate') => {
    const parts = { day: form[`${prefix}-day`], month: form[`${prefix}-month`], year: form[`${prefix}-year`] }
    const given = [parts.day, parts.month, parts.year].some((p) => p.trim())
    return { given, iso: given ? isoDateFromParts(parts) : null }
  }
  const start = date('startDate')
  if (!start.given) errors.startDate = 'Enter the date the training starts'
  else if (!start.iso) errors.startDate = 'The start date must be a real date, like 1 5 2020'
  const end = date('endDate')
  if (end.given && !end.iso) errors.endDate = 'The end date must be a real date, like 31 5 2020'
  else if (end.iso && start.iso && end.iso < start.iso)
    errors.endDate = 'The end date must be on or after the start date'
  const capacityText = form.capacity.trim()
  if (capacityText && (!wholeNumber.test(capacityText) || Number(capacityText) === 0))
    errors.capacity = 'Places must be a whole number above 0, like 60, or left blank for no limit'
  const costText = form.cost.trim().replace(/^£/, '').replace(/,/g, '')
  if (costText && !/^\d{1,9}(\.\d{1,2})?$/.test(costText))
    errors.cost = 'Cost must be an amount in pounds, like 1250 or 1250.50'
  if (Object.keys(errors).length || !kind || !start.iso) return { ok: false, errors }
  return {
    ok: true,
    value: {
      kind,
      title,
      deliveredBy,
      startsOn: start.iso,
      endsOn: end.iso,
      capacity: capacityText ? Number(capacityText) : null,
      costPence: costText ? Math.round(Number(costText) * 100) : null,
    },
  }
}
