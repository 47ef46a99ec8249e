import type { DbOrTransaction } from '../../db/database.ts'
import { addDaysToIsoDate, londonDate } from '../../domain/dates.ts'

// The demo county's continuity plans, people supported and protection plans, in every state: plans
// reviewed, due, overdue and with gaps; people by funding; a financial concern; a contingency named; one
// protection plan open with a review and one closed with its closing review. Numbers vary by location
// in a fixed pattern, so that the demo is the same each time.
export async function loadDemoResilience(trx: DbOrTransaction, now: Date): Promise<number> {
  const locations = await trx
    .selectFrom('locations')
    .select(['id', 'serviceType', 'registeredBeds', 'peopleSupported'])
    .where('councilId', 'is not', null)
    .orderBy('name')
    .orderBy('id')
    .limit(60)
    .execute()
  if (!locations.length) return 0
  const officer = await trx
    .selectFrom('users')
    .select('id')
    .where('email', '=', 'officer@northmoor.example')
    .executeTakeFirstOrThrow()
  const today = londonDate(now)
  const gaps = [
    'No cover arranged for the registered manager',
    'Agency staff not yet approved for night shifts',
    'No second supplier for PPE',
    'On-call rota out of date',
  ]
  const rows = locations.map((l, i) => {
    const size = l.registeredBeds ?? l.peopleSupported ?? 20
    const selfFunded = Math.round((size * ((i % 5) + 1)) / 12)
    const council = Math.round(size * 0.45)
    return {
      locationId: l.id,
      planReference: i % 7 === 6 ? null : `https://docs.example/bcp/${l.id.slice(0, 8)}`,
      planReviewedOn: i % 7 === 6 ? null : addDaysToIsoDate(today, -((i * 13) % 300) - 10),
      // Every sixth plan's review is overdue; the rest fall due in the coming months.
      planReviewDue:
        i % 7 === 6 ? null : addDaysToIsoDate(today, i % 6 === 0 ? -((i % 40) + 5) : (i * 11) % 180),
      planGaps: i % 4 === 1 ? gaps[i % gaps.length]! : i % 9 === 2 ? `${gaps[0]}\n${gaps[2]}` : '',
      fundedByCouncil: council,
      fundedByNhs: l.serviceType === 'care_home_nursing' ? Math.round(size * 0.15) : 0,
      selfFunded: i % 10 === 9 ? null : selfFunded,
      directPayments: l.serviceType === 'home_care' ? Math.round(size * 0.1) : 0,
      contingencyProvider: i % 3 === 0 ? 'Northmoor Council in-house home care team' : null,
      financialConcern:
        i % 11 === 3 ? 'Occupancy below 75% for three months; the owner has asked about void payments' : '',
      updatedBy: officer.id,
      updatedAt: now,
    }
  })
  await trx.insertInto('locationResilience').values(rows).execute()

  // Protection plans on two of the demo cases: one open, one closed.
  const cases = await trx
    .selectFrom('cases')
    .select(['id', 'locationId'])
    .where('status', '<>', 'resolved')
    .orderBy('openedAt')
    .orderBy('id')
    .limit(2)
    .execute()
  if (cases.length < 2) return rows.length
  const days = (d: number) => new Date(now.getTime() + d * 86_400_000)
  const plans = await trx
    .insertInto('protectionPlans')
    .values([
      {
        locationId: cases[0]!.locationId,
        caseId: cases[0]!.id,
        status: 'open',
        triggeringIndicators:
          'Two safeguarding alerts in a month\nComplaints about missed medication\nStaff turnover over 40%',
        measures:
          'Weekly visit by the quality team\nMedication audit by the pharmacist\nNo new admissions until the audit is clean',
        monitoredBy: 'Olivia Officer, council quality team',
        nextReviewOn: addDaysToIsoDate(today, 7),
        openedBy: officer.id,
        openedAt: days(-21),
        closedBy: null,
        closedAt: null,
      },
      {
        locationId: cases[1]!.locationId,
        caseId: cases[1]!.id,
        status: 'closed',
        triggeringIndicators: 'Rated Requires improvement; falls up by half',
        measures: 'Falls training for all staff\nMonthly review of falls with the GP',
        monitoredBy: 'North CCG quality lead',
        nextReviewOn: null,
        openedBy: officer.id,
        openedAt: days(-90),
        closedBy: officer.id,
        closedAt: days(-10),
      },
    ])
    .returning('id')
    .execute()
  await trx
    .insertInto('protectionPlanReviews')
    .values([
      {
        planId: plans[0]!.id,
        reviewedOn: addDaysToIsoDate(today, -7),
        findings: 'Medication audit done: two errors, both followed up. Admissions stay closed.',
        nextReviewOn: addDaysToIsoDate(today, 7),
        closesPlan: false,
        recordedBy: officer.id,
        recordedAt: days(-7),
      },
      {
        planId: plans[1]!.id,
        reviewedOn: addDaysToIsoDate(today, -40),
        findings: 'Training done for 80% of staff; falls down a third.',
        nextReviewOn: addDaysToIsoDate(today, -10),
        closesPlan: false,
        recordedBy: officer.id,
        recordedAt: days(-40),
      },
      {
        planId: plans[1]!.id,
        reviewedOn: addDaysToIsoDate(today, -10),
        findings: 'Falls back to the usual level for three months; every measure met.',
        nextReviewOn: null,
        closesPlan: true,
        recordedBy: officer.id,
        recordedAt: days(-10),
      },
    ])
    .execute()
  return rows.length
}
