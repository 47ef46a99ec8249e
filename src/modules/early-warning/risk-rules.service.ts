import type { Db, DbOrTransaction } from '../../db/database.ts'
import type { Clock } from '../../domain/clock.ts'
import type { FieldErrors } from '../../domain/outcome.ts'
import type { Actor } from '../../domain/policy.ts'
import { parseForm } from '../../web/form-schema.ts'
import { AuditAction, recordAudit } from '../audit/index.ts'
import { formatCondition, parseCondition, trendReasons, trendTermsOf } from './domain/condition.ts'
import { measureDefinitions } from './domain/measures.ts'
import {
  compileRules,
  draftCondition,
  manageableRuleSet,
  type RuleSet,
  readableRuleSet,
} from './domain/rules.ts'
import { trendNeeds } from './domain/trends.ts'
import { measuresForLocations } from './risk-measures.ts'
import { flaggedBy, type RecomputeResult, recomputeRisk } from './risk-recompute.ts'
import { type RuleForm, ruleForm, ruleFormMessages } from './risk-rules.forms.ts'
import {
  councilName,
  currentRulesOf,
  existingKeys,
  openAlertsByRule,
  previewRows,
  type RuleChange,
  versionsOf,
  visibleLocationsJudgedBy,
  writeRuleVersion,
} from './risk-rules.repository.ts'
import { locationsJudgedBy } from './rule-sets.ts'

// The risk rules an administrator edits: list, history, preview ("this rule would flag these locations
// today") and save as a new version, audited, followed at once by a recompute so that what the preview
// showed is what is flagged. Each council has its own rules; a council's administrator reads and
// changes only its council's, the install administrator only the install's defaults (what a new
// council starts with, and what judges locations in no council's area). `council` in a reader's request
// picks among the rule sets it may read (a partner serving several councils, a regional body).

export type PreviewOutcome =
  | { ok: false; errors: FieldErrors }
  | {
      ok: true
      condition: string
      total: number
      // Why each is flagged, in words, when the rule has trend or outlier tests.
      locations: {
        id: string
        name: string
        area: string | null
        providerName: string
        reason: string | null
      }[]
    }

export type SaveOutcome =
  | { ok: false; errors: FieldErrors }
  | { ok: false; notFound: true }
  | { ok: true; ruleKey: string; version: number; recompute: RecomputeResult }

// The rule form as posted (or, for the preview, as the query), with the rule's key from the URL when
// an existing rule is changed.
export type RuleFormFields = { fields: unknown; ruleKey?: string }

