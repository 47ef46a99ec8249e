import { dateInWords, londonTime } from '../../../domain/dates.ts'
import type { Actor } from '../../../domain/policy.ts'
import { ownerToChange, requestedOwner, type SettingsOwner } from '../../../domain/settings-owner.ts'
import { type Condition, evaluate, measuresUsed, parseCondition, trendReasons } from './condition.ts'
import { type Measures, measureByName } from './measures.ts'
import {
  emptyTrendFields,
  isTrendKind,
  type TrendField,
  type TrendFields,
  trendCondition,
  trendFromFields,
} from './rule-kinds.ts'

// Risk rules as data, their evaluation against a location's measures, and the reconciliation of the
// result with the location's open rule alerts. Pure: the service applies the actions it returns.

export type Severity = 'red' | 'amber'

export type RiskRule = {
  ruleKey: string
  versionId: string
  name: string
  condition: string
  severity: Severity
  message: string
  enabled: boolean
}

export type CompiledRule = RiskRule & { parsed: Condition; uses: string[] }

// A trend rule's fields (rule-kinds.ts) come with it; without them a rule is a condition.
export type RuleDraft = {
  ruleKey: string
  name: string
  condition: string
  severity: string
  message: string
} & Partial<TrendFields>
export type RuleFieldError = {
  field: 'ruleKey' | 'name' | 'condition' | 'severity' | 'message' | TrendField
  message: string
}

export const ruleKeyPattern = /^[a-z][a-z0-9-]*$/

// Checks a rule as the admin typed it; the condition's message names the problem.
export function validateRule(
  draft: RuleDraft,
  options: { isNew: boolean; existingKeys?: readonly string[] },
) {
  const errors: RuleFieldError[] = []
  const key = draft.ruleKey.trim()
  if (options.isNew) {
    if (!key) errors.push({ field: 'ruleKey', message: 'Enter a rule key, for example ppe-red' })
    else if (key.length > 60 || !ruleKeyPattern.test(key))
      errors.push({
        field: 'ruleKey',
        message: 'The rule key must start with a letter and use only lower-case letters, digits and hyphens',
      })
    else if (key === 'new') errors.push({ field: 'ruleKey', message: 'The rule key cannot be new' })
    else if (options.existingKeys?.includes(key))
      errors.push({ field: 'ruleKey', message: `There is already a rule with the key ${key}` })
  }
  if (!draft.name.trim()) errors.push({ field: 'name', message: 'Enter a name for the rule' })
  else if (draft.name.trim().length > 120)
    errors.push({ field: 'name', message: 'The name must be 120 characters or fewer' })
  const kind = draft.kind || 'condition'
  if (isTrendKind(kind)) errors.push(...trendErrors({ ...emptyTrendFields, ...draft, kind }))
  else if (kind !== 'condition') errors.push({ field: 'kind', message: 'Select the kind of rule' })
  else {
    const parsed = parseCondition(draft.condition)
    if (!parsed.ok) errors.push({ field: 'condition', message: parsed.error })
  }
  if (draft.severity !== 'red' && draft.severity !== 'amber')
    errors.push({ field: 'severity', message: 'Select red or amber' })
  if (!draft.message.trim()) errors.push({ field: 'message', message: 'Enter the message officers will see' })
  else if (draft.message.trim().length > 500)
    errors.push({ field: 'message', message: 'The message must be 500 characters or fewer' })
  return errors
}

function trendErrors(fields: TrendFields): RuleFieldError[] {
  const trend = trendFromFields(fields)
  return trend.ok ? [] : trend.errors
}

// The condition a draft is kept as: as typed, or built from a trend rule's fields.
export function draftCondition(draft: RuleDraft): string {
  if (!isTrendKind(draft.kind ?? '')) return draft.condition
  const trend = trendFromFields({ ...emptyTrendFields, ...draft, kind: draft.kind! })
  return trend.ok ? trendCondition(trend.measure, trend.test) : draft.condition
}

// Rules whose stored condition no longer parses are left out (and reported), never evaluated.
// Every saved return compiles the rules; the same few conditions are parsed once (a parsed condition is
// never changed, so one can be shared).
const parsedConditions = new Map<string, ReturnType<typeof parseCondition>>()

function parsedOnce(condition: string) {
  let parsed = parsedConditions.get(condition)
  if (!parsed) {
    if (parsedConditions.size >= 1_000) parsedConditions.clear()
    parsed = parseCondition(condition)
    parsedConditions.set(condition, parsed)
  }
  return parsed
}

