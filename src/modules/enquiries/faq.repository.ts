import type { DbOrTransaction } from '../../db/database.ts'
import type { ContactCategory } from '../../domain/contact-categories.ts'

// The FAQ's SQL. Each function takes the database or the caller's transaction first.

// The councils whose FAQ a provider reads: those of its locations' areas and those that contract them.
export async function councilsOfProvider(db: DbOrTransaction, providerId: string): Promise<string[]> {
  const own = await db
    .selectFrom('locations')
    .select('councilId')
    .distinct()
    .where('providerId', '=', providerId)
    .where('councilId', 'is not', null)
    .execute()
  const contracted = await db
    .selectFrom('councilContracts')
    .innerJoin('locations', 'locations.id', 'councilContracts.locationId')
    .select('councilContracts.councilId')
    .distinct()
    .where('locations.providerId', '=', providerId)
    .execute()
  return [...new Set([...own.map((r) => r.councilId!), ...contracted.map((r) => r.councilId)])]
}

// FAQ entries of the given councils (all: every council's), the unpublished ones too when `drafts`.
export function faqEntriesOf(db: DbOrTransaction, councils: string[] | 'all', drafts: boolean) {
  return db
    .selectFrom('faqEntries')
    .where((eb) =>
      eb.and([
        councils === 'all'
          ? eb.val(true)
          : councils.length
            ? eb('faqEntries.councilId', 'in', councils)
            : eb.val(false),
        drafts ? eb.val(true) : eb('faqEntries.published', '=', true),
      ]),
    )
}

// Whether an answered enquiry is already in the FAQ: the entry made from it.
export function faqEntryFromEnquiry(db: DbOrTransaction, enquiryId: string) {
  return db
    .selectFrom('faqEntries')
    .select(['id'])
    .where('sourceEnquiryId', '=', enquiryId)
    .executeTakeFirst()
}

type FaqContent = { category: ContactCategory; question: string; answer: string }

export async function insertFaqEntry(
  trx: DbOrTransaction,
  entry: FaqContent & { councilId: string; sourceEnquiryId: string | null; createdBy: string; now: Date },
) {
  const { now, ...values } = entry
  const row = await trx
    .insertInto('faqEntries')
    .values({ ...values, published: true, createdAt: now, updatedAt: now })
    .returning('id')
    .executeTakeFirstOrThrow()
  return row.id
}

export async function updateFaqEntry(
  trx: DbOrTransaction,
  id: string,
  values: FaqContent & { published: boolean; updatedAt: Date },
) {
  await trx.updateTable('faqEntries').set(values).where('id', '=', id).execute()
}
