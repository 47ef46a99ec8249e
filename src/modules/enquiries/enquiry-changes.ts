import type { DbOrTransaction } from '../../db/database.ts'

export type EnquiryChange = {
  eventId: string
  enquiryId: string
  reference: string
  kind: string
  occurredAt: Date
}

// What happened to a council's enquiries in a window, for officers' e-mails and digests: new ones,
// answers, status and owner changes. Changes the officer made themselves are left out (they know),
// and so is the question's text: it may name a person receiving care.
export function enquiryChangesSince(
  db: DbOrTransaction,
  window: { councilId: string; exceptUserId: string; after: Date; upTo: Date },
): Promise<EnquiryChange[]> {
  return db
    .selectFrom('enquiryEvents')
    .innerJoin('enquiries', 'enquiries.id', 'enquiryEvents.enquiryId')
    .select([
      'enquiryEvents.id as eventId',
      'enquiries.id as enquiryId',
      'enquiries.reference',
      'enquiryEvents.kind',
      'enquiryEvents.occurredAt',
    ])
    .where('enquiries.councilId', '=', window.councilId)
    .where('enquiryEvents.kind', 'in', ['received', 'responded', 'status_changed', 'owner_changed'])
    .where('enquiryEvents.occurredAt', '>', window.after)
    .where('enquiryEvents.occurredAt', '<=', window.upTo)
    .where((eb) =>
      eb.or([
        eb('enquiryEvents.actorUserId', 'is', null),
        eb('enquiryEvents.actorUserId', '<>', window.exceptUserId),
      ]),
    )
    .orderBy('enquiryEvents.occurredAt')
    .orderBy('enquiryEvents.id')
    .limit(1000)
    .execute()
}
