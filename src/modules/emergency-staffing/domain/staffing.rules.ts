import { addDaysToIsoDate, isoDateFromParts, weekdayOf } from '../../../domain/dates.ts'
import type { FieldErrors, Outcome } from '../../../domain/outcome.ts'
import type { Actor } from '../../../domain/policy.ts'
import { can } from '../../../domain/policy.ts'
import { textLimits } from '../../../domain/text-limits.ts'
import { type CheckKind, checkKinds, type StaffRole, staffRoles } from './matching.ts'

// Emergency staffing's rules: who may do what, what a valid request, pool entry and deployment are,
// what a request's outcome is and how the budget's balance is kept. Pure: no I/O, the date passed in.

export const staffRoleNames: Record<StaffRole, string> = {
  care_worker: 'Care worker',
  senior_carer: 'Senior carer',
  nurse: 'Nurse',
  cook: 'Cook',
  domestic: 'Domestic',
}
export const checkKindNames: Record<CheckKind, string> = {
  dbs: 'DBS check',
  right_to_work: 'Right to work',
  training: 'Mandatory training',
}
// "Enter the date the DBS check expires".
const checkKindPhrases: Record<CheckKind, string> = {
  dbs: 'the DBS check',
  right_to_work: 'the right to work check',
  training: 'the mandatory training',
}
export const requestReasons = ['isolation', 'outbreak', 'vacancy'] as const
export type RequestReason = (typeof requestReasons)[number]
export const requestReasonNames: Record<RequestReason, string> = {
  isolation: 'Staff self-isolating',
  outbreak: 'Outbreak at the service',
  vacancy: 'Vacancies',
}
export const urgencies = ['within_24_hours', 'within_3_days', 'this_week'] as const
export type Urgency = (typeof urgencies)[number]
export const urgencyNames: Record<Urgency, string> = {
  within_24_hours: 'Within 24 hours',
  within_3_days: 'Within 3 days',
  this_week: 'This week',
}
export type RequestStatus = 'open' | 'filled' | 'part_filled' | 'unfilled'
export const requestStatusNames: Record<RequestStatus, string> = {
  open: 'Open',
  filled: 'Filled',
  part_filled: 'Part filled',
  unfilled: 'Unfilled',
}
export type DeploymentStatus = 'booked' | 'worked' | 'cancelled'
export const deploymentStatusNames: Record<DeploymentStatus, string> = {
  booked: 'Booked',
  worked: 'Worked',
  cancelled: 'Cancelled',
}

// Council staff whose role may be in the staffing team (and who may ask for staff for a provider and
// read the requests, without names). Providers ask for staff for their own locations.
export const mayJoinStaffingTeam = (actor: Actor) =>
  can(actor, 'staffing:manage') && actor.organisationKind === 'council'
// The staffing team (the pool, matching, deployments, budgets): the role, and membership given per user
// by the council's administrator or a staffing lead — the pool is personal data.
export const mayManageStaffing = (actor: Actor, member: boolean) => member && mayJoinStaffingTeam(actor)
export const mayRequestStaff = (actor: Actor) =>
  mayJoinStaffingTeam(actor) || actor.role === 'provider_manager'

export const maxShiftsPerRequest = 3
const maxPeoplePerShift = 20

// A shift's end is in minutes after the midnight it starts from: a night shift ending at 08:00 the next
// day ends at 1920. A shift lasts at most 24 hours.
export type ShiftInput = {
  role: StaffRole
  shiftOn: string
  startsMinute: number
  endsMinute: number
  peopleNeeded: number
}
export const endsNextDay = (shift: { endsMinute: number }) => shift.endsMinute > 1440
export type RequestInput = {
  reason: RequestReason
  urgency: Urgency
  details: string | null
  shifts: ShiftInput[]
}

// "07:30" or "7.30" → minutes after midnight; "24:00" is the end of the day.
export function minutesFromTime(text: string): number | null {
  const match = /^([01]?\d|2[0-4])[:.]([0-5]\d)$/.exec(text.trim())
  if (!match) return null
  const minutes = Number(match[1]) * 60 + Number(match[2])
  return minutes <= 1440 ? minutes : null
}
// 1920 (08:00 the next day) → "08:00"; 1440 stays "24:00", the end of the day.
export const timeFromMinutes = (minutes: number) => {
  const m = minutes > 1440 ? minutes - 1440 : minutes
  return `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`
}

export type RequestForm = Record<string, string>

