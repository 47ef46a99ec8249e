import type { DbOrTransaction } from '../../db/database.ts'
import { locationVisible } from '../../db/scope.ts'
import { type Actor, locationScope } from '../../domain/policy.ts'
import type { RuleSet } from './domain/rules.ts'
import { judgedBy, ofRuleSet } from './rule-sets.ts'

// The rules admin's reads and writes: a rule set's rules and their versions, the locations it judges
// that an actor sees, and a new version of a rule. Each takes the database or a transaction first.

export async function councilName(db: DbOrTransaction, councilId: string): Promise<string | null> {
  const council = await db
    .selectFrom('organisations')
    .select('name')
    .where('id', '=', councilId)
    .where('kind', '=', 'council')
    .executeTakeFirst()
  return council?.name ?? null
}

export function currentRulesOf(db: DbOrTransaction, ruleSet: RuleSet) {
  return db
    .selectFrom('riskRuleVersions')
    .selectAll()
    .where('isCurrent', '=', true)
    .where(ofRuleSet(ruleSet))
    .orderBy('severity', 'desc')
    .orderBy('name')
    .execute()
}

// Open alerts per rule among the locations these rules judge that the actor sees.
export async function openAlertsByRule(
  db: DbOrTransaction,
  actor: Actor,
  ruleSet: RuleSet,
): Promise<Map<string, number>> {
  const counts = await db
    .selectFrom('alerts')
    .innerJoin('locations', 'locations.id', 'alerts.locationId')
    .select(['alerts.alertKey', (eb) => eb.fn.countAll<number>().as('open')])
    .where('alerts.status', '=', 'open')
    .where('alerts.source', '=', 'rule')
    .where(judgedBy(ruleSet))
    .where(locationVisible(locationScope(actor)))
    .groupBy('alerts.alertKey')
    .execute()
  return new Map(counts.map((c) => [c.alertKey, Number(c.open)]))
}

// A rule's versions, newest first, with who changed each; null when the rule set has no such rule.
export async function versionsOf(db: DbOrTransaction, ruleSet: RuleSet, ruleKey: string) {
  const versions = await db
    .selectFrom('riskRuleVersions')
    .leftJoin('users', 'users.id', 'riskRuleVersions.changedBy')
    .selectAll('riskRuleVersions')
    .select('users.displayName as changedByName')
    .where('riskRuleVersions.ruleKey', '=', ruleKey)
    .where(ofRuleSet(ruleSet))
    .orderBy('riskRuleVersions.version', 'desc')
    .execute()
  const current = versions.find((v) => v.isCurrent)
  return current ? { current, versions } : null
}

export async function existingKeys(db: DbOrTransaction, ruleSet: RuleSet): Promise<string[]> {
  const rows = await db
    .selectFrom('riskRuleVersions')
    .select('ruleKey')
    .distinct()
    .where(ofRuleSet(ruleSet))
    .execute()
  return rows.map((r) => r.ruleKey)
}

// The locations the rule set judges that the actor sees, by name.
export function visibleLocationsJudgedBy(db: DbOrTransaction, actor: Actor, ruleSet: RuleSet) {
  return db
    .selectFrom('locations')
    .select(['locations.id', 'locations.name'])
    .where(judgedBy(ruleSet))
    .where(locationVisible(locationScope(actor)))
    .orderBy('locations.name')
    .orderBy('locations.id')
    .execute()
}

// The rows of the preview's table.
export async function previewRows(db: DbOrTransaction, locationIds: readonly string[]) {
  if (locationIds.length === 0) return []
  return db
    .selectFrom('locations')
    .innerJoin('providers', 'providers.id', 'locations.providerId')
    .select(['locations.id', 'locations.name', 'locations.area', 'providers.name as providerName'])
    .where('locations.id', 'in', locationIds)
    .execute()
}

export type RuleChange = {
  name: string
  condition: string
  severity: 'red' | 'amber'
  message: string
  enabled: boolean
}

// A new current version of a rule (version 1 of a new one); the previous one, locked while this is
// written, is kept as history.
export async function writeRuleVersion(
  trx: DbOrTransaction,
  ruleSet: RuleSet,
  ruleKey: string,
  change: RuleChange,
  by: { changeNote: string; userId: string; at: Date },
) {
  const previous = await trx
    .selectFrom('riskRuleVersions')
    .selectAll()
    .where('ruleKey', '=', ruleKey)
    .where('isCurrent', '=', true)
    .where(ofRuleSet(ruleSet))
    .forUpdate()
    .executeTakeFirst()
  if (previous)
    await trx
      .updateTable('riskRuleVersions')
      .set({ isCurrent: false })
      .where('id', '=', previous.id)
      .execute()
  const row = await trx
    .insertInto('riskRuleVersions')
    .values({
      councilId: ruleSet.councilId,
      ruleKey,
      version: (previous?.version ?? 0) + 1,
      isCurrent: true,
      ...change,
      changeNote: by.changeNote || null,
      changedBy: by.userId,
      changedAt: by.at,
    })
    .returning(['id', 'version'])
    .executeTakeFirstOrThrow()
  return { previous, row }
}
