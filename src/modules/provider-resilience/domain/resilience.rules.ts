import { isoDateFromParts } from '../../../domain/dates.ts'
import type { Outcome } from '../../../domain/outcome.ts'
import { type Actor, can } from '../../../domain/policy.ts'

// Provider resilience: a location's continuity plan, the people it supports by funding, its contingency
// and concerns; the providers-at-risk reasons; protection plans. Pure: no I/O, today passed in.

export const mayReadResilience = (actor: Actor) =>
  can(actor, 'resilience:read') && actor.role !== 'provider_manager'
export const mayWriteResilience = (actor: Actor) => can(actor, 'resilience:write')
// Protection plans are casework: those who read cases see them, those who work cases open and review them.
export const mayReadProtectionPlans = (actor: Actor) =>
  can(actor, 'cases:read') && actor.role !== 'provider_manager'
export const mayWorkProtectionPlans = (actor: Actor) => can(actor, 'cases:work')

// A staffing shortfall: this share of staff absent, or staffing help asked for in the latest return.
export const shortfallAbsencePercent = 20

export const fundingKinds = [
  { key: 'fundedByCouncil', label: 'Funded by the council' },
  { key: 'fundedByNhs', label: 'Funded by the NHS' },
  { key: 'selfFunded', label: 'Self-funded' },
  { key: 'directPayments', label: 'Paid by direct payments' },
] as const
export type FundingKey = (typeof fundingKinds)[number]['key']

export type RiskReasonKind = 'rag' | 'staffing' | 'continuity' | 'financial'
export type RiskReason = { kind: RiskReasonKind; text: string }

export type RiskFacts = {
  rag: 'red' | 'amber' | 'green' | null
  staffEmployed: number | null
  staffAbsent: number | null
  staffingHelpAsked: boolean
  planGaps: string
  planReviewDue: string | null
  hasResilienceRecord: boolean
  financialConcern: string
}

// Why a location is at risk: each of RAG, staffing shortfall, continuity gaps and financial concern
// that applies, in that order. None: not at risk.
export function riskReasons(f: RiskFacts, today: string): RiskReason[] {
  const reasons: RiskReason[] = []
  if (f.rag === 'red' || f.rag === 'amber') reasons.push({ kind: 'rag', text: `Risk status ${f.rag}` })
  const percent =
    f.staffEmployed && f.staffAbsent !== null ? Math.round((100 * f.staffAbsent) / f.staffEmployed) : null
  if (percent !== null && percent >= shortfallAbsencePercent)
    reasons.push({
      kind: 'staffing',
      text: `Staffing shortfall: ${f.staffAbsent} of ${f.staffEmployed} staff absent (${percent}%)`,
    })
  else if (f.staffingHelpAsked)
    reasons.push({ kind: 'staffing', text: 'Staffing shortfall: asked for help with staffing' })
  const gaps = gapLines(f.planGaps)
  if (gaps.length) reasons.push({ kind: 'continuity', text: `Continuity plan gaps: ${gaps.join('; ')}` })
  if (f.hasResilienceRecord && f.planReviewDue && f.planReviewDue < today)
    reasons.push({ kind: 'continuity', text: `Continuity plan review overdue since ${f.planReviewDue}` })
  if (f.financialConcern.trim())
    reasons.push({ kind: 'financial', text: `Financial concern: ${f.financialConcern.trim()}` })
  return reasons
}

export const gapLines = (gaps: string) =>
  gaps
    .split('\n')
    .map((g) => g.trim())
    .filter(Boolean)

export type DateParts = { day: string; month: string; year: string }

// An optional date in three boxes; its messages name the field.
function optionalDate(parts: DateParts, name: string): { date: string | null } | { error: string } {
  if (!parts.day.trim() && !parts.month.trim() && !parts.year.trim()) return { date: null }
  const date = isoDateFromParts(parts)
  return date ? { date } : { error: `The ${name} must be a real date` }
}

function requiredDate(
  parts: DateParts,
  name: string,
  today: string,
  when: 'past' | 'future',
): { date: string } | { error: string } {
  const d = optionalDate(parts, name)
  if ('error' in d) return d
  if (!d.date) return { error: `Enter the ${name}` }
  if (when === 'past' && d.date > today) return { error: `The ${name} must be today or in the past` }
  if (when === 'future' && d.date < today) return { error: `The ${name} must be today or in the future` }
  return { date: d.date }
}

export type ResilienceForm = {
  planReference: string
  planReviewedDate: DateParts
  planReviewDueDate: DateParts
  planGaps: string
  contingencyProvider: string
  financialConcern: string
} & Record<FundingKey, string>

export type ResilienceInput = {
  planReference: string | null
  planReviewedOn: string | null
  planReviewDue: string | null
  planGaps: string
  contingencyProvider: string | null
  financialConcern: string
} & Record<FundingKey, number | null>