// A request as posted: the reason, urgency, details and up to three shift rows (blank rows ignored).
export function validateRequest(form: RequestForm, today: string): Outcome<RequestInput> {
  const errors: FieldErrors = {}
  const value = (name: string) => (form[name] ?? '').trim()
  if (!(requestReasons as readonly string[]).includes(value('reason')))
    errors.reason = 'Select why staff are needed'
  if (!(urgencies as readonly string[]).includes(value('urgency'))) errors.urgency = 'Select how urgently'
  const details = value('details')
  if (details.length > textLimits.contactText)
    errors.details = `Details must be ${textLimits.contactText} characters or fewer`
  const shifts: ShiftInput[] = []
  for (let n = 1; n <= maxShiftsPerRequest; n++) {
    const f = (name: string) => value(`shift${n}${name}`)
    const parts = { day: f('Date-day'), month: f('Date-month'), year: f('Date-year') }
    const nextDay = f('NextDay') === 'yes'
    const row = [f('Role'), parts.day, parts.month, parts.year, f('Start'), f('End'), f('People')]
    if (row.every((v) => !v)) continue
    const label = `Shift ${n}`
    const role = f('Role')
    if (!(staffRoles as readonly string[]).includes(role))
      errors[`shift${n}Role`] = `Select the role for shift ${n}`
    const shiftOn = isoDateFromParts(parts)
    if (!parts.day && !parts.month && !parts.year) errors[`shift${n}Date`] = `Enter the date of shift ${n}`
    else if (!shiftOn) errors[`shift${n}Date`] = `${label} date must be a real date, for example 27 3 2020`
    else if (shiftOn < today) errors[`shift${n}Date`] = `${label} date must be today or in the future`
    else if (shiftOn > addDaysToIsoDate(today, 90))
      errors[`shift${n}Date`] = `${label} date must be within the next 90 days`
    const starts = minutesFromTime(f('Start'))
    const endTime = minutesFromTime(f('End'))
    // Ending the next day: the end counts from the midnight the shift starts from.
    const ends = endTime === null ? null : nextDay ? endTime + 1440 : endTime
    if (!f('Start')) errors[`shift${n}Start`] = `Enter the time shift ${n} starts`
    else if (starts === null || starts >= 1440)
      errors[`shift${n}Start`] = `${label} start time must be a time, like 07:30`
    if (!f('End')) errors[`shift${n}End`] = `Enter the time shift ${n} ends`
    else if (endTime === null || endTime === 0 || (nextDay && endTime === 1440))
      errors[`shift${n}End`] = `${label} end time must be a time, like 19:30`
    else if (starts !== null && ends !== null && ends <= starts)
      errors[`shift${n}End`] = `${label} end time must be after its start time, or select ‘Ends the next day’`
    else if (starts !== null && ends !== null && ends - starts > 1440)
      errors[`shift${n}End`] = `${label} must last 24 hours or less`
    const people = f('People') || '1'
    if (!/^\d+$/.test(people) || Number(people) < 1 || Number(people) > maxPeoplePerShift)
      errors[`shift${n}People`] =
        `${label} people needed must be a whole number from 1 to ${maxPeoplePerShift}`
    if (!errors[`shift${n}Role`] && shiftOn && starts !== null && ends !== null)
      shifts.push({
        role: role as StaffRole,
        shiftOn,
        startsMinute: starts,
        endsMinute: ends,
        peopleNeeded: Number(people),
      })
  }
  if (shifts.length === 0 && !Object.keys(errors).some((k) => k.startsWith('shift')))
    errors.shift1Role = 'Enter at least one shift'
  if (Object.keys(errors).length) return { ok: false, errors }
  return {
    ok: true,
    value: {
      reason: value('reason') as RequestReason,
      urgency: value('urgency') as Urgency,
      details: details || null,
      shifts,
    },
  }
}

export type PersonInput = {
  name: string
  employer: string
  role: StaffRole
  skills: string | null
  phone: string | null
  checks: { kind: CheckKind; reference: string | null; expiresOn: string }[]
  availableOn: string[]
}
const checkField: Record<CheckKind, string> = {
  dbs: 'dbs',
  right_to_work: 'rightToWork',
  training: 'training',
}
export const checkFieldOf = (kind: CheckKind) => checkField[kind]

