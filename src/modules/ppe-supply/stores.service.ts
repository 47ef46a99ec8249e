import type { Db } from '../../db/database.ts'
import type { Clock } from '../../domain/clock.ts'
import type { Outcome } from '../../domain/outcome.ts'
import type { Actor } from '../../domain/policy.ts'
import { recordAudit } from '../audit/index.ts'
import { councilToManage } from './domain/access.rules.ts'
import { type StoreKind, storeKinds } from './domain/stock.rules.ts'
import { PpeAuditAction } from './ppe-supply.audit-actions.ts'
import { storesOf } from './stock.repository.ts'

// The council's stores: the PPE team (its admins and officers) adds one with its name, its kind (a
// central store, a hospital hub, a local distribution point) and the address deliveries go from.
export function createStoreService(deps: { db: Db; clock: Clock }) {
  const { db, clock } = deps

  // Whether the actor may add a store (the PPE team of a council); null: the page is not theirs.
  const mayAddStore = (actor: Actor) => councilToManage(actor) !== null

  async function addStore(
    actor: Actor,
    form: Record<string, string>,
  ): Promise<Outcome<{ id: string; name: string }> | null> {
    const councilId = councilToManage(actor)
    if (!councilId) return null
    const errors: Record<string, string> = {}
    const name = (form.name ?? '').trim()
    const address = (form.address ?? '').trim()
    if (!name) errors.name = 'Enter the name of the store'
    else if (name.length > 100) errors.name = 'Name must be 100 characters or fewer'
    else if ((await storesOf(db, [councilId])).some((s) => s.name.toLowerCase() === name.toLowerCase()))
      errors.name = `There is already a store called ${name}`
    const kind = form.kind as StoreKind
    if (!(storeKinds as readonly string[]).includes(form.kind ?? '')) errors.kind = 'Select the kind of store'
    if (!address) errors.address = 'Enter the address of the store'
    else if (address.length > 500) errors.address = 'Address must be 500 characters or fewer'
    if (Object.keys(errors).length) return { ok: false, errors }
    const now = clock.now()
    return db.transaction().execute(async (trx) => {
      const row = await trx
        .insertInto('ppeStores')
        .values({ councilId, name, kind, address, createdAt: now })
        .returning('id')
        .executeTakeFirstOrThrow()
      await recordAudit(trx, {
        actorUserId: actor.userId,
        organisationId: actor.organisationId,
        councilId,
        action: PpeAuditAction.storeAdded,
        entityType: 'ppe_store',
        entityId: row.id,
        after: { name, kind, address },
        occurredAt: now,
      })
      return { ok: true as const, value: { id: row.id, name } }
    })
  }

  return { mayAddStore, addStore }
}
