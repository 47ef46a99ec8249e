import { randomUUID } from 'node:crypto'
import type { DbOrTransaction } from '../../db/database.ts'
import { recordAudits } from '../audit/index.ts'
import type { Importer } from './cqc-import-apply.ts'
import { directoryAuditActions } from './directory.audit-actions.ts'
import type { CqcProvider, ProviderPlan } from './domain/cqc-import/providers-file.ts'

// Saves a providers file's plan inside the import's transaction: providers not yet known are created
// (so locations imported later link to them), known ones get the facts their record carries. No
// location is touched. A provider is every council's, so its audit records name no council.
export async function applyProviderPlan(
  trx: DbOrTransaction,
  importId: string,
  plan: ProviderPlan,
  by: Importer,
  now: Date,
): Promise<void> {
  const audit = (entityId: string, action: 'create' | 'update', before: unknown, after: unknown) => ({
    actorUserId: by.userId,
    organisationId: by.organisationId,
    councilId: null,
    action:
      action === 'create'
        ? directoryAuditActions.providerCreatedByImport
        : directoryAuditActions.providerUpdatedByImport,
    entityType: 'provider',
    entityId,
    before,
    after: { ...(after as object), importId },
    occurredAt: now,
  })
  const audits: ReturnType<typeof audit>[] = []
  if (plan.create.length) {
    const rows = plan.create.map(({ provider }) => ({ id: randomUUID(), ...columnsOf(provider) }))
    await trx
      .insertInto('providers')
      .values(rows.map((r) => ({ ...r, createdAt: now, updatedAt: now })))
      .execute()
    for (const { id, ...after } of rows) audits.push(audit(id, 'create', undefined, after))
  }
  for (const u of plan.update) {
    const set = Object.fromEntries(u.changes.map((c) => [c.field, c.after]))
    await trx
      .updateTable('providers')
      .set({ ...set, updatedAt: now })
      .where('id', '=', u.id)
      .execute()
    const before = Object.fromEntries(u.changes.map((c) => [c.field, c.before]))
    audits.push(audit(u.id, 'update', before, set))
  }
  if (audits.length) await recordAudits(trx, audits)
}

// A new provider's columns: what its record carries, the rest empty.
function columnsOf(p: CqcProvider) {
  return {
    cqcProviderId: p.cqcProviderId,
    name: p.name,
    addressLine1: p.addressLine1 ?? null,
    addressLine2: p.addressLine2 ?? null,
    town: p.town ?? null,
    postcode: p.postcode ?? null,
    companiesHouseNumber: p.companiesHouseNumber ?? null,
    ownership: p.ownership ?? null,
    brandId: p.brandId ?? null,
    brandName: p.brandName ?? null,
  }
}
