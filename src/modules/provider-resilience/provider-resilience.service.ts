import type { Db, DbOrTransaction } from '../../db/database.ts'
import type { Clock } from '../../domain/clock.ts'
import { londonDate } from '../../domain/dates.ts'
import { isUuid } from '../../domain/outcome.ts'
import { type Actor, locationScope } from '../../domain/policy.ts'
import { recordAudit } from '../audit/index.ts'
import {
  gapLines,
  mayReadProtectionPlans,
  mayReadResilience,
  mayWorkProtectionPlans,
  mayWriteResilience,
  type PlanForm,
  type ResilienceForm,
  type ReviewForm,
  riskReasons,
  validatePlan,
  validateResilience,
  validateReview,
} from './domain/resilience.rules.ts'
import { resilienceAuditActions as A } from './provider-resilience.audit-actions.ts'
import {
  caseInScope,
  findPlan,
  locationInScope,
  openCaseOfLocation,
  plansOfLocation,
  resilienceOf,
  reviewsOf,
  riskFactRows,
  saveResilience,
} from './provider-resilience.repository.ts'

// Provider resilience's use cases: each read and write checks the policy first (null: not theirs to see,
// a 404), validates, and writes its change with its audit record in one transaction.
export function createResilienceService(deps: { db: Db; clock: Clock }) {
  const { db, clock } = deps
  const today = () => londonDate(clock.now())

  const audit = (
    trx: DbOrTransaction,
    actor: Actor,
    action: (typeof A)[keyof typeof A],
    entityType: string,
    entityId: string,
    councilId: string | null,
    before: unknown,
    after: unknown,
  ) =>
    recordAudit(trx, {
      actorUserId: actor.userId,
      organisationId: actor.organisationId,
      councilId,
      action,
      entityType,
      entityId,
      before,
      after,
      occurredAt: clock.now(),
    })

  async function location(actor: Actor, locationId: string) {
    if (!isUuid(locationId)) return null
    return (await locationInScope(db, locationScope(actor), locationId)) ?? null
  }

  // A location's continuity plan, people supported, contingency and concern.
  async function resilience(actor: Actor, locationId: string) {
    if (!mayReadResilience(actor)) return null
    const found = await location(actor, locationId)
    if (!found) return null
    const record = (await resilienceOf(db, locationId)) ?? null
    return {
      location: found,
      record,
      gaps: gapLines(record?.planGaps ?? ''),
      mayWrite: mayWriteResilience(actor),
    }
  }

  async function recordResilience(actor: Actor, locationId: string, form: ResilienceForm) {
    if (!mayWriteResilience(actor)) return null
    const found = await resilience(actor, locationId)
    if (!found) return null
    const checked = validateResilience(form, today())
    if (!checked.ok) return { ...checked, found }
    await db.transaction().execute(async (trx) => {
      await saveResilience(trx, locationId, checked.value, actor.userId, clock.now())
      const { updatedByName: _n, updatedBy: _b, updatedAt: _a, ...before } = found.record ?? {}
      await audit(
        trx,
        actor,
        A.resilienceRecorded,
        'location',
        locationId,
        found.location.councilId,
        found.record ? before : null,
        checked.value,
      )
    })
    return { ok: true as const, found }
  }

  // Providers at risk: each location with a reason (RAG, staffing shortfall, continuity gaps, financial
  // concern), most reasons first, with its self-funded people; and their total.
  async function providersAtRisk(actor: Actor) {
    if (!mayReadResilience(actor)) return null
    const day = today()
    const rows = (await riskFactRows(db, locationScope(actor)))
      .map((r) => ({
        ...r,
        reasons: riskReasons(
          {
            rag: r.rag ?? null,
            staffEmployed: r.staffEmployed === null ? null : Number(r.staffEmployed),
            staffAbsent: r.staffAbsent === null ? null : Number(r.staffAbsent),
            staffingHelpAsked: Boolean(r.staffingHelpAsked),
            planGaps: r.planGaps ?? '',
            planReviewDue: r.planReviewDue ?? null,
            hasResilienceRecord: r.resilienceLocationId !== null,
            financialConcern: r.financialConcern ?? '',
          },
          day,
        ),
      }))
      .filter((r) => r.reasons.length)
    const kinds = (r: (typeof rows)[number]) => new Set(r.reasons.map((x) => x.kind)).size
    rows.sort(
      (a, b) =>
        kinds(b) - kinds(a) ||
        (a.rag === 'red' ? 0 : 1) - (b.rag === 'red' ? 0 : 1) ||
        a.name.localeCompare(b.name),
    )
    const selfFunded = rows.reduce((sum, r) => sum + (r.selfFunded ?? 0), 0)
    const unknownSelfFunded = rows.filter((r) => r.selfFunded === null).length
    return { rows, selfFunded, unknownSelfFunded }
  }

  // A location's protection plans, for its page and its case's (null: the actor does not see them).
  async function plansForLocation(actor: Actor, locationId: string) {
    if (!mayReadProtectionPlans(actor)) return null
    if (!(await location(actor, locationId))) return null
    const plans = await plansOfLocation(db, locationId)
    const openCase = mayWorkProtectionPlans(actor) ? await openCaseOfLocation(db, locationId) : undefined
    return { plans, openCaseId: openCase?.id ?? null, mayWork: mayWorkProtectionPlans(actor) }
  }

  async function caseToPlanFrom(actor: Actor, caseId: string) {
    if (!mayWorkProtectionPlans(actor) || !isUuid(caseId)) return null
    const found = await caseInScope(db, locationScope(actor), caseId)
    return found && found.status !== 'resolved' ? found : null
  }

  async function openPlan(actor: Actor, caseId: string, form: PlanForm) {
    const found = await caseToPlanFrom(actor, caseId)
    if (!found) return null
    const checked = validatePlan(form, today())
    if (!checked.ok) return { ...checked, found }
    const now = clock.now()
    const id = await db.transaction().execute(async (trx) => {
      const row = await trx
        .insertInto('protectionPlans')
        .values({
          locationId: found.locationId,
          caseId,
          status: 'open',
          ...checked.value,
          openedBy: actor.userId,
          openedAt: now,
          closedBy: null,
          closedAt: null,
        })
        .returning('id')
        .executeTakeFirstOrThrow()
      await audit(trx, actor, A.protectionPlanOpened, 'protection-plan', row.id, null, null, {
        caseId,
        ...checked.value,
      })
      return row.id
    })
    return { ok: true as const, id }
  }

  async function plan(actor: Actor, planId: string) {
    if (!mayReadProtectionPlans(actor) || !isUuid(planId)) return null
    const found = await findPlan(db, locationScope(actor), planId)
    if (!found) return null
    return { plan: found, reviews: await reviewsOf(db, planId), mayWork: mayWorkProtectionPlans(actor) }
  }

  // A review of an open plan; the closing review closes it (status, who, when) in the same transaction.
  async function review(actor: Actor, planId: string, form: ReviewForm, closing: boolean) {
    if (!mayWorkProtectionPlans(actor)) return null
    const found = await plan(actor, planId)
    if (found?.plan.status !== 'open') return null
    const checked = validateReview(form, today(), closing)
    if (!checked.ok) return { ...checked, found }
    return { ok: true as const, found, value: checked.value }
  }

  async function saveReview(actor: Actor, planId: string, form: ReviewForm, closing: boolean) {
    const checked = await review(actor, planId, form, closing)
    if (!checked?.ok) return checked
    const now = clock.now()
    const { value, found } = checked
    await db.transaction().execute(async (trx) => {
      await trx
        .insertInto('protectionPlanReviews')
        .values({ planId, ...value, closesPlan: closing, recordedBy: actor.userId, recordedAt: now })
        .execute()
      await trx
        .updateTable('protectionPlans')
        .set(
          closing
            ? { status: 'closed', closedBy: actor.userId, closedAt: now, nextReviewOn: null }
            : { nextReviewOn: value.nextReviewOn },
        )
        .where('id', '=', planId)
        .execute()
      await audit(
        trx,
        actor,
        closing ? A.protectionPlanClosed : A.protectionPlanReviewed,
        'protection-plan',
        planId,
        null,
        { status: found.plan.status, nextReviewOn: found.plan.nextReviewOn },
        value,
      )
    })
    return checked
  }

  return {
    resilience,
    recordResilience,
    providersAtRisk,
    plansForLocation,
    caseToPlanFrom,
    openPlan,
    plan,
    review,
    saveReview,
    today,
  }
}

export type ResilienceService = ReturnType<typeof createResilienceService>