// A person for the pool: who they are, every check with its expiry date, and the dates they are free.
export function validatePerson(form: RequestForm, today: string): Outcome<PersonInput> {
  const errors: FieldErrors = {}
  const value = (name: string) => (form[name] ?? '').trim()
  const name = value('name')
  if (!name) errors.name = 'Enter the person’s full name'
  else if (name.length > textLimits.name) errors.name = `Name must be ${textLimits.name} characters or fewer`
  const employer = value('employer')
  if (!employer) errors.employer = 'Enter who employs them, like NHS Northmoor North CCG'
  else if (employer.length > textLimits.name)
    errors.employer = `Employer must be ${textLimits.name} characters or fewer`
  const role = value('role')
  if (!(staffRoles as readonly string[]).includes(role)) errors.role = 'Select their role'
  const skills = value('skills')
  if (skills.length > textLimits.contactText)
    errors.skills = `Skills must be ${textLimits.contactText} characters or fewer`
  const phone = value('phone')
  if (phone.length > textLimits.phone) errors.phone = `Phone must be ${textLimits.phone} characters or fewer`
  const checks: PersonInput['checks'] = []
  for (const kind of checkKinds) {
    const field = `${checkField[kind]}Expires`
    const parts = { day: value(`${field}-day`), month: value(`${field}-month`), year: value(`${field}-year`) }
    const expiresOn = isoDateFromParts(parts)
    const reference = value(`${checkField[kind]}Reference`)
    if (!parts.day && !parts.month && !parts.year)
      errors[field] = `Enter the date ${checkKindPhrases[kind]} expires`
    else if (!expiresOn)
      errors[field] = `${checkKindNames[kind]} expiry must be a real date, for example 27 3 2021`
    if (reference.length > textLimits.name)
      errors[`${checkField[kind]}Reference`] =
        `${checkKindNames[kind]} reference must be ${textLimits.name} characters or fewer`
    if (expiresOn) checks.push({ kind, reference: reference || null, expiresOn })
  }
  const availability = validateAvailability(form, today)
  if (!availability.ok) Object.assign(errors, availability.errors)
  if (Object.keys(errors).length || !availability.ok) return { ok: false, errors }
  return {
    ok: true,
    value: {
      name,
      employer,
      role: role as StaffRole,
      skills: skills || null,
      phone: phone || null,
      checks,
      availableOn: availability.value,
    },
  }
}

// The dates someone is free: from one date to another (both given), or none yet. At most 60 days.
export function validateAvailability(form: RequestForm, today: string, required = false): Outcome<string[]> {
  const value = (name: string) => (form[name] ?? '').trim()
  const parts = (f: string) => ({
    day: value(`${f}-day`),
    month: value(`${f}-month`),
    year: value(`${f}-year`),
  })
  const empty = (f: string) => Object.values(parts(f)).every((v) => !v)
  if (empty('availableFrom') && empty('availableTo'))
    return required
      ? { ok: false, errors: { availableFrom: 'Enter the first date they are free' } }
      : { ok: true, value: [] }
  const from = isoDateFromParts(parts('availableFrom'))
  const to = empty('availableTo') ? from : isoDateFromParts(parts('availableTo'))
  if (!from)
    return { ok: false, errors: { availableFrom: 'Free from must be a real date, for example 27 3 2020' } }
  if (!to)
    return { ok: false, errors: { availableTo: 'Free until must be a real date, for example 27 3 2020' } }
  if (from < today)
    return { ok: false, errors: { availableFrom: 'Free from must be today or in the future' } }
  if (to < from) return { ok: false, errors: { availableTo: 'Free until must be on or after free from' } }
  if (to > addDaysToIsoDate(from, 59))
    return { ok: false, errors: { availableTo: 'Free until must be within 60 days of free from' } }
  const dates: string[] = []
  for (let d = from; d <= to; d = addDaysToIsoDate(d, 1)) dates.push(d)
  return { ok: true, value: dates }
}

// "18.50", "£18.50", "18" → pence; null when it is not an amount of money.
export function penceFromPounds(text: string): number | null {
  const match = /^£?\s*(\d{1,5})(?:\.(\d{1,2}))?$/.exec(text.trim().replace(/,/g, ''))
  if (!match) return null
  return Number(match[1]) * 100 + Number((match[2] ?? '0').padEnd(2, '0'))
}
const poundFormat = new Intl.NumberFormat('en-GB', { style: 'currency', currency: 'GBP' })
export const poundsFromPence = (pence: number) => poundFormat.format(pence / 100)

// What a deployment costs the budget: its rate for the minutes, to the nearest penny.
export const costPence = (hourlyRatePence: number, minutes: number) =>
  Math.round((hourlyRatePence * minutes) / 60)

// A budget's balance: its allocation less what its deployments cost (cancelled ones cost nothing).
export function budgetBalance(allocationPence: number, deploymentCosts: readonly number[]): number {
  return deploymentCosts.reduce((left, cost) => left - cost, allocationPence)
}

