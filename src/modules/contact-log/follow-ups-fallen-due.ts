import type { DbOrTransaction } from '../../db/database.ts'
import type { ContactCategory } from './contact-log.tables.ts'

export type FallenDueFollowUp = {
  contactId: string
  locationName: string
  category: ContactCategory
  followUpOn: string
  contactAt: Date
}

// An officer's follow-ups (of contacts they recorded) not done that are due by `today` and were not
// yet due, or not yet set, at the start of the window: each is listed in one window only unless its
// date moves. Without the summary: it may name a person receiving care.
export async function followUpsFallenDue(
  db: DbOrTransaction,
  window: { officerUserId: string; after: Date; afterDay: string; today: string },
): Promise<FallenDueFollowUp[]> {
  const rows = await db
    .selectFrom('contactLogEntries')
    .innerJoin('locations', 'locations.id', 'contactLogEntries.locationId')
    .select([
      'contactLogEntries.id as contactId',
      'locations.name as locationName',
      'contactLogEntries.category',
      'contactLogEntries.followUpOn',
      'contactLogEntries.contactAt',
    ])
    .where('contactLogEntries.officerUserId', '=', window.officerUserId)
    .where('contactLogEntries.followUpDoneAt', 'is', null)
    .where('contactLogEntries.state', '<>', 'cancelled')
    .where('contactLogEntries.followUpOn', '<=', window.today)
    .where((eb) =>
      eb.or([
        eb('contactLogEntries.followUpOn', '>', window.afterDay),
        eb('contactLogEntries.updatedAt', '>', window.after),
      ]),
    )
    .orderBy('contactLogEntries.followUpOn')
    .orderBy('contactLogEntries.id')
    .limit(1000)
    .execute()
  return rows.map((r) => ({ ...r, followUpOn: r.followUpOn ?? window.today }))
}
