import type { RetentionRule } from '../retention/index.ts'

// The names of the people officers spoke to, cleared RETENTION_CONTACT_NAMES_DAYS after the contact.
// The contact stays (its date, method, subject and summary are the location's history, and cases and
// alerts refer to it); only "spoke to" goes. Listed in the trail of the organisation that recorded it.
export const contactNamesRetention: RetentionRule = {
  name: 'contact-names',
  periodDays: (periods) => periods.contactNamesDays,
  apply: async (trx, olderThan, now) => {
    const due = await trx
      .selectFrom('contactLogEntries as c')
      .innerJoin('organisations as o', 'o.id', 'c.organisationId')
      .select(['c.id', 'c.organisationId', 'o.kind'])
      .where('c.spokeTo', 'is not', null)
      .where('c.contactAt', '<', olderThan)
      .orderBy('c.id')
      .limit(5000)
      .forUpdate('c')
      .skipLocked()
      .execute()
    if (!due.length) return []
    await trx
      .updateTable('contactLogEntries')
      .set({ spokeTo: null, updatedAt: now })
      .where(
        'id',
        'in',
        due.map((c) => c.id),
      )
      .execute()
    const organisations = [...new Map(due.map((c) => [c.organisationId, c.kind])).entries()]
    return organisations.map(([organisationId, kind]) => ({
      organisationId,
      councilId: kind === 'council' ? organisationId : null,
      table: 'contact_log_entries',
      action: 'anonymised' as const,
      ids: due.filter((c) => c.organisationId === organisationId).map((c) => c.id),
    }))
  },
}
