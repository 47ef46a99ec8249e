import { isoDateFromParts } from '../../../domain/dates.ts'
import type { Outcome } from '../../../domain/outcome.ts'
import { type Actor, can } from '../../../domain/policy.ts'

// Welfare checks for people whose home-care visits were cancelled: who may see them, what a person's
// record and a check's outcome must hold, when a check escalates and when its personal data goes.
// Pure: no I/O, the time passed in.

export const welfareOutcomes = ['safe', 'needs_support', 'referred', 'no_contact'] as const
export type WelfareOutcome = (typeof welfareOutcomes)[number]
export const welfareOutcomeNames: Record<WelfareOutcome, string> = {
  safe: 'Safe',
  needs_support: 'Needs support',
  referred: 'Referred to social work',
  no_contact: 'No contact – try again',
}

// Outcomes that end a check; "no contact" leaves it open for another try.
export const isFinal = (outcome: WelfareOutcome | null) => outcome !== null && outcome !== 'no_contact'

// Personal data (reference, initials, area, notes) is removed this many days after a check ends, unless
// RETENTION_WELFARE_DAYS says otherwise (src/config.ts: its default is this).
export const retentionDays = 90

// Hours the officer has to make contact after a check is assigned: fewer for someone who lives alone
// and needs medication.
export function contactWithinHours(flags: { livesAlone: boolean; needsMedication: boolean }): number {
  return flags.livesAlone && flags.needsMedication ? 2 : 4
}

export function contactDeadline(assignedAt: Date, flags: { livesAlone: boolean; needsMedication: boolean }) {
  return new Date(assignedAt.getTime() + contactWithinHours(flags) * 3_600_000)
}

// A check escalates when its contact-by time passes with no contact made (none tried, or "no contact").
export function escalationDue(
  check: {
    contactBy: Date | null
    escalatedAt: Date | null
    finishedAt: Date | null
    outcome: WelfareOutcome | null
  },
  now: Date,
): boolean {
  return (
    check.contactBy !== null &&
    check.escalatedAt === null &&
    check.finishedAt === null &&
    !isFinal(check.outcome) &&
    check.contactBy.getTime() <= now.getTime()
  )
}

// When a finished check's personal data is to be removed.
export function removalDue(finishedAt: Date, now: Date): boolean {
  return now.getTime() - finishedAt.getTime() >= retentionDays * 86_400_000
}

// Welfare lists are personal data: council administrators and officers with a grant from their
// council's administrator see them, nobody else (partners, providers, regions: never).
export function mayWorkWelfare(actor: Actor, granted: boolean): boolean {
  return granted && can(actor, 'welfare:work') && actor.organisationKind === 'council'
}

export function mayGrantWelfare(actor: Actor): boolean {
  return can(actor, 'welfare:grant') && actor.organisationKind === 'council'
}

// What a person's check shows as its state.
export type CheckState = 'not_assigned' | 'assigned' | 'retry' | 'escalated' | 'done' | 'removed'
export const checkStateNames: Record<CheckState, string> = {
  not_assigned: 'Not assigned',
  assigned: 'Assigned',
  retry: 'No contact – try again',
  escalated: 'Escalated',
  done: 'Done',
  removed: 'Done, personal data removed',
}

export function checkState(p: {
  assignedTo: string | null
  outcome: WelfareOutcome | null
  escalatedAt: Date | null
  finishedAt: Date | null
  personalDataRemovedAt: Date | null
}): CheckState {
  if (p.personalDataRemovedAt) return 'removed'
  if (p.finishedAt) return 'done'
  if (p.escalatedAt) return 'escalated'
  if (p.outcome === 'no_contact') return 'retry'
  return p.assignedTo ? 'assigned' : 'not_assigned'
}

// A person's needs in words ('None recorded' when no flag is set).
export function needsInWords(p: { livesAlone: boolean; needsMedication: boolean; noFamilyNearby: boolean }) {
  const needs = [
    p.livesAlone ? 'Lives alone' : '',
    p.needsMedication ? 'Needs medication' : '',
    p.noFamilyNearby ? 'No family nearby' : '',
  ].filter(Boolean)
  return needs.length ? needs.join(', ') : 'None recorded'
}

export type PersonForm = {
  reference: string
  initials: string
  area: string
  flags: string[]
}
export type PersonInput = {
  reference: string
  initials: string
  area: string | null
  livesAlone: boolean
  needsMedication: boolean
  noFamilyNearby: boolean
}

export const vulnerabilityFlags = [
  { value: 'livesAlone', text: 'Lives alone' },
  { value: 'needsMedication', text: 'Needs medication' },
  { value: 'noFamilyNearby', text: 'No family nearby' },
] as const

