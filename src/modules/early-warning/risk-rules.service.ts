import type { Db, DbOrTransaction } from '../../db/database.ts'
import { locationVisible } from '../../db/scope.ts'
import type { Clock } from '../../domain/clock.ts'
import { formatCondition, parseCondition } from '../../domain/early-warning/condition.ts'
import { measureDefinitions } from '../../domain/early-warning/measures.ts'
import {
  compileRules,
  manageableRuleSet,
  type RuleDraft,
  type RuleFieldError,
  type RuleSet,
  readableRuleSet,
  validateRule,
} from '../../domain/early-warning/rules.ts'
import { type Actor, locationScope } from '../../domain/policy.ts'
import { recordAudit } from '../audit/audit.repository.ts'
import { AuditAction } from '../audit/audit-actions.ts'
import { flaggedBy, measuresForLocations, type RecomputeResult, recomputeRisk } from './risk-recompute.ts'
import { judgedBy, locationsJudgedBy, ofRuleSet } from './rule-sets.ts'

// The risk rules an administrator edits: list, history, preview ("this rule would flag these locations
// today") and save as a new version, audited, followed at once by a recompute so that what the preview
// showed is what is flagged. Each council has its own rules; a council's administrator reads and
// changes only its council's, the install administrator only the install's defaults (what a new
// council starts with, and what judges locations in no council's area). `council` in a reader's request
// picks among the rule sets it may read (a partner serving several councils, a regional body).

export type PreviewOutcome =
  | { ok: false; errors: RuleFieldError[] }
  | {
      ok: true
      condition: string
      total: number
      locations: { id: string; name: string; area: string | null; providerName: string }[]
    }

export type SaveOutcome =
  | { ok: false; errors: RuleFieldError[] }
  | { ok: false; notFound: true }
  | { ok: true; ruleKey: string; version: number; recompute: RecomputeResult }

