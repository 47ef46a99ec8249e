import { addDaysToIsoDate, isoDateFromParts, weekdayOf } from '../../../domain/dates.ts'
import type { FieldErrors, Outcome } from '../../../domain/outcome.ts'
import type { Actor } from '../../../domain/policy.ts'
import { textLimits } from '../../../domain/text-limits.ts'

// Infection-control visits: who plans and records them, who reads them, who edits the checklist, what
// valid answers are, and the weekly figures. Pure: no I/O, today's date passed in.

// The IPC team's nurses (partner officers of an infection-control team) and council officers plan and
// record visits; every partner who reads the contact log reads them; providers never do (like the log).
export function mayRecordVisits(actor: Actor): boolean {
  if (actor.role === 'admin' || actor.role === 'council_officer') return actor.organisationKind === 'council'
  return actor.role === 'partner_officer' && actor.organisationKind === 'infection_control_team'
}
export const mayReadVisits = (actor: Actor) => actor.role !== 'provider_manager'
// The checklist is each council's data, edited by its administrator.
export const mayEditChecklist = (actor: Actor) =>
  actor.role === 'admin' && actor.organisationKind === 'council'

// A council's checklist until its administrator changes it.
export const defaultChecklist = [
  'Zoning: residents with and without symptoms kept apart',
  'PPE use: put on, taken off and disposed of correctly',
  'Cleaning: frequency, products and touch points',
  'Staff movement: between floors, zones and other homes',
  'Testing: residents and staff tested as the guidance asks',
] as const

export const findingResults = ['met', 'partly_met', 'not_met', 'not_seen'] as const
export type FindingResult = (typeof findingResults)[number]
export const findingResultNames: Record<FindingResult, string> = {
  met: 'Met',
  partly_met: 'Partly met',
  not_met: 'Not met',
  not_seen: 'Not looked at',
}
export type VisitState = 'planned' | 'done' | 'cancelled'
export const visitStateNames: Record<VisitState, string> = {
  planned: 'Planned',
  done: 'Done',
  cancelled: 'Cancelled',
}

export type Form = Record<string, string>
const value = (form: Form, name: string) => (form[name] ?? '').trim()
const dateOf = (form: Form, name: string) => {
  const parts = {
    day: value(form, `${name}-day`),
    month: value(form, `${name}-month`),
    year: value(form, `${name}-year`),
  }
  return { empty: !parts.day && !parts.month && !parts.year, iso: isoDateFromParts(parts) }
}
const longText = textLimits.contactText

export type PlanInput = { visitOn: string; time: string; purpose: string }

// A visit to plan: its date (today or within 90 days), an optional time and what it is for.
export function validatePlan(form: Form, today: string, name = 'visitDate'): Outcome<PlanInput> {
  const errors: FieldErrors = {}
  const date = dateOf(form, name)
  if (date.empty) errors[name] = 'Enter the date of the visit'
  else if (!date.iso) errors[name] = 'Date of the visit must be a real date, for example 16 4 2020'
  else if (date.iso < today) errors[name] = 'Date of the visit must be today or in the future'
  else if (date.iso > addDaysToIsoDate(today, 90))
    errors[name] = 'Date of the visit must be within the next 90 days'
  const time = value(form, 'visitTime')
  if (time && !/^([01]?\d|2[0-3])[:.][0-5]\d$/.test(time))
    errors.visitTime = 'Enter the time as hours and minutes, for example 10:30'
  const purpose = value(form, 'purpose')
  if (!purpose) errors.purpose = 'Enter what the visit is for'
  else if (purpose.length > longText)
    errors.purpose = `What the visit is for must be ${longText} characters or fewer`
  if (Object.keys(errors).length) return { ok: false, errors }
  return { ok: true, value: { visitOn: date.iso!, time: time.replace('.', ':'), purpose } }
}

export type RecordInput = {
  summary: string | null
  findings: { checklistItemId: string; label: string; result: FindingResult; note: string | null }[]
  actions: { description: string; dueOn: string }[]
  followUp: PlanInput | null
}
export const maxActions = 3