// Minimal data only: the provider's or the council's reference, initials, an area and three flags.
export function validatePerson(form: PersonForm): Outcome<PersonInput> {
  const errors: Record<string, string> = {}
  const reference = form.reference.trim()
  if (!reference) errors.reference = 'Enter the person’s reference'
  else if (!/^[A-Za-z0-9/-]{1,20}$/.test(reference))
    errors.reference = 'Reference must be 20 letters, numbers, hyphens or slashes or fewer, like HC-1042'
  const initials = form.initials.trim().toUpperCase()
  if (!initials) errors.initials = 'Enter the person’s initials'
  else if (!/^[A-Z]{1,4}$/.test(initials)) errors.initials = 'Initials must be 1 to 4 letters, like JS'
  const area = form.area.trim()
  if (area.length > 60) errors.area = 'Area must be 60 characters or fewer'
  const known = vulnerabilityFlags.map((f) => f.value) as string[]
  if (form.flags.some((f) => !known.includes(f))) errors.flags = 'Select only the needs listed'
  if (Object.keys(errors).length) return { ok: false, errors }
  return {
    ok: true,
    value: {
      reference,
      initials,
      area: area || null,
      livesAlone: form.flags.includes('livesAlone'),
      needsMedication: form.flags.includes('needsMedication'),
      noFamilyNearby: form.flags.includes('noFamilyNearby'),
    },
  }
}

export type DateForm = { day: string; month: string; year: string }

// A date given in three boxes that must be real and not after today: its messages name the field.
export function pastDate(parts: DateForm, today: string, name: string): { date: string } | { error: string } {
  if (!parts.day.trim() && !parts.month.trim() && !parts.year.trim()) return { error: `Enter the ${name}` }
  const date = isoDateFromParts(parts)
  if (!date) return { error: `The ${name} must be a real date` }
  if (date > today) return { error: `The ${name} must be today or in the past` }
  return { date }
}

export type OutcomeForm = { outcome: string; note: string } & { outcomeDate: DateForm }
export type OutcomeInput = { outcome: WelfareOutcome; outcomeOn: string; note: string | null }

export function validateOutcome(form: OutcomeForm, today: string): Outcome<OutcomeInput> {
  const errors: Record<string, string> = {}
  const outcome = (welfareOutcomes as readonly string[]).includes(form.outcome)
    ? (form.outcome as WelfareOutcome)
    : null
  if (!outcome) errors.outcome = 'Select the outcome of the check'
  const date = pastDate(form.outcomeDate, today, 'date of the check')
  if ('error' in date) errors.outcomeDate = date.error
  const note = form.note.trim()
  if (note.length > 1000) errors.note = 'Notes must be 1000 characters or fewer'
  if (!outcome || 'error' in date || Object.keys(errors).length) return { ok: false, errors }
  return { ok: true, value: { outcome, outcomeOn: date.date, note: note || null } }
}

export type CancellationForm = { visitsCancelled: string; cancelledDate: DateForm }

export function validateCancellation(
  form: CancellationForm,
  today: string,
): Outcome<{ visitsCancelled: number; cancelledOn: string }> {
  const errors: Record<string, string> = {}
  const raw = form.visitsCancelled.trim()
  let visits = 0
  if (!raw) errors.visitsCancelled = 'Enter the number of visits cancelled'
  else if (!/^\d+$/.test(raw)) errors.visitsCancelled = 'Visits cancelled must be a whole number, like 12'
  else {
    visits = Number(raw)
    if (visits < 1 || visits > 10_000)
      errors.visitsCancelled = 'Visits cancelled must be between 1 and 10,000'
  }
  const date = pastDate(form.cancelledDate, today, 'date the visits were cancelled')
  if ('error' in date) errors.cancelledDate = date.error
  if ('error' in date || Object.keys(errors).length) return { ok: false, errors }
  return { ok: true, value: { visitsCancelled: visits, cancelledOn: date.date } }
}

// Welfare checks by outcome, for the figures: every state counted, zero included.
export function checksByState(rows: { state: CheckState; outcome: WelfareOutcome | null }[]) {
  const byOutcome = Object.fromEntries(welfareOutcomes.map((o) => [o, 0])) as Record<WelfareOutcome, number>
  let notYetChecked = 0
  let escalated = 0
  for (const r of rows) {
    if (r.outcome) byOutcome[r.outcome]++
    else notYetChecked++
    if (r.state === 'escalated') escalated++
  }
  return { byOutcome, notYetChecked, escalated, total: rows.length }
}
