import { z } from 'zod'
import type { Outcome } from '../../domain/outcome.ts'
import { type FormMessages, formText, parseForm } from '../../web/form-schema.ts'
import type { DateParts, PlanForm, ResilienceForm, ReviewForm } from './domain/resilience.rules.ts'

// Provider resilience's forms as posted. What makes an answer valid (today's date, whole numbers) is the
// domain's rule, which words every message; these schemas take each field as text.

const dateFields = (name: string) => ({
  [`${name}-day`]: formText(),
  [`${name}-month`]: formText(),
  [`${name}-year`]: formText(),
})
const dateOf = (f: Record<string, string>, name: string): DateParts => ({
  day: f[`${name}-day`] ?? '',
  month: f[`${name}-month`] ?? '',
  year: f[`${name}-year`] ?? '',
})
const messagesFor = (fields: z.ZodObject, message: string) =>
  Object.fromEntries(Object.keys(fields.shape).map((k) => [k, message])) as FormMessages<z.ZodObject>

const resilienceFields = z.object({
  planReference: formText(),
  planGaps: formText(),
  contingencyProvider: formText(),
  financialConcern: formText(),
  fundedByCouncil: formText(),
  fundedByNhs: formText(),
  selfFunded: formText(),
  directPayments: formText(),
  ...dateFields('planReviewedDate'),
  ...dateFields('planReviewDueDate'),
})

export function resilienceFormFrom(body: unknown): Outcome<ResilienceForm> {
  const parsed = parseForm(resilienceFields, body, messagesFor(resilienceFields, 'Enter the answer as text'))
  if (!parsed.ok) return parsed
  const f = parsed.value as Record<string, string>
  return {
    ok: true,
    value: {
      planReference: f.planReference ?? '',
      planGaps: f.planGaps ?? '',
      contingencyProvider: f.contingencyProvider ?? '',
      financialConcern: f.financialConcern ?? '',
      fundedByCouncil: f.fundedByCouncil ?? '',
      fundedByNhs: f.fundedByNhs ?? '',
      selfFunded: f.selfFunded ?? '',
      directPayments: f.directPayments ?? '',
      planReviewedDate: dateOf(f, 'planReviewedDate'),
      planReviewDueDate: dateOf(f, 'planReviewDueDate'),
    },
  }
}

const planFields = z.object({
  triggeringIndicators: formText(),
  measures: formText(),
  monitoredBy: formText(),
  ...dateFields('nextReviewDate'),
})
export function planFormFrom(body: unknown): Outcome<PlanForm> {
  const parsed = parseForm(planFields, body, messagesFor(planFields, 'Enter the answer as text'))
  if (!parsed.ok) return parsed
  const f = parsed.value as Record<string, string>
  return {
    ok: true,
    value: {
      triggeringIndicators: f.triggeringIndicators ?? '',
      measures: f.measures ?? '',
      monitoredBy: f.monitoredBy ?? '',
      nextReviewDate: dateOf(f, 'nextReviewDate'),
    },
  }
}

const reviewFields = z.object({
  findings: formText(),
  ...dateFields('reviewedDate'),
  ...dateFields('nextReviewDate'),
})
export function reviewFormFrom(body: unknown): Outcome<ReviewForm> {
  const parsed = parseForm(reviewFields, body, messagesFor(reviewFields, 'Enter the answer as text'))
  if (!parsed.ok) return parsed
  const f = parsed.value as Record<string, string>
  return {
    ok: true,
    value: {
      findings: f.findings ?? '',
      reviewedDate: dateOf(f, 'reviewedDate'),
      nextReviewDate: dateOf(f, 'nextReviewDate'),
    },
  }
}
