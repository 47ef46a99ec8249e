import type { DbOrTransaction } from '../../db/database.ts'
import { AuditAction, recordAudits } from '../audit/index.ts'
import { councilAnswersTo } from './domain/cqc-import/area.ts'

// Locations in no council's market are linked to the council of their local authority as soon as
// both are known: when a council is added after its locations were imported, and at each import
// (issue 17, item 4: a council created later never saw them, even on re-import). Only a location
// with no council is linked; one council answering to an authority's name is needed (two is a set-up
// to put right, not a choice to make here). Returns how many were linked.
export async function linkLocationsToCouncils(
  trx: DbOrTransaction,
  now: Date,
  by: { userId: string | null; organisationId: string | null } = { userId: null, organisationId: null },
  // An import made for one council links only to that council: it changes nothing of another's.
  onlyCouncilId: string | null = null,
): Promise<number> {
  const authorities = await trx
    .selectFrom('locations')
    .select('localAuthorityName')
    .distinct()
    .where('councilId', 'is', null)
    .where('localAuthorityName', 'is not', null)
    .execute()
  if (authorities.length === 0) return 0
  const councils = await trx
    .selectFrom('organisations')
    .select(['id', 'name', 'onsCode'])
    .where('kind', '=', 'council')
    .$if(onlyCouncilId !== null, (q) => q.where('id', '=', onlyCouncilId!))
    .execute()
  let linked = 0
  for (const { localAuthorityName } of authorities) {
    const matches = councils.filter((c) => councilAnswersTo(c, localAuthorityName))
    if (matches.length !== 1) continue
    const council = matches[0]!
    const rows = await trx
      .updateTable('locations')
      .set({ councilId: council.id, updatedAt: now })
      .where('councilId', 'is', null)
      .where('localAuthorityName', '=', localAuthorityName)
      .returning('id')
      .execute()
    await recordAudits(
      trx,
      rows.map((r) => ({
        actorUserId: by.userId,
        organisationId: by.organisationId,
        councilId: council.id,
        action: AuditAction.locationLinkedToCouncil,
        entityType: 'location',
        entityId: r.id,
        before: { councilId: null },
        after: { councilId: council.id, localAuthorityName },
        occurredAt: now,
      })),
    )
    linked += rows.length
  }
  return linked
}
