import { dateInWords } from '../../../domain/dates.ts'
import { type Actor, can } from '../../../domain/policy.ts'
import { textLimits, tooLong } from '../../../domain/text-limits.ts'
import { helpKinds } from '../../returns/index.ts'

// Casework: who may work a location's case, how its status moves, how the worklist is ordered and how
// new red alerts are grouped into one e-mail per recipient. Pure: no I/O, the clock is passed in.

export type CaseStatus = 'open' | 'owned' | 'action_taken' | 'resolved'
export type AlertSeverity = 'red' | 'amber'

export const caseStatusNames: Record<CaseStatus, string> = {
  open: 'Open',
  owned: 'Owned',
  action_taken: 'Action taken',
  resolved: 'Resolved',
}

// What a case is, for the purpose of deciding who may do what with it.
export type CaseFacts = {
  status: CaseStatus
  owningOrganisationId: string | null
  ownerUserId: string | null
}

// The policy decides by role (officers work cases; viewers, finance officers and regional bodies read
// them; providers never see them); a regional body reads across councils but works none.
export function mayReadCases(actor: Actor): boolean {
  return can(actor, 'cases:read')
}

export function mayWorkCases(actor: Actor): boolean {
  return can(actor, 'cases:work') && actor.organisationKind !== 'region' && actor.councilIds.length > 0
}

// A council has the duty to the whole market, so its officers may step in on any case in their market;
// a partner works the cases that are unowned or already its own, and is passed the rest.
export function mayManageCase(actor: Actor, c: CaseFacts): boolean {
  if (!mayWorkCases(actor) || c.status === 'resolved') return false
  if (actor.organisationKind === 'council') return true
  return c.owningOrganisationId === null || c.owningOrganisationId === actor.organisationId
}

export type Refusal = { ok: false; reason: string }
export type Allowed = { ok: true }

export function mayTakeOwnership(actor: Actor, c: CaseFacts): Allowed | Refusal {
  if (!mayWorkCases(actor)) return { ok: false, reason: 'You cannot take ownership of cases' }
  if (!mayManageCase(actor, c))
    return {
      ok: false,
      reason:
        c.status === 'resolved'
          ? 'This case is closed'
          : 'This case is owned by another organisation: ask them to pass it to you',
    }
  if (c.ownerUserId === actor.userId) return { ok: false, reason: 'You already own this case' }
  return { ok: true }
}

// Closing is the owner's decision: the owning organisation's officers (the named owner or a colleague).
export function mayCloseCase(actor: Actor, c: CaseFacts): Allowed | Refusal {
  if (c.status === 'resolved') return { ok: false, reason: 'This case is already closed' }
  if (!mayWorkCases(actor)) return { ok: false, reason: 'You cannot close cases' }
  if (c.owningOrganisationId === null)
    return { ok: false, reason: 'Take ownership of the case before you close it' }
  if (c.owningOrganisationId !== actor.organisationId)
    return { ok: false, reason: 'Only the owning organisation can close this case' }
  return { ok: true }
}

// Status moves one way: open → owned → action taken → resolved. Ownership moving between
// organisations keeps "action taken"; closing is possible from any open status.
export type CaseEvent = 'ownership_taken' | 'passed' | 'action_done' | 'closed'

export function nextStatus(current: CaseStatus, event: CaseEvent): CaseStatus {
  if (current === 'resolved') return 'resolved'
  switch (event) {
    case 'ownership_taken':
    case 'passed':
      return current === 'open' ? 'owned' : current
    case 'action_done':
      return 'action_taken'
    case 'closed':
      return 'resolved'
  }
}

// A case with open alerts can be closed only when the closer confirms that those alerts are resolved
// with it (they are, with the same note), so nothing is left open without an owner by accident.
export function closeProblems(input: {
  note: string
  openAlerts: number
  confirmedAlerts: boolean
}): Record<string, string> {
  const errors: Record<string, string> = {}
  const note = caseNoteProblem(input.note, 'Enter a note saying why the case can be closed')
  if (note) errors.note = note
  if (input.openAlerts > 0 && !input.confirmedAlerts)
    errors.confirmAlerts = `Confirm that the ${input.openAlerts === 1 ? 'open alert' : `${input.openAlerts} open alerts`} can be resolved with the case`
  return errors
}