// The findings of a visit that has happened: a result for every checklist item, the actions agreed
// each with a due date, and an optional follow-up visit.
export function validateRecord(
  form: Form,
  context: { items: readonly { id: string; label: string }[]; visitOn: string; today: string },
): Outcome<RecordInput> {
  const errors: FieldErrors = {}
  if (context.visitOn > context.today)
    errors.summary = 'You can record the findings from the day of the visit'
  const findings: RecordInput['findings'] = []
  for (const item of context.items) {
    const result = value(form, `finding-${item.id}`)
    const note = value(form, `note-${item.id}`)
    if (!(findingResults as readonly string[]).includes(result))
      errors[`finding-${item.id}`] = `Select a finding for ${item.label}`
    if (note.length > longText) errors[`note-${item.id}`] = `Note must be ${longText} characters or fewer`
    findings.push({
      checklistItemId: item.id,
      label: item.label,
      result: result as FindingResult,
      note: note || null,
    })
  }
  const summary = value(form, 'summary')
  if (summary.length > longText) errors.summary = `Summary must be ${longText} characters or fewer`
  const actions: RecordInput['actions'] = []
  for (let n = 1; n <= maxActions; n++) {
    const description = value(form, `action${n}Text`)
    const due = dateOf(form, `action${n}Due`)
    if (!description && due.empty) continue
    if (!description) errors[`action${n}Text`] = `Enter what action ${n} is`
    else if (description.length > textLimits.caseAction)
      errors[`action${n}Text`] = `Action ${n} must be ${textLimits.caseAction} characters or fewer`
    if (due.empty) errors[`action${n}Due`] = `Enter the date action ${n} is due`
    else if (!due.iso)
      errors[`action${n}Due`] = `Action ${n} due date must be a real date, for example 20 4 2020`
    else if (due.iso < context.visitOn)
      errors[`action${n}Due`] = `Action ${n} due date must be on or after the visit`
    if (description && due.iso) actions.push({ description, dueOn: due.iso })
  }
  let followUp: PlanInput | null = null
  if (!dateOf(form, 'followUpDate').empty) {
    const plan = validatePlan(
      {
        ...form,
        purpose: `Follow-up: ${value(form, 'followUpPurpose') || 'check the actions agreed'}`,
        visitTime: '',
      },
      context.today,
      'followUpDate',
    )
    if (!plan.ok)
      Object.assign(errors, {
        followUpDate: plan.errors.followUpDate?.replace('Date of the visit', 'Date of the follow-up visit'),
      })
    else followUp = plan.value
  }
  for (const [k, v] of Object.entries(errors)) if (v === undefined) delete errors[k]
  if (Object.keys(errors).length) return { ok: false, errors }
  return { ok: true, value: { summary: summary || null, findings, actions, followUp } }
}

export function validateChecklistLabel(label: string): Outcome<string> {
  const text = label.trim()
  if (!text) return { ok: false, errors: { label: 'Enter the checklist item' } }
  if (text.length > 200)
    return { ok: false, errors: { label: 'Checklist item must be 200 characters or fewer' } }
  return { ok: true, value: text }
}

const weekStartOf = (iso: string) => addDaysToIsoDate(iso, -((weekdayOf(iso) + 6) % 7))
export type IpcWeek = { weekStart: string; visitsDone: number; actionsAgreed: number }

// Visits done and actions agreed by week (Monday to Sunday), the last `weeks` weeks to today's.
export function weeklyIpcFigures(
  today: string,
  visits: readonly { visitOn: string; actions: number }[],
  weeks = 12,
): IpcWeek[] {
  const last = weekStartOf(today)
  const table = new Map<string, IpcWeek>()
  for (let i = weeks - 1; i >= 0; i--) {
    const weekStart = addDaysToIsoDate(last, -7 * i)
    table.set(weekStart, { weekStart, visitsDone: 0, actionsAgreed: 0 })
  }
  for (const v of visits) {
    const week = table.get(weekStartOf(v.visitOn))
    if (!week) continue
    week.visitsDone++
    week.actionsAgreed += v.actions
  }
  return [...table.values()]
}
