import { z } from 'zod'
import type { Outcome } from '../../domain/outcome.ts'
import { type FormMessages, formList, formText, parseForm } from '../../web/form-schema.ts'
import type { RoundForm } from './domain/round-rules.ts'
import type { DecisionForm, RecoveryForm } from './grant-allocations.service.ts'

// The grants' forms as posted. What makes an answer valid (a pot that is money, shares that sum to
// 100 %, tranche dates on or after the round's) is the domain's rule, which words every message; these
// schemas take each field as text.

const roundTextFields = [
  'name',
  'pot',
  'retained',
  'retainedPurpose',
  'formulaShare',
  'homeCareShare',
  'discretionaryShare',
  'basis',
  'snapshotDay',
  'snapshotMonth',
  'snapshotYear',
  'roundDay',
  'roundMonth',
  'roundYear',
  'passOnDays',
  'tranche1Day',
  'tranche1Month',
  'tranche1Year',
  'tranche1Share',
  'tranche2Day',
  'tranche2Month',
  'tranche2Year',
  'tranche2Share',
  'measuresAllowed',
  'measuresNotAllowed',
  'clawback',
  'funderId',
] as const

const roundFields = z.object({
  ...Object.fromEntries(roundTextFields.map((f) => [f, formText()])),
  rules: formList(),
} as Record<(typeof roundTextFields)[number], ReturnType<typeof formText>> & {
  rules: ReturnType<typeof formList>
})

const roundMessages = {
  ...Object.fromEntries(roundTextFields.map((f) => [f, 'Check this answer'])),
  name: 'Enter the name of the round',
  pot: 'Enter the pot',
  rules: 'Select the eligibility rules from the list',
} as FormMessages<typeof roundFields>

export function roundFormFrom(body: unknown): Outcome<RoundForm> {
  return parseForm(roundFields, body, roundMessages) as Outcome<RoundForm>
}

const decisionFields = z.object({ decision: formText(), name: formText() })
const decisionMessages: FormMessages<typeof decisionFields> = {
  decision: 'Select whether you accept or decline the terms',
  name: 'Enter the name of the person accepting or declining',
}
export function decisionFormFrom(body: unknown): Outcome<DecisionForm> {
  return parseForm(decisionFields, body, decisionMessages)
}

const paymentFields = z.object({ day: formText(), month: formText(), year: formText() })
const paymentMessages: FormMessages<typeof paymentFields> = {
  day: 'Enter the date the tranche was paid',
  month: 'Enter the date the tranche was paid',
  year: 'Enter the date the tranche was paid',
}
export function paymentFormFrom(body: unknown): Outcome<{ day: string; month: string; year: string }> {
  return parseForm(paymentFields, body, paymentMessages)
}

const recoveryFields = z.object({ amount: formText(), day: formText(), month: formText(), year: formText() })
const recoveryMessages: FormMessages<typeof recoveryFields> = {
  amount: 'Enter the amount recovered',
  day: 'Enter the date the money was recovered',
  month: 'Enter the date the money was recovered',
  year: 'Enter the date the money was recovered',
}
export function recoveryFormFrom(body: unknown): Outcome<RecoveryForm> {
  return parseForm(recoveryFields, body, recoveryMessages)
}

// The spend return: one amount per measure of the round (measure-0, measure-1, …).
export function spendFormFrom(body: unknown, measures: number): string[] {
  const fields = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>
  return Array.from({ length: measures }, (_, i) => {
    const value = fields[`measure-${i}`]
    const first = Array.isArray(value) ? value[0] : value
    return typeof first === 'string' ? first : ''
  })
}
