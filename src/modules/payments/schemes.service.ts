import type { Db } from '../../db/database.ts'
import type { Clock } from '../../domain/clock.ts'
import type { Outcome } from '../../domain/outcome.ts'
import { type Actor, can } from '../../domain/policy.ts'
import { recordAudit } from '../audit/index.ts'
import { checkScheme, type NewScheme, type SchemeInput } from './domain/scheme-form.ts'
import { schemesOf } from './packages.repository.ts'
import { paymentsAuditActions as actions } from './payments.audit-actions.ts'
import { councilOf } from './runs.service.ts'

// Payment schemes as data: listed for anyone who reads payments, added by a finance officer (checked,
// shown to check, then saved with its audit record). A scheme is never changed once saved: runs
// already worked out from it keep saying what it paid.
export function createSchemeService(deps: { db: Db; clock: Clock }) {
  const { db, clock } = deps

  async function list(actor: Actor) {
    const council = can(actor, 'payments:read') ? councilOf(actor) : null
    return council ? schemesOf(db, council) : null
  }

  // Checks the scheme; saves it only when asked and nothing is wrong.
  async function add(actor: Actor, input: SchemeInput, save: boolean): Promise<Outcome<NewScheme> | null> {
    const council = can(actor, 'payments:prepare') ? councilOf(actor) : null
    if (!council) return null
    const checked = checkScheme(input)
    if (!checked.ok || !save) return checked
    const s = checked.value
    const now = clock.now()
    await db.transaction().execute(async (trx) => {
      const { id } = await trx
        .insertInto('paymentSchemes')
        .values({
          councilId: council,
          name: s.name,
          kind: s.kind,
          startsOn: s.startsOn,
          endsOn: s.endsOn,
          percentBasisPoints: s.percentBasisPoints,
          averageWeeks: s.averageWeeks,
          amountPence: s.amountPence,
          voidBedsFrom: s.voidBedsFrom,
          serviceTypes: JSON.stringify(s.serviceTypes),
          contractedOnly: s.contractedOnly,
          area: s.area,
          funder: s.funder,
          createdBy: actor.userId,
          createdAt: now,
        })
        .returning('id')
        .executeTakeFirstOrThrow()
      await recordAudit(trx, {
        actorUserId: actor.userId,
        organisationId: actor.organisationId,
        councilId: council,
        action: actions.schemeAdded,
        entityType: 'payment_scheme',
        entityId: id,
        after: s,
        occurredAt: now,
      })
    })
    return checked
  }

  return { list, add }
}

export type SchemeService = ReturnType<typeof createSchemeService>
