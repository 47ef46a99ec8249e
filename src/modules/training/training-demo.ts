import type { Insertable, Transaction } from 'kysely'
import type { Database } from '../../db/schema.ts'
import { addDaysToIsoDate, londonDate } from '../../domain/dates.ts'
import type { UptakeStatus } from './training.tables.ts'

const day = 24 * 60 * 60 * 1000

// The demo county's training: an IPC course and train-the-trainer sessions offered to every care home
// provider (accepted, declined with reasons, delivered), e-learning licences from the platform's CSV,
// a webinar, and feedback forms after the sessions. Dated over the last twelve weeks.
export async function loadDemoTraining(trx: Transaction<Database>, now: Date, councilId: string) {
  const providers = await trx
    .selectFrom('providers')
    .select(['providers.id', 'providers.name'])
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom('locations')
          .select('locations.id')
          .whereRef('locations.providerId', '=', 'providers.id')
          .where('locations.councilId', '=', councilId)
          .where('locations.serviceType', 'in', ['care_home_nursing', 'care_home_residential']),
      ),
    )
    // The demo provider (the first made) is among them, so its manager has figures to check.
    .orderBy('providers.cqcProviderId')
    .limit(60)
    .execute()
  const today = londonDate(now)
  const at = (daysAgo: number) => new Date(now.getTime() - daysAgo * day)
  const offers = await trx
    .insertInto('trainingOffers')
    .values([
      {
        councilId,
        kind: 'ipc_course',
        title: 'Infection prevention and control for care homes',
        deliveredBy: 'Northmoor CCGs’ IPC team',
        startsOn: addDaysToIsoDate(today, -80),
        endsOn: addDaysToIsoDate(today, 30),
        capacity: 120,
        costPence: 1_250_000,
        createdAt: at(84),
      },
      {
        councilId,
        kind: 'train_the_trainer',
        title: 'IPC train-the-trainer',
        deliveredBy: 'Northmoor Infection Prevention and Control Team',
        startsOn: addDaysToIsoDate(today, -60),
        endsOn: addDaysToIsoDate(today, -20),
        capacity: 40,
        costPence: 480_000,
        createdAt: at(84),
      },
      {
        councilId,
        kind: 'e_learning',
        title: 'Care skills e-learning',
        deliveredBy: 'Learning platform (licences)',
        startsOn: addDaysToIsoDate(today, -84),
        endsOn: addDaysToIsoDate(today, 120),
        capacity: null,
        costPence: 2_900_000,
        createdAt: at(84),
      },
      {
        councilId,
        kind: 'webinar',
        title: 'Managers’ practice update webinar',
        deliveredBy: 'Council learning and development team',
        startsOn: addDaysToIsoDate(today, -14),
        endsOn: null,
        capacity: 200,
        costPence: null,
        createdAt: at(20),
      },
    ])
    .returning(['id', 'kind'])
    .execute()
  const [ipc, trainer, elearning] = offers
  const reasons = [
    'Staff shortages this month',
    'Training already arranged with our own trainer',
    'Outbreak at the home',
  ]
  const uptake: Insertable<Database['trainingUptake']>[] = []
  const row = (
    offerId: string,
    providerId: string,
    status: UptakeStatus,
    daysAgo: number,
    extra: { reason?: string; attendees?: number } = {},
  ) => ({
    offerId,
    providerId,
    status,
    declineReason: extra.reason ?? null,
    attendees: extra.attendees ?? null,
    recordedBy: null,
    recordedAt: at(daysAgo),
  })
  providers.forEach((p, i) => {
    uptake.push(row(ipc!.id, p.id, 'offered', 80))
    // Most answer within a few weeks; a few decline, with their reason; most are delivered by now.
    if (i % 9 === 4) uptake.push(row(ipc!.id, p.id, 'declined', 60, { reason: reasons[i % reasons.length]! }))
    else if (i % 13 !== 7) {
      uptake.push(row(ipc!.id, p.id, 'accepted', 70 - (i % 20)))
      if (i % 4 !== 3) uptake.push(row(ipc!.id, p.id, 'delivered', 40 - (i % 30), { attendees: 1 + (i % 3) }))
    }
    if (i < 16) {
      uptake.push(row(trainer!.id, p.id, 'offered', 60))
      uptake.push(
        row(trainer!.id, p.id, i % 5 === 0 ? 'booked' : 'delivered', 30 - i, { attendees: 1 + (i % 2) }),
      )
    }
  })
  for (let i = 0; i < uptake.length; i += 500)
    await trx
      .insertInto('trainingUptake')
      .values(uptake.slice(i, i + 500))
      .execute()

  const ratings = [
    'excellent',
    'good',
    'excellent',
    'good',
    'good',
    'excellent',
    'fair',
    'excellent',
    'good',
    'excellent',
    'good',
    'excellent',
  ] as const
  await trx
    .insertInto('trainingFeedback')
    .values(
      Array.from({ length: 48 }, (_, i) => ({
        offerId: i % 3 === 0 ? trainer!.id : ipc!.id,
        providerId: null,
        trainerKnowledge: ratings[i % ratings.length]!,
        responsive: i % 17 !== 5,
        knowledgeIncreased: true,
        recordedBy: null,
        recordedAt: at(45 - (i % 40)),
      })),
    )
    .execute()

  // Two imports of the platform's figures: the later one is what the measures read today.
  for (const [daysAgo, scale] of [
    [50, 0.6],
    [10, 1],
  ] as const) {
    const { id } = await trx
      .insertInto('trainingLicenceImports')
      .values({
        councilId,
        offerId: elearning!.id,
        fileName: `platform-licences-${addDaysToIsoDate(today, -daysAgo)}.csv`,
        importedBy: null,
        importedAt: at(daysAgo),
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    await trx
      .insertInto('trainingLicences')
      .values(
        providers.slice(0, 54).map((p, i) => ({
          importId: id,
          organisationName: p.name,
          providerId: p.id,
          licences: Math.round((10 + (i % 30)) * scale),
          coursesTaken: Math.round((60 + ((i * 7) % 90)) * scale),
        })),
      )
      .execute()
  }
  return { offers: offers.length, providers: providers.length }
}