// An officer resolving one alert by hand says why, as closing a case does.
export function resolveProblems(input: { note: string }): Record<string, string> {
  const note = caseNoteProblem(input.note, 'Enter a note saying why the alert can be resolved')
  return note ? { note } : {}
}

// What is wrong with a note on a case (closing it, resolving an alert), or null.
function caseNoteProblem(note: string, missing: string): string | null {
  if (!note.trim()) return missing
  return tooLong('The note', note.trim(), textLimits.caseNote)
}

// "3 hours ago", in the words a person would say.
export function timeAgo(then: Date, now: Date): string {
  const minutes = Math.floor((now.getTime() - then.getTime()) / 60_000)
  if (minutes < 1) return 'just now'
  const plural = (n: number, unit: string) => `${n} ${unit}${n === 1 ? '' : 's'} ago`
  if (minutes < 60) return plural(minutes, 'minute')
  const hours = Math.floor(minutes / 60)
  if (hours < 24) return plural(hours, 'hour')
  const days = Math.floor(hours / 24)
  if (days < 14) return plural(days, 'day')
  const weeks = Math.floor(days / 7)
  if (days < 60) return plural(weeks, 'week')
  return plural(Math.floor(days / 30), 'month')
}

// ---- actions ----

export type ActionInput = { description: string; dueOn: string }

export function actionProblems(input: ActionInput, today: string): Record<string, string> {
  const errors: Record<string, string> = {}
  const description = input.description.trim()
  if (!description) errors.description = 'Enter what will be done'
  else if (description.length > textLimits.caseAction)
    errors.description = tooLong('The action', description, textLimits.caseAction)!
  const due = input.dueOn.trim()
  if (!due) errors.dueOn = 'Enter the date the action is due'
  else if (!isRealDate(due)) errors.dueOn = 'The due date must be a real date, for example 17 4 2020'
  else if (due < today) errors.dueOn = 'The due date must be today or in the future'
  return errors
}

export function isRealDate(text: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text)
  if (!m) return false
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])))
  return d.toISOString().slice(0, 10) === text
}

// ---- intelligence ----

export type IntelligenceInput = {
  partnerOrganisationId: string
  severity: string
  title: string
  report: string
}

export function intelligenceProblems(
  input: IntelligenceInput,
  partnerIds: readonly string[],
): Record<string, string> {
  const errors: Record<string, string> = {}
  if (!partnerIds.includes(input.partnerOrganisationId))
    errors.partnerOrganisationId = 'Select the partner who reported it'
  if (input.severity !== 'red' && input.severity !== 'amber') errors.severity = 'Select red or amber'
  const title = input.title.trim()
  if (!title) errors.title = 'Enter a short title, like “Manager reports staff off sick”'
  else if (title.length > textLimits.intelligenceTitle)
    errors.title = tooLong('The title', title, textLimits.intelligenceTitle)!
  const report = input.report.trim()
  if (!report) errors.report = 'Enter what was reported'
  else if (report.length > textLimits.intelligenceReport)
    errors.report = tooLong('What was reported', report, textLimits.intelligenceReport)!
  return errors
}

// ---- evidence in plain English ----

const evidenceWords: Record<string, (v: unknown, all: Record<string, unknown>) => string | null> = {
  lowestPpeDays: (v, all) =>
    `${all.lowestPpeItem ? `${capitalise(String(all.lowestPpeItem))}: ` : 'Lowest PPE stock: '}${days(v)} of stock left`,
  lowestPpeItem: () => null,
  staffAbsencePercent: (v) => `${v}% of staff absent`,
  newConfirmedCases14Days: (v) =>
    `${v} new confirmed COVID-19 ${v === 1 ? 'case' : 'cases'} in the last 14 days`,
  suspectedCases: (v) => `${v} suspected ${v === 1 ? 'case' : 'cases'}`,
  suspectedCases14Days: (v) =>
    `${v} new suspected COVID-19 ${v === 1 ? 'case' : 'cases'} in the last 14 days`,
  deaths7Days: (v) => `${v} ${v === 1 ? 'death' : 'deaths'} in the last 7 days`,
  vacancies: (v) => `${v} vacant ${v === 1 ? 'bed' : 'beds'}`,
  admissionsClosed: (v) => (v ? 'Closed to admissions' : 'Open to admissions'),
  helpRequested: (v, all) => {
    if (!v) return 'The provider did not ask for help'
    const kinds = Array.isArray(all.helpRequestedKinds)
      ? all.helpRequestedKinds.map((k) => helpKinds.find((h) => h.value === k)?.label ?? String(k))
      : []
    return kinds.length
      ? `The provider asked for help with: ${kinds.join(', ')}`
      : 'The provider asked for help'
  },
  helpRequestedKinds: () => null,
  returnId: () => null,
  returnPeriodStart: (v) => `From the return for the period starting ${longDate(String(v))}`,
  periodsWithoutReturn: (v) => `No return for ${v} ${v === 1 ? 'period' : 'periods'}`,
  // Why a risk rule's trend or outlier tests hold, already in words (early warning's evidence).
  reason: (v) => String(v),
  trackerStatus: (v) => `Status on the national capacity tracker: ${String(v)}`,
  trackerUpdatedOn: (v) => `Tracker last updated by the provider on ${longDate(String(v))}`,
  importedFrom: (v) => `From the capacity tracker extract ${String(v)}`,
  reportedBy: (v) => `Reported by ${String(v)}`,
  report: (v) => `What was reported: ${String(v)}`,
  reportedByOrganisationId: () => null,
  recordedBy: (v) => `Recorded by ${String(v)}`,
}