// A change in cost overspends when the balance after it would be below zero and it adds to the spend.
export function overspendBy(balancePence: number, previousCost: number, newCost: number): number {
  const after = balancePence + previousCost - newCost
  return newCost > previousCost && after < 0 ? Math.min(-after, newCost - previousCost) : 0
}

export type DeploymentInput = {
  personId: string
  budgetId: string
  hourlyRatePence: number
  overspendConfirmed: boolean
}

export function validateDeployment(
  form: RequestForm,
  context: { offeredIds: readonly string[]; budgetIds: readonly string[] },
): Outcome<DeploymentInput> {
  const errors: FieldErrors = {}
  const value = (name: string) => (form[name] ?? '').trim()
  if (!context.offeredIds.includes(value('personId')))
    errors.personId = 'Select a person who is free, qualified and checked for this shift'
  if (!context.budgetIds.includes(value('budgetId'))) errors.budgetId = 'Select the budget that pays for it'
  const rate = penceFromPounds(value('hourlyRate'))
  if (!value('hourlyRate')) errors.hourlyRate = 'Enter the hourly rate'
  else if (rate === null || rate === 0)
    errors.hourlyRate = 'Hourly rate must be an amount in pounds, like 18.50'
  if (Object.keys(errors).length) return { ok: false, errors }
  return {
    ok: true,
    value: {
      personId: value('personId'),
      budgetId: value('budgetId'),
      hourlyRatePence: rate!,
      overspendConfirmed: value('overspendConfirmed') === 'yes',
    },
  }
}

// Hours worked as typed ("7.5", "7") → minutes; up to 24 hours.
export function minutesFromHours(text: string): number | null {
  const match = /^(\d{1,2})(?:\.(\d{1,2}))?$/.exec(text.trim())
  if (!match) return null
  const minutes = Math.round(Number(`${match[1]}.${match[2] ?? '0'}`) * 60)
  return minutes > 0 && minutes <= 1440 ? minutes : null
}

// A request's outcome from its shifts: every place filled, some, or none.
export function requestOutcome(
  shifts: readonly { peopleNeeded: number; deployed: number }[],
): Exclude<RequestStatus, 'open'> {
  const needed = shifts.reduce((n, s) => n + s.peopleNeeded, 0)
  const filled = shifts.reduce((n, s) => n + Math.min(s.deployed, s.peopleNeeded), 0)
  if (needed > 0 && filled >= needed) return 'filled'
  return filled > 0 ? 'part_filled' : 'unfilled'
}

export function validateClosing(
  outcome: Exclude<RequestStatus, 'open'>,
  reason: string,
): Outcome<string | null> {
  const text = reason.trim()
  if (outcome !== 'filled' && !text)
    return { ok: false, errors: { outcomeReason: 'Enter why the request could not be filled in full' } }
  if (text.length > textLimits.contactText)
    return {
      ok: false,
      errors: { outcomeReason: `Reason must be ${textLimits.contactText} characters or fewer` },
    }
  return { ok: true, value: text || null }
}

// The Monday of an ISO date's week.
export const weekStartOf = (iso: string) => addDaysToIsoDate(iso, -((weekdayOf(iso) + 6) % 7))

export type WeekFigures = { weekStart: string; requests: number; hoursRequested: number; hoursFilled: number }

// Staffing requests and hours by week (Monday to Sunday), the last `weeks` weeks to today's.
export function weeklyStaffingFigures(
  today: string,
  rows: {
    requests: readonly { requestedOn: string }[]
    shifts: readonly { shiftOn: string; minutes: number; peopleNeeded: number }[]
    deployments: readonly { shiftOn: string; minutes: number }[]
  },
  weeks = 12,
): WeekFigures[] {
  const last = weekStartOf(today)
  const table = new Map<string, WeekFigures>()
  for (let i = weeks - 1; i >= 0; i--) {
    const weekStart = addDaysToIsoDate(last, -7 * i)
    table.set(weekStart, { weekStart, requests: 0, hoursRequested: 0, hoursFilled: 0 })
  }
  for (const r of rows.requests) {
    const week = table.get(weekStartOf(r.requestedOn))
    if (week) week.requests++
  }
  for (const s of rows.shifts) {
    const week = table.get(weekStartOf(s.shiftOn))
    if (week) week.hoursRequested += (s.minutes * s.peopleNeeded) / 60
  }
  for (const d of rows.deployments) {
    const week = table.get(weekStartOf(d.shiftOn))
    if (week) week.hoursFilled += d.minutes / 60
  }
  return [...table.values()]
}
