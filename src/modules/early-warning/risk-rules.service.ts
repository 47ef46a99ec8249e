import type { Db, DbOrTransaction } from '../../db/database.ts'
import { locationVisible } from '../../db/scope.ts'
import type { Clock } from '../../domain/clock.ts'
import { formatCondition, parseCondition } from '../../domain/early-warning/condition.ts'
import { measureDefinitions } from '../../domain/early-warning/measures.ts'
import {
  compileRules,
  mayManageRiskRules,
  mayReadRiskRules,
  type RuleDraft,
  type RuleFieldError,
  validateRule,
} from '../../domain/early-warning/rules.ts'
import { type Actor, locationScope } from '../../domain/policy.ts'
import { recordAudit } from '../audit/audit.repository.ts'
import { AuditAction } from '../audit/audit-actions.ts'
import { flaggedBy, measuresForLocations, type RecomputeResult, recomputeRisk } from './risk-recompute.ts'

// The risk rules an administrator edits: list, history, preview ("this rule would flag these locations
// today") and save as a new version, audited, followed at once by a recompute so that what the preview
// showed is what is flagged.

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

  async function list(actor: Actor) {
    if (!mayReadRiskRules(actor)) return null
    const rules = await db
      .selectFrom('riskRuleVersions')
      .selectAll()
      .where('isCurrent', '=', true)
      .orderBy('severity', 'desc')
      .orderBy('name')
      .execute()
    // Open alerts per rule among the locations this actor sees.
    const counts = await db
      .selectFrom('alerts')
      .innerJoin('locations', 'locations.id', 'alerts.locationId')
      .select(['alerts.alertKey', (eb) => eb.fn.countAll<number>().as('open')])
      .where('alerts.status', '=', 'open')
      .where('alerts.source', '=', 'rule')
      .where(locationVisible(locationScope(actor)))
      .groupBy('alerts.alertKey')
      .execute()
    const openByKey = new Map(counts.map((c) => [c.alertKey, Number(c.open)]))
    return rules.map((r) => ({ ...r, openAlerts: openByKey.get(r.ruleKey) ?? 0 }))
  }

  async function get(actor: Actor, ruleKey: string) {
    if (!mayReadRiskRules(actor)) return null
    const versions = await db
      .selectFrom('riskRuleVersions')
      .leftJoin('users', 'users.id', 'riskRuleVersions.changedBy')
      .selectAll('riskRuleVersions')
      .select('users.displayName as changedByName')
      .where('riskRuleVersions.ruleKey', '=', ruleKey)
      .orderBy('riskRuleVersions.version', 'desc')
      .execute()
    const current = versions.find((v) => v.isCurrent)
    if (!current) return null
    return { current, versions }
  }

  const existingKeys = async () =>
    (await db.selectFrom('riskRuleVersions').select('ruleKey').distinct().execute()).map((r) => r.ruleKey)

  async function check(draft: RuleDraft, isNew: boolean) {
    return validateRule(draft, { isNew, existingKeys: isNew ? await existingKeys() : [] })
  }

  // The locations, among those the actor sees, that the drafted rule flags with today's figures.
  async function preview(
    actor: Actor,
    draft: RuleDraft,
    options: { isNew: boolean; page: number; pageSize: number },
  ): Promise<PreviewOutcome | null> {
    if (!mayManageRiskRules(actor)) return null
    if (!options.isNew && !(await get(actor, draft.ruleKey))) return null
    const errors = await check(draft, options.isNew)
    if (errors.length) return { ok: false, errors }
    const flagged = await flaggedIn(db, actor, draft)
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

  // Flagged location ids in the actor's scope, sorted by location name.
  async function flaggedIn(trx: DbOrTransaction, actor: Actor, draft: RuleDraft): Promise<string[]> {
    const visible = await trx
      .selectFrom('locations')
      .select(['locations.id', 'locations.name'])
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
      await recordAudit(trx, {
        actorUserId: actor.userId,
        organisationId: actor.organisationId,
        action: action as (typeof AuditAction)[keyof typeof AuditAction],
        entityType: 'risk-rule',
        entityId: row.id,
        before: previous
          ? {
              ruleKey,
              version: previous.version,
              name: previous.name,
              condition: previous.condition,
              severity: previous.severity,
              message: previous.message,
              enabled: previous.enabled,
            }
          : undefined,
        after: { ruleKey, version: row.version, ...change, changeNote },
        occurredAt: now,
      })
      // Every location, in the same transaction: the new version's alerts are there when the page returns.
      const recompute = await recomputeRisk(trx, now)
      return { ruleKey, version: row.version, recompute }
    })
  }

  async function save(
    actor: Actor,
    draft: RuleDraft & { changeNote?: string },
    options: { isNew: boolean },
  ): Promise<SaveOutcome> {
    if (!mayManageRiskRules(actor)) return { ok: false, notFound: true }
    const existing = options.isNew ? null : await get(actor, draft.ruleKey)
    if (!options.isNew && !existing) return { ok: false, notFound: true }
    const errors = await check(draft, options.isNew)
    if (errors.length) return { ok: false, errors }
    const result = await writeVersion(
      actor,
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
  async function setEnabled(actor: Actor, ruleKey: string, enabled: boolean): Promise<SaveOutcome> {
    if (!mayManageRiskRules(actor)) return { ok: false, notFound: true }
    const existing = await get(actor, ruleKey)
    if (!existing) return { ok: false, notFound: true }
    const c = existing.current
    const result = await writeVersion(
      actor,
      ruleKey,
      { name: c.name, condition: c.condition, severity: c.severity, message: c.message, enabled },
      enabled ? 'Turned back on' : 'Turned off',
      enabled ? AuditAction.riskRuleEnabled : AuditAction.riskRuleDisabled,
    )
    return { ok: true, ...result }
  }

  return { list, get, preview, save, setEnabled, measures: measureDefinitions }
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
