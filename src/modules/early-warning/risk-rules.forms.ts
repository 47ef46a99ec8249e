import { z } from 'zod'
import type { FormMessages } from '../../web/form-schema.ts'
import { validateRule } from './domain/rules.ts'

// A field as typed (the first, if sent twice); the rule's own checks say what is wrong with it.
const typed = z.preprocess((v) => {
  const first = Array.isArray(v) ? v[0] : v
  return typeof first === 'string' ? first : ''
}, z.string())

// The rule form (adding or changing a rule, and the preview before saving): one schema, whose errors
// are the rule's checks in the domain (validateRule), with the keys already in use when adding. A trend
// rule's condition is built from its fields afterwards (draftCondition).
export function ruleForm(context: { isNew: boolean; existingKeys: readonly string[] }) {
  return z
    .object({
      ruleKey: typed.transform((key) => key.trim()),
      name: typed,
      condition: typed,
      severity: typed,
      message: typed,
      changeNote: typed,
      // A trend or outlier rule's parameters (domain/rule-kinds.ts); its condition is built from them.
      kind: typed.transform((kind) => kind || 'condition'),
      figure: typed,
      direction: typed,
      periods: typed,
      percent: typed,
      percentile: typed,
    })
    .superRefine((draft, check) => {
      for (const problem of validateRule(draft, context))
        check.addIssue({ code: 'custom', path: [problem.field], message: problem.message })
    })
}

export type RuleForm = z.output<ReturnType<typeof ruleForm>>

export const ruleFormMessages: FormMessages<ReturnType<typeof ruleForm>> = {
  ruleKey: 'Enter a rule key, for example ppe-red',
  name: 'Enter a name for the rule',
  condition: 'Enter a condition',
  severity: 'Select red or amber',
  message: 'Enter the message officers will see',
  changeNote: 'Enter why the rule changed',
  kind: 'Select the kind of rule',
  figure: 'Select the figure to follow',
  direction: 'Select whether to flag a rise or a fall',
  periods: 'Enter the number of periods, for example 3',
  percent: 'Enter the change in per cent, for example 50',
  percentile: 'Enter the percentile, for example 95',
}