const fundingMessages: Record<FundingKey, string> = {
  fundedByCouncil: 'People funded by the council',
  fundedByNhs: 'People funded by the NHS',
  selfFunded: 'Self-funded people',
  directPayments: 'People paying by direct payments',
}

export function validateResilience(form: ResilienceForm, today: string): Outcome<ResilienceInput> {
  const errors: Record<string, string> = {}
  const text = (key: keyof ResilienceForm, max: number, name: string) => {
    const v = String(form[key]).trim()
    if (v.length > max) errors[key] = `${name} must be ${max} characters or fewer`
    return v
  }
  const planReference = text('planReference', 500, 'The plan’s link or reference')
  const planGaps = text('planGaps', 2000, 'Gaps found')
  const contingencyProvider = text('contingencyProvider', 200, 'Contingency provider')
  const financialConcern = text('financialConcern', 1000, 'Financial concern')
  const reviewed = optionalDate(form.planReviewedDate, 'date the plan was last reviewed')
  if ('error' in reviewed) errors.planReviewedDate = reviewed.error
  else if (reviewed.date && reviewed.date > today)
    errors.planReviewedDate = 'The date the plan was last reviewed must be today or in the past'
  const due = optionalDate(form.planReviewDueDate, 'date of the next review')
  if ('error' in due) errors.planReviewDueDate = due.error
  if (!planReference && ('date' in reviewed ? reviewed.date : null))
    errors.planReference = 'Enter the plan’s link or document reference'
  const counts = {} as Record<FundingKey, number | null>
  for (const { key } of fundingKinds) {
    const raw = form[key].trim()
    counts[key] = null
    if (!raw) continue
    if (!/^\d+$/.test(raw) || Number(raw) > 100_000)
      errors[key] = `${fundingMessages[key]} must be a whole number, like 12`
    else counts[key] = Number(raw)
  }
  if (Object.keys(errors).length) return { ok: false, errors }
  return {
    ok: true,
    value: {
      planReference: planReference || null,
      planReviewedOn: 'date' in reviewed ? reviewed.date : null,
      planReviewDue: 'date' in due ? due.date : null,
      planGaps,
      contingencyProvider: contingencyProvider || null,
      financialConcern,
      ...counts,
    },
  }
}

export type PlanForm = {
  triggeringIndicators: string
  measures: string
  monitoredBy: string
  nextReviewDate: DateParts
}
export type PlanInput = {
  triggeringIndicators: string
  measures: string
  monitoredBy: string
  nextReviewOn: string
}

export function validatePlan(form: PlanForm, today: string): Outcome<PlanInput> {
  const errors: Record<string, string> = {}
  const req = (
    key: 'triggeringIndicators' | 'measures' | 'monitoredBy',
    missing: string,
    max: number,
    name: string,
  ) => {
    const v = form[key].trim()
    if (!v) errors[key] = missing
    else if (v.length > max) errors[key] = `${name} must be ${max} characters or fewer`
    return v
  }
  const triggeringIndicators = req(
    'triggeringIndicators',
    'Enter the indicators that show quality falling',
    2000,
    'Indicators',
  )
  const measures = req('measures', 'Enter the measures agreed', 4000, 'Measures')
  const monitoredBy = req('monitoredBy', 'Enter who monitors the plan', 200, 'Who monitors')
  const next = requiredDate(form.nextReviewDate, 'date of the first review', today, 'future')
  if ('error' in next) errors.nextReviewDate = next.error
  if ('error' in next || Object.keys(errors).length) return { ok: false, errors }
  return { ok: true, value: { triggeringIndicators, measures, monitoredBy, nextReviewOn: next.date } }
}

export type ReviewForm = { reviewedDate: DateParts; findings: string; nextReviewDate: DateParts }
export type ReviewInput = { reviewedOn: string; findings: string; nextReviewOn: string | null }

// A review, or the closing review (no next review) that closes the plan.
export function validateReview(form: ReviewForm, today: string, closing: boolean): Outcome<ReviewInput> {
  const errors: Record<string, string> = {}
  const reviewed = requiredDate(form.reviewedDate, 'date of the review', today, 'past')
  if ('error' in reviewed) errors.reviewedDate = reviewed.error
  const findings = form.findings.trim()
  if (!findings) errors.findings = closing ? 'Enter why the plan can close' : 'Enter what the review found'
  else if (findings.length > 4000) errors.findings = 'Findings must be 4000 characters or fewer'
  let nextReviewOn: string | null = null
  if (!closing) {
    const next = requiredDate(form.nextReviewDate, 'date of the next review', today, 'future')
    if ('error' in next) errors.nextReviewDate = next.error
    else nextReviewOn = next.date
  }
  if ('error' in reviewed || Object.keys(errors).length) return { ok: false, errors }
  return { ok: true, value: { reviewedOn: reviewed.date, findings, nextReviewOn } }
}
