import { sql } from 'kysely'
import type { DbOrTransaction } from '../../db/database.ts'
import { withLocationFilters } from '../directory/index.ts'
import type { Audience } from './domain/audience.ts'

// The providers an audience means, and their users: the one definition of who a bulletin (or a survey)
// reaches, which the count, the sample, the sending and the tests all read.

// Open locations in the market of `councilIds` (in their area or contracted by them) matching the
// audience: the directory's filters, then today's situation and a saved list.
export function audienceLocations(db: DbOrTransaction, audience: Audience, councilIds: readonly string[]) {
  let query = db
    .selectFrom('locations')
    .where('locations.status', '=', 'open')
    .where((eb) =>
      eb.or([
        eb('locations.councilId', 'in', councilIds),
        eb.exists(
          eb
            .selectFrom('councilContracts')
            .select(sql`1`.as('one'))
            .whereRef('councilContracts.locationId', '=', 'locations.id')
            .where('councilContracts.councilId', 'in', councilIds),
        ),
      ]),
    )
  query = withLocationFilters(query, { contracted: audience.contracted, inArea: audience.inArea }, councilIds)
  if (audience.serviceTypes.length) query = query.where('locations.serviceType', 'in', audience.serviceTypes)
  if (audience.areas.length) query = query.where('locations.area', 'in', audience.areas)
  if (audience.situation === 'red')
    query = query.where((eb) =>
      eb.exists(
        eb
          .selectFrom('locationRisk')
          .select(sql`1`.as('one'))
          .whereRef('locationRisk.locationId', '=', 'locations.id')
          .where('locationRisk.rag', '=', 'red'),
      ),
    )
  if (audience.situation === 'outbreak')
    query = query.where((eb) =>
      eb.exists(
        eb
          .selectFrom('alerts')
          .select(sql`1`.as('one'))
          .whereRef('alerts.locationId', '=', 'locations.id')
          .where('alerts.alertKey', '=', 'outbreak')
          .where('alerts.status', '=', 'open'),
      ),
    )
  if (audience.listId)
    query = query.where((eb) =>
      eb.exists(
        eb
          .selectFrom('bulletinLists')
          .select(sql`1`.as('one'))
          .where('bulletinLists.id', '=', audience.listId)
          .where('bulletinLists.councilId', 'in', councilIds)
          .where(sql<boolean>`bulletin_lists.provider_ids ? locations.provider_id::text`),
      ),
    )
  return query
}

// The providers' users an audience reaches: active provider managers of a provider with a matching
// location, each once.
export function audienceUsers(db: DbOrTransaction, audience: Audience, councilIds: readonly string[]) {
  const providers = audienceLocations(db, audience, councilIds).select('locations.providerId').distinct()
  return db
    .selectFrom('users')
    .innerJoin('organisations', 'organisations.id', 'users.organisationId')
    .where('users.role', '=', 'provider_manager')
    .where('users.status', '=', 'active')
    .where('organisations.providerId', 'in', providers)
    .select(['users.id as userId', 'users.email', 'organisations.providerId as providerId'])
}

export type AudienceSummary = {
  providers: number
  users: number
  sample: { providerName: string; email: string }[]
}

// The count and a sample, shown before sending.
export async function audienceSummary(
  db: DbOrTransaction,
  audience: Audience,
  councilIds: readonly string[],
): Promise<AudienceSummary> {
  const users = audienceUsers(db, audience, councilIds)
  const counts = await db
    .selectFrom(users.as('u'))
    .select((eb) => [
      eb.fn.countAll<string>().as('users'),
      sql<string>`count(distinct u.provider_id)`.as('providers'),
    ])
    .executeTakeFirstOrThrow()
  const sample = await db
    .selectFrom(users.as('u'))
    .innerJoin('providers', 'providers.id', 'u.providerId')
    .select(['providers.name as providerName', 'u.email'])
    .orderBy('providers.name')
    .orderBy('u.email')
    .limit(10)
    .execute()
  return { providers: Number(counts.providers), users: Number(counts.users), sample }
}