export function compileRules(rules: readonly RiskRule[]): { compiled: CompiledRule[]; broken: string[] } {
  const compiled: CompiledRule[] = []
  const broken: string[] = []
  for (const rule of rules) {
    if (!rule.enabled) continue
    const parsed = parsedOnce(rule.condition)
    if (parsed.ok) compiled.push({ ...rule, parsed: parsed.condition, uses: measuresUsed(parsed.condition) })
    else broken.push(rule.ruleKey)
  }
  return { compiled, broken }
}

export type ReturnRef = { id: string; periodStart: string; submittedAt: Date }

// The figures that made a rule fire: the measures its condition reads, the PPE item with the lowest
// stock and the kinds of help asked for when those are read, why its trend tests hold in words, and the
// return they came from.
export function evidenceFor(rule: CompiledRule, measures: Measures, latest: ReturnRef | null) {
  const evidence: Record<string, unknown> = {}
  for (const name of rule.uses) {
    const definition = measureByName.get(name)
    if (!definition) continue
    evidence[definition.key] = measures[definition.key]
    if (definition.key === 'lowestPpeDays') evidence.lowestPpeItem = measures.lowestPpeItem
    if (definition.key === 'helpRequested') evidence.helpRequestedKinds = measures.helpRequestedKinds
  }
  const reasons = trendReasons(rule.parsed, measures)
  if (reasons.length > 0) evidence.reason = reasons.join('; ')
  if (latest) {
    evidence.returnId = latest.id
    evidence.returnPeriodStart = latest.periodStart
  }
  return evidence
}

export type OpenRuleAlert = {
  alertId: string
  alertKey: string
  severity: Severity
  message: string
  ruleVersionId: string | null
  evidence: Record<string, unknown>
}

export type AlertAction =
  | {
      kind: 'raise' | 'update'
      alertId?: string
      ruleKey: string
      ruleVersionId: string
      severity: Severity
      title: string
      message: string
      evidence: Record<string, unknown>
      returnId: string | null
    }
  | { kind: 'resolve'; alertId: string; ruleKey: string; note: string; returnId: string | null }

// The same figures, whichever return repeated them: a daily return saying the same again is not news.
const sameFigures = (a: Record<string, unknown>, b: Record<string, unknown>) => {
  const { returnId: _a, returnPeriodStart: _ap, ...figuresA } = a
  const { returnId: _b, returnPeriodStart: _bp, ...figuresB } = b
  return canonicalJson(figuresA) === canonicalJson(figuresB)
}