export function createRiskRulesService(deps: { db: Db; clock: Clock }) {
  const { db, clock } = deps

  // Whose rules these are, in words, and whether the actor may change them; null for a council that
  // is not one.
  async function ownerOf(actor: Actor, ruleSet: RuleSet) {
    const mayManage = manageableRuleSet(actor)?.councilId === ruleSet.councilId
    if (!ruleSet.councilId) return { councilId: null, owner: 'the install’s defaults', mayManage }
    const name = await councilName(db, ruleSet.councilId)
    return name ? { councilId: ruleSet.councilId, owner: name, mayManage } : null
  }

  async function list(actor: Actor, requestedCouncilId?: string) {
    const ruleSet = readableRuleSet(actor, requestedCouncilId)
    const described = ruleSet && (await ownerOf(actor, ruleSet))
    if (!ruleSet || !described) return null
    const rules = await currentRulesOf(db, ruleSet)
    const openByKey = await openAlertsByRule(db, actor, ruleSet)
    return {
      ...described,
      rules: rules.map((r) => ({ ...r, openAlerts: openByKey.get(r.ruleKey) ?? 0 })),
    }
  }

  async function get(actor: Actor, ruleKey: string, requestedCouncilId?: string) {
    const ruleSet = readableRuleSet(actor, requestedCouncilId)
    const described = ruleSet && (await ownerOf(actor, ruleSet))
    if (!ruleSet || !described) return null
    const rule = await versionsOf(db, ruleSet, ruleKey)
    return rule ? { ...described, ...rule } : null
  }

  // The form checked by its one schema: the rule's own checks, and the keys in use when adding.
  async function check(ruleSet: RuleSet, form: RuleFormFields, isNew: boolean) {
    const schema = ruleForm({ isNew, existingKeys: isNew ? await existingKeys(db, ruleSet) : [] })
    const fields =
      form.ruleKey === undefined ? form.fields : { ...asRecord(form.fields), ruleKey: form.ruleKey }
    const parsed = parseForm(schema, fields, ruleFormMessages)
    // A trend rule is kept as the condition its fields describe.
    return parsed.ok
      ? { ok: true as const, value: { ...parsed.value, condition: draftCondition(parsed.value) } }
      : parsed
  }

  // The locations, among those the actor sees, that the drafted rule flags with today's figures.
  async function preview(
    actor: Actor,
    form: RuleFormFields,
    options: { isNew: boolean; page: number; pageSize: number; council?: string },
  ): Promise<PreviewOutcome | null> {
    const ruleSet = manageableRuleSet(actor, options.council)
    if (!ruleSet) return null
    if (!options.isNew && !(await versionsOf(db, ruleSet, form.ruleKey ?? ''))) return null
    const checked = await check(ruleSet, form, options.isNew)
    if (!checked.ok) return checked
    const { flagged, reasons } = await flaggedIn(db, actor, ruleSet, checked.value)
    const start = (options.page - 1) * options.pageSize
    const ids = flagged.slice(start, start + options.pageSize)
    const byId = new Map((await previewRows(db, ids)).map((r) => [r.id, r]))
    return {
      ok: true,
      condition: canonical(checked.value.condition),
      total: flagged.length,
      locations: ids
        .filter((id) => byId.has(id))
        .map((id) => ({ ...byId.get(id)!, reason: reasons.get(id) || null })),
    }
  }

  // Flagged location ids among those the rule set judges in the actor's scope, sorted by name, and why
  // (the trend tests' reasons in words).
  async function flaggedIn(
    trx: DbOrTransaction,
    actor: Actor,
    ruleSet: RuleSet,
    draft: RuleForm,
  ): Promise<{ flagged: string[]; reasons: Map<string, string> }> {
    const visible = await visibleLocationsJudgedBy(trx, actor, ruleSet)
    if (visible.length === 0) return { flagged: [], reasons: new Map() }
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
    const rule = compiled[0]!
    const measures = await measuresForLocations(
      trx,
      clock.now(),
      visible.map((v) => v.id),
      undefined,
      trendNeeds(trendTermsOf(rule.parsed)),
    )
    const reasons = new Map<string, string>()
    for (const m of flaggedBy(rule, measures)) {
      const words = trendReasons(rule.parsed, m.measures)
      reasons.set(m.locationId, words.join('; '))
    }
    return { flagged: visible.filter((v) => reasons.has(v.id)).map((v) => v.id), reasons }
  }

  async function writeVersion(
    actor: Actor,
    ruleSet: RuleSet,
    ruleKey: string,
    change: RuleChange,
    changeNote: string,
    action: (typeof AuditAction)[keyof typeof AuditAction],
  ) {
    const now = clock.now()
    return db.transaction().execute(async (trx) => {
      const by = { changeNote, userId: actor.userId, at: now }
      const { previous, row } = await writeRuleVersion(trx, ruleSet, ruleKey, change, by)
      // Under the council whose rules changed (the install administrator's own organisation otherwise).
      await recordAudit(trx, {
        actorUserId: actor.userId,
        organisationId: ruleSet.councilId ?? actor.organisationId,
        action,
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
    form: RuleFormFields,
    options: { isNew: boolean; council?: string },
  ): Promise<SaveOutcome> {
    const ruleSet = manageableRuleSet(actor, options.council)
    if (!ruleSet) return { ok: false, notFound: true }
    const existing = options.isNew ? null : await versionsOf(db, ruleSet, form.ruleKey ?? '')
    if (!options.isNew && !existing) return { ok: false, notFound: true }
    const checked = await check(ruleSet, form, options.isNew)
    if (!checked.ok) return checked
    const draft = checked.value
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
      draft.changeNote.trim(),
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
    const existing = await versionsOf(db, ruleSet, ruleKey)
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
    return ruleSet ? versionsOf(db, ruleSet, ruleKey) : null
  }

  return { list, get, getForChange, preview, save, setEnabled, measures: measureDefinitions }
}

const asRecord = (value: unknown) => (typeof value === 'object' && value !== null ? value : {})

function canonical(condition: string) {
  const parsed = parseCondition(condition)
  return parsed.ok ? formatCondition(parsed.condition) : condition.trim()
}

export type RiskRulesService = ReturnType<typeof createRiskRulesService>

// Every location's rules, for the periodic job and after loading the demo county.
export async function recomputeAll(db: Db, clock: Clock): Promise<RecomputeResult> {
  return db.transaction().execute((trx) => recomputeRisk(trx, clock.now()))
}