export function createRiskRulesService(deps: { db: Db; clock: Clock }) {
  const { db, clock } = deps

  // Whose rules these are, in words, and whether the actor may change them; null for a council that
  // is not one.
  async function ownerOf(actor: Actor, ruleSet: RuleSet) {
    const mayManage = manageableRuleSet(actor)?.councilId === ruleSet.councilId
    if (!ruleSet.councilId) return { councilId: null, owner: 'the install’s defaults', mayManage }
    const council = await db
      .selectFrom('organisations')
      .select('name')
      .where('id', '=', ruleSet.councilId)
      .where('kind', '=', 'council')
      .executeTakeFirst()
    return council ? { councilId: ruleSet.councilId, owner: council.name, mayManage } : null
  }

  async function list(actor: Actor, requestedCouncilId?: string) {
    const ruleSet = readableRuleSet(actor, requestedCouncilId)
    const described = ruleSet && (await ownerOf(actor, ruleSet))
    if (!ruleSet || !described) return null
    const rules = await db
      .selectFrom('riskRuleVersions')
      .selectAll()
      .where('isCurrent', '=', true)
      .where(ofRuleSet(ruleSet))
      .orderBy('severity', 'desc')
      .orderBy('name')
      .execute()
    // Open alerts per rule among the locations these rules judge that this actor sees.
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
    const openByKey = new Map(counts.map((c) => [c.alertKey, Number(c.open)]))
    return {
      ...described,
      rules: rules.map((r) => ({ ...r, openAlerts: openByKey.get(r.ruleKey) ?? 0 })),
    }
  }

  async function versionsOf(ruleSet: RuleSet, ruleKey: string) {
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

  async function get(actor: Actor, ruleKey: string, requestedCouncilId?: string) {
    const ruleSet = readableRuleSet(actor, requestedCouncilId)
    const described = ruleSet && (await ownerOf(actor, ruleSet))
    if (!ruleSet || !described) return null
    const rule = await versionsOf(ruleSet, ruleKey)
    return rule ? { ...described, ...rule } : null
  }

  const existingKeys = async (ruleSet: RuleSet) =>
    (
      await db.selectFrom('riskRuleVersions').select('ruleKey').distinct().where(ofRuleSet(ruleSet)).execute()
    ).map((r) => r.ruleKey)

  async function check(ruleSet: RuleSet, draft: RuleDraft, isNew: boolean) {
    return validateRule(draft, { isNew, existingKeys: isNew ? await existingKeys(ruleSet) : [] })
  }

  // The locations, among those the actor sees, that the drafted rule flags with today's figures.
  async function preview(
    actor: Actor,
    draft: RuleDraft,
    options: { isNew: boolean; page: number; pageSize: number; council?: string },
  ): Promise<PreviewOutcome | null> {
    const ruleSet = manageableRuleSet(actor, options.council)
    if (!ruleSet) return null
    if (!options.isNew && !(await versionsOf(ruleSet, draft.ruleKey))) return null
    const errors = await check(ruleSet, draft, options.isNew)
    if (errors.length) return { ok: false, errors }
    const flagged = await flaggedIn(db, actor, ruleSet, draft)
    const start = (options.page - 1) * options.pageSize
    const ids = flagged.slice(start, start + options.pageSize)
    const rows = ids.length
      ? await db
          .selectFrom('locations')
          .innerJoin('providers', 'providers.id', 'locations.providerId')
          .select(['locations.id', 'locations.name', 'locations.area', 'providers.name as providerName'])
          .where('locations.id', 'in', ids)
          .execute()
      : []
    const byId = new Map(rows.map((r) => [r.id, r]))
    return {
      ok: true,
      condition: canonical(draft.condition),
      total: flagged.length,
      locations: ids.map((id) => byId.get(id)!).filter(Boolean),
    }
  }

  // Flagged location ids among those the rule set judges in the actor's scope, sorted by name.
  async function flaggedIn(
    trx: DbOrTransaction,
    actor: Actor,
    ruleSet: RuleSet,
    draft: RuleDraft,
  ): Promise<string[]> {
    const visible = await trx
      .selectFrom('locations')
      .select(['locations.id', 'locations.name'])
      .where(judgedBy(ruleSet))
      .where(locationVisible(locationScope(actor)))
      .orderBy('locations.name')
      .orderBy('locations.id')
      .execute()
    if (visible.length === 0) return []
    const { compiled } = compileRules([
      {
        ruleKey: draft.ruleKey,
        versionId: 'preview',
        name: draft.name,
        condition: draft.condition,
        severity: draft.severity as 'red' | 'amber',
        message: draft.message,
        enabled: true,
      },
    ])
    const measures = await measuresForLocations(
      trx,
      clock.now(),
      visible.map((v) => v.id),
    )
    const flagged = new Set(flaggedBy(compiled[0]!, measures).map((m) => m.locationId))
    return visible.filter((v) => flagged.has(v.id)).map((v) => v.id)
  }

  async function writeVersion(
    actor: Actor,
    ruleSet: RuleSet,
    ruleKey: string,
    change: { name: string; condition: string; severity: 'red' | 'amber'; message: string; enabled: boolean },
    changeNote: string,
    action: string,
  ) {
    const now = clock.now()
    return db.transaction().execute(async (trx) => {
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
          changeNote: changeNote || null,
          changedBy: actor.userId,
          changedAt: now,
        })
        .returning(['id', 'version'])
        .executeTakeFirstOrThrow()
      // Under the council whose rules changed (the install administrator's own organisation otherwise).
      await recordAudit(trx, {
        actorUserId: actor.userId,
        organisationId: ruleSet.councilId ?? actor.organisationId,
        action: action as (typeof AuditAction)[keyof typeof AuditAction],
        entityType: 'risk-rule',
        entityId: row.id,
        before: previous
          ? {
              councilId: ruleSet.councilId,
              ruleKey,
              version: previous.version,
              name: previous.name,
              condition: previous.condition,
              severity: previous.severity,
              message: previous.message,
              enabled: previous.enabled,
            }
          : undefined,
        after: { councilId: ruleSet.councilId, ruleKey, version: row.version, ...change, changeNote },
        occurredAt: now,
      })
      // Every location these rules judge, and no other, in the same transaction: the new version's
      // alerts are there when the page returns, and another council's are not touched.
      const recompute = await recomputeRisk(trx, now, await locationsJudgedBy(trx, ruleSet))
      return { ruleKey, version: row.version, recompute }
    })
  }

  async function save(
    actor: Actor,
    draft: RuleDraft & { changeNote?: string },
    options: { isNew: boolean; council?: string },
  ): Promise<SaveOutcome> {
    const ruleSet = manageableRuleSet(actor, options.council)
    if (!ruleSet) return { ok: false, notFound: true }
    const existing = options.isNew ? null : await versionsOf(ruleSet, draft.ruleKey)
    if (!options.isNew && !existing) return { ok: false, notFound: true }
    const errors = await check(ruleSet, draft, options.isNew)
    if (errors.length) return { ok: false, errors }
    const result = await writeVersion(
      actor,
      ruleSet,
      draft.ruleKey.trim(),
      {
        name: draft.name.trim(),
        condition: canonical(draft.condition),
        severity: draft.severity as 'red' | 'amber',
        message: draft.message.trim(),
        enabled: existing?.current.enabled ?? true,
      },
      (draft.changeNote ?? '').trim(),
      options.isNew ? AuditAction.riskRuleCreated : AuditAction.riskRuleChanged,
    )
    return { ok: true, ...result }
  }

  // Turning a rule off (or on again) is a new version too; its open alerts resolve with a note.
  async function setEnabled(
    actor: Actor,
    ruleKey: string,
    enabled: boolean,
    council?: string,
  ): Promise<SaveOutcome> {
    const ruleSet = manageableRuleSet(actor, council)
    if (!ruleSet) return { ok: false, notFound: true }
    const existing = await versionsOf(ruleSet, ruleKey)
    if (!existing) return { ok: false, notFound: true }
    const c = existing.current
    const result = await writeVersion(
      actor,
      ruleSet,
      ruleKey,
      { name: c.name, condition: c.condition, severity: c.severity, message: c.message, enabled },
      enabled ? 'Turned back on' : 'Turned off',
      enabled ? AuditAction.riskRuleEnabled : AuditAction.riskRuleDisabled,
    )
    return { ok: true, ...result }
  }

  // The rule as its administrator would change it: in the rule set the actor manages.
  async function getForChange(actor: Actor, ruleKey: string, council?: string) {
    const ruleSet = manageableRuleSet(actor, council)
    return ruleSet ? versionsOf(ruleSet, ruleKey) : null
  }

  return { list, get, getForChange, preview, save, setEnabled, measures: measureDefinitions }
}

function canonical(condition: string) {
  const parsed = parseCondition(condition)
  return parsed.ok ? formatCondition(parsed.condition) : condition.trim()
}

export type RiskRulesService = ReturnType<typeof createRiskRulesService>

// Every location's rules, for the periodic job and after loading the demo county.
export async function recomputeAll(db: Db, clock: Clock): Promise<RecomputeResult> {
  return db.transaction().execute((trx) => recomputeRisk(trx, clock.now()))
}