// JSON with object keys sorted: the database's jsonb keeps keys in its own order.
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`
  if (value && typeof value === 'object')
    return `{${Object.keys(value)
      .sort()
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`)
      .join(',')}}`
  return JSON.stringify(value)
}

// "Cleared by the return for 23 November 2026 submitted 08:14"
export function clearedByReturnNote(latest: ReturnRef) {
  return `Cleared by the return for ${dateInWords(latest.periodStart)} submitted ${londonTime(latest.submittedAt)}`
}

// What must change for one location: raise alerts for rules that fire with none open, update the
// evidence (or severity, message, version) of open ones that still fire, and resolve open rule alerts
// whose rule no longer fires or is no longer enabled. At most one action per rule key.
export function reconcile(input: {
  measures: Measures
  latest: ReturnRef | null
  rules: readonly CompiledRule[]
  open: readonly OpenRuleAlert[]
  today: string
}): AlertAction[] {
  const actions: AlertAction[] = []
  const openByKey = new Map(input.open.map((a) => [a.alertKey, a]))
  const firing = new Set<string>()
  for (const rule of input.rules) {
    if (!evaluate(rule.parsed, input.measures)) continue
    firing.add(rule.ruleKey)
    const evidence = evidenceFor(rule, input.measures, input.latest)
    const open = openByKey.get(rule.ruleKey)
    const base = {
      ruleKey: rule.ruleKey,
      ruleVersionId: rule.versionId,
      severity: rule.severity,
      title: rule.name,
      message: rule.message,
      evidence,
      returnId: input.latest?.id ?? null,
    }
    if (!open) actions.push({ kind: 'raise', ...base })
    else if (
      !sameFigures(open.evidence, evidence) ||
      open.severity !== rule.severity ||
      open.message !== rule.message ||
      open.ruleVersionId !== rule.versionId
    )
      actions.push({ kind: 'update', alertId: open.alertId, ...base })
  }
  const ruleKeys = new Set(input.rules.map((r) => r.ruleKey))
  for (const open of input.open) {
    if (firing.has(open.alertKey)) continue
    if (!ruleKeys.has(open.alertKey)) {
      actions.push({
        kind: 'resolve',
        alertId: open.alertId,
        ruleKey: open.alertKey,
        note: 'Resolved because the rule was disabled',
        returnId: null,
      })
      continue
    }
    // A newer return than the one in the alert's evidence cleared it; otherwise time did (the figures
    // fell out of the rule's window, or a late return filled a gap).
    const cleared = input.latest && input.latest.id !== open.evidence.returnId
    actions.push({
      kind: 'resolve',
      alertId: open.alertId,
      ruleKey: open.alertKey,
      note: cleared
        ? clearedByReturnNote(input.latest!)
        : `No longer met on ${dateInWords(input.today)}: the figures that raised it are out of date or have been corrected`,
      returnId: cleared ? input.latest!.id : null,
    })
  }
  return actions
}

// RAG is the worst open alert: red over amber over green (no open alert).
export function worstRag(severities: readonly Severity[]): 'red' | 'amber' | 'green' {
  return severities.includes('red') ? 'red' : severities.includes('amber') ? 'amber' : 'green'
}

export const defaultRules: readonly Omit<RiskRule, 'versionId' | 'enabled'>[] = [
  {
    ruleKey: 'ppe-red',
    name: 'PPE runs out within 3 days',
    condition: 'lowest_ppe_days < 3',
    severity: 'red',
    message: 'At least one PPE item will run out within 3 days. Check supply and offer emergency stock.',
  },
  {
    // Amber stops where red starts, so a home low on PPE has one PPE alert, not two.
    ruleKey: 'ppe-amber',
    name: 'PPE runs out within 7 days',
    condition: 'lowest_ppe_days >= 3 and lowest_ppe_days < 7',
    severity: 'amber',
    message: 'At least one PPE item will run out within a week. Check the home has an order in hand.',
  },
  {
    ruleKey: 'staff-absence-red',
    name: 'Staff absence 20% or more',
    condition: 'staff_absence_percent >= 20',
    severity: 'red',
    message: 'A fifth or more of staff are absent. Check the business continuity plan and staffing cover.',
  },
  {
    ruleKey: 'staff-absence-amber',
    name: 'Staff absence 10% or more',
    condition: 'staff_absence_percent >= 10 and staff_absence_percent < 20',
    severity: 'amber',
    message: 'One in ten or more staff are absent. Check cover is arranged.',
  },
  {
    ruleKey: 'outbreak',
    name: 'Outbreak',
    condition: 'new_confirmed_cases_14_days >= 1 or suspected_cases_14_days >= 2',
    severity: 'red',
    message:
      'A confirmed case, or two or more suspected cases, in the last 14 days. Make sure infection control and testing support are in place.',
  },
  {
    ruleKey: 'death',
    name: 'A death in the last 7 days',
    condition: 'deaths_7_days >= 1',
    severity: 'amber',
    message: 'A death was reported in the last 7 days. Check in with the manager.',
  },
  {
    ruleKey: 'no-return',
    name: 'No return for 2 periods',
    condition: 'periods_without_return >= 2',
    severity: 'amber',
    message: 'No return for two or more periods in a row. Call the location to check it is safe.',
  },
  {
    ruleKey: 'help-requested',
    name: 'Help requested',
    condition: 'help_requested',
    severity: 'amber',
    message: 'The latest return asks for help. Contact the location about what it needs.',
  },
]

// Rules belong to a council; a location is judged by the rules of the council whose area it is in, and
// a location outside every council's area on the install by the install's defaults (`councilId: null`),
// which are also what a new council starts with (docs/adr/0006-council-rules-and-settings.md).
export type RuleSet = SettingsOwner

// The rules an actor may change (`?council=` naming any others gives none): a council's administrator
// its council's, the install administrator the install's defaults. Nobody changes another council's.
export function manageableRuleSet(actor: Actor, requested?: string): RuleSet | null {
  return ownerToChange(actor, requested)
}

export function mayManageRiskRules(actor: Actor): boolean {
  return manageableRuleSet(actor) !== null
}

// Administrators and officers who work alerts may read the rules.
export function mayReadRiskRules(actor: Actor): boolean {
  return (
    mayManageRiskRules(actor) ||
    actor.role === 'admin' ||
    actor.role === 'council_officer' ||
    actor.role === 'partner_officer'
  )
}

// The rules an actor reads: its council's; a partner those of the first council it serves, or of the
// one it asks for among them; a regional body the install's defaults, or any council's it asks for.
// Asking for rules out of reach, or with something that is not an id, gives nothing.
export function readableRuleSet(actor: Actor, requested?: string): RuleSet | null {
  if (!mayReadRiskRules(actor)) return null
  const asked = requestedOwner(requested)
  if (asked === false) return null
  if (actor.organisationKind === 'region') return asked ?? { councilId: null }
  const own = actor.organisationKind === 'council' ? [actor.organisationId] : actor.councilIds
  const councilId = asked === undefined ? own[0] : asked.councilId
  return councilId && own.includes(councilId) ? { councilId } : null
}
