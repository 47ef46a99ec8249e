import { type ExpressionBuilder, sql } from 'kysely'
import type { DbOrTransaction } from '../../db/database.ts'
import type { Database } from '../../db/schema.ts'
import { trendTermsOf } from './domain/condition.ts'
import { type CompiledRule, compileRules, type RiskRule, type RuleSet } from './domain/rules.ts'
import { trendNeeds } from './domain/trends.ts'

// Whose rules judge which location: a location in a council's area by that council's rules, a location
// in no council's area on this install by the install's defaults (a null council). Each council's
// current rules are read with what they judge, so a return's statement reads 8 rules, not every
// council's (docs/adr/0006-council-rules-and-settings.md).

// A current rule and the council it belongs to (null: the install's defaults).
export type CouncilRule = RiskRule & { councilId: string | null }

// The current rules of one council, or the install's defaults (null).
export async function currentRules(
  db: DbOrTransaction,
  councilId: string | null = null,
): Promise<RiskRule[]> {
  const rows = await db
    .selectFrom('riskRuleVersions')
    .select(['id', 'ruleKey', 'name', 'condition', 'severity', 'message', 'enabled'])
    .where('isCurrent', '=', true)
    .where((eb) => (councilId ? eb('councilId', '=', councilId) : eb('councilId', 'is', null)))
    .orderBy('ruleKey')
    .execute()
  return rows.map((r) => ({ ...r, versionId: r.id }))
}

// Every council's current rules and the install's defaults, for the whole market.
export async function everyCurrentRule(db: DbOrTransaction): Promise<CouncilRule[]> {
  const rows = await db
    .selectFrom('riskRuleVersions')
    .select(['id', 'councilId', 'ruleKey', 'name', 'condition', 'severity', 'message', 'enabled'])
    .where('isCurrent', '=', true)
    .orderBy('ruleKey')
    .execute()
  return rows.map((r) => ({ ...r, versionId: r.id }))
}

// The compiled rules of each council, looked up per location; conditions that no longer parse are
// reported once each.
export function compiledByCouncil(rules: readonly CouncilRule[]) {
  const grouped = new Map<string | null, CouncilRule[]>()
  for (const rule of rules) {
    const list = grouped.get(rule.councilId)
    if (list) list.push(rule)
    else grouped.set(rule.councilId, [rule])
  }
  const compiled = new Map<string | null, CompiledRule[]>()
  const broken = new Set<string>()
  for (const [councilId, list] of grouped) {
    const result = compileRules(list)
    compiled.set(councilId, result.compiled)
    for (const key of result.broken) broken.add(key)
  }
  return {
    rulesFor: (councilId: string | null) => compiled.get(councilId) ?? [],
    broken: [...broken],
    // What the trend and outlier tests of all these rules need worked out (null: none has one).
    trends: trendNeeds([...compiled.values()].flat().flatMap((r) => trendTermsOf(r.parsed))),
  }
}

// Current rules as JSON, read along with other things: those matching `which` (over `r`).
export const rulesJson = (which: ReturnType<typeof sql>) => sql<CouncilRule[] | null>`(
  select json_agg(json_build_object('id', r.id, 'versionId', r.id, 'councilId', r.council_id,
           'ruleKey', r.rule_key, 'name', r.name, 'condition', r.condition, 'severity', r.severity,
           'message', r.message, 'enabled', r.enabled)
           order by r.rule_key)
    from risk_rule_versions r where r.is_current and ${which})`

// The locations a rule set judges, as a condition on `locations`.
export function judgedBy(ruleSet: RuleSet) {
  return (eb: ExpressionBuilder<Database, 'locations'>) =>
    ruleSet.councilId
      ? eb('locations.councilId', '=', ruleSet.councilId)
      : eb('locations.councilId', 'is', null)
}

// A rule set's own versions, as a condition on `riskRuleVersions`.
export function ofRuleSet(ruleSet: RuleSet) {
  return (eb: ExpressionBuilder<Database, 'riskRuleVersions'>) =>
    ruleSet.councilId
      ? eb('riskRuleVersions.councilId', '=', ruleSet.councilId)
      : eb('riskRuleVersions.councilId', 'is', null)
}

export async function locationsJudgedBy(db: DbOrTransaction, ruleSet: RuleSet): Promise<string[]> {
  return (await db.selectFrom('locations').select('locations.id').where(judgedBy(ruleSet)).execute()).map(
    (r) => r.id,
  )
}