// "2020-04-14" → "14 April 2020"; anything else as it is.
const longDate = (iso: string) => (/^\d{4}-\d{2}-\d{2}$/.test(iso) ? dateInWords(iso) : iso)

const capitalise = (s: string) => s.charAt(0).toUpperCase() + s.slice(1)
const days = (v: unknown) => `${v} ${v === 1 ? 'day' : 'days'}`
// "staffAbsentCovid" → "Staff absent covid"
const words = (key: string) => capitalise(key.replace(/([a-z])([A-Z0-9])/g, '$1 $2').toLowerCase())

// The figures that triggered an alert, one plain sentence each. Unknown figures still show, by name.
export function describeEvidence(evidence: Record<string, unknown> | null | undefined): string[] {
  if (!evidence) return []
  const lines: string[] = []
  for (const [key, value] of Object.entries(evidence)) {
    if (value === null || value === undefined || value === '') continue
    const known = evidenceWords[key]
    if (known) {
      const line = known(value, evidence)
      if (line) lines.push(line)
      continue
    }
    const shown =
      typeof value === 'boolean'
        ? value
          ? 'yes'
          : 'no'
        : typeof value === 'object'
          ? JSON.stringify(value)
          : String(value)
    lines.push(`${words(key)}: ${shown}`)
  }
  return lines
}

// ---- digests of new red alerts ----

// Who casework's red-alert e-mail goes to, the one definition (the e-mail job and officers' notices
// both ask): the officers of the organisation that owns the case; for an unowned case, of the council
// whose area the location is in or, out of any area, of each council contracting it.
export const redAlertRecipientRoles: readonly string[] = ['council_officer', 'partner_officer']

export function redAlertTeams(
  c: { owningOrganisationId: string | null; councilId: string | null },
  contractingCouncilIds: readonly string[],
): string[] {
  if (c.owningOrganisationId) return [c.owningOrganisationId]
  if (c.councilId) return [c.councilId]
  return [...contractingCouncilIds]
}

export type NewRedAlert = {
  alertId: string
  locationName: string
  title: string
  caseId: string
  recipients: readonly string[]
}

// One e-mail per recipient, listing every new red alert they should hear about, in a stable order.
export function groupByRecipient(alerts: readonly NewRedAlert[]): Map<string, NewRedAlert[]> {
  const byRecipient = new Map<string, NewRedAlert[]>()
  for (const alert of alerts) {
    for (const to of new Set(alert.recipients.map((r) => r.toLowerCase()))) {
      const list = byRecipient.get(to) ?? []
      list.push(alert)
      byRecipient.set(to, list)
    }
  }
  for (const list of byRecipient.values())
    list.sort((a, b) => a.locationName.localeCompare(b.locationName) || a.title.localeCompare(b.title))
  return new Map([...byRecipient.entries()].sort(([a], [b]) => a.localeCompare(b)))
}

export function digestSubject(alerts: readonly NewRedAlert[]): string {
  if (alerts.length === 1) return `Red alert: ${alerts[0]!.locationName}: ${alerts[0]!.title}`
  return `${alerts.length} new red alerts in CareHub`
}
