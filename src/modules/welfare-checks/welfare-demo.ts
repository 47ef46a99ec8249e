import { sql } from 'kysely'
import type { DbOrTransaction } from '../../db/database.ts'
import { addDaysToIsoDate, londonDate } from '../../domain/dates.ts'
import { recordAudit } from '../audit/index.ts'
import type { WelfareOutcome } from './domain/welfare.rules.ts'
import { welfareAuditActions as A } from './welfare-checks.audit-actions.ts'
import { cancellationsFromReturns } from './welfare-checks.repository.ts'

type DemoPerson = {
  reference: string | null
  initials: string | null
  area: string | null
  flags: [boolean, boolean, boolean]
  assigned?: number
  contactInHours?: number
  outcome?: WelfareOutcome
  escalated?: boolean
  finishedDaysAgo?: number
  removed?: boolean
}

// The demo county's welfare checks, in every state: a council admin and officer given access; a
// return's cancellations with people not yet assigned, assigned, to try again, escalated and safe; an
// officer's record with people needing support and referred; and an old one whose personal data was
// removed after the retention period. Home-care agencies at the end of the alphabet.
export async function loadDemoWelfare(trx: DbOrTransaction, now: Date): Promise<number> {
  const agencies = await trx
    .selectFrom('locations')
    .select(['id', 'councilId', 'area'])
    .where('serviceType', '=', 'home_care')
    .where('councilId', 'is not', null)
    .orderBy('name', 'desc')
    .orderBy('id')
    .limit(3)
    .execute()
  if (agencies.length < 3) return 0
  const councilId = agencies[0]!.councilId!
  const staff = await trx
    .selectFrom('users')
    .select(['id', 'email'])
    .where('email', 'in', ['admin@northmoor.example', 'officer@northmoor.example'])
    .orderBy('email')
    .execute()
  const admin = staff.find((u) => u.email.startsWith('admin'))!
  const officer = staff.find((u) => u.email.startsWith('officer'))!
  await trx
    .insertInto('welfareGrants')
    .values(staff.map((u) => ({ userId: u.id, councilId, grantedBy: admin.id, grantedAt: now })))
    .execute()
  const today = londonDate(now)
  const hours = (h: number) => new Date(now.getTime() + h * 3_600_000)

  // The first agency's latest return, given cancelled visits if it had none, as a return would.
  const [first, second, third] = agencies as [
    (typeof agencies)[0],
    (typeof agencies)[0],
    (typeof agencies)[0],
  ]
  await trx
    .updateTable('situationReturns')
    .set({ values: sql`jsonb_set(values, '{visitsMissed}', '9'::jsonb)` as never })
    .where('locationId', '=', first.id)
    .where('isCurrent', '=', true)
    .where('periodStart', '=', (eb) =>
      eb
        .selectFrom('situationReturns')
        .select((s) => s.fn.max('periodStart').as('latest'))
        .where('locationId', '=', first.id),
    )
    .execute()
  await cancellationsFromReturns(trx, now, {
    locationIds: [first.id],
    submittedSince: new Date(now.getTime() - 8 * 86_400_000),
  })
  const fromReturn = await trx
    .selectFrom('welfareCancellations')
    .select('id')
    .where('locationId', '=', first.id)
    .orderBy('cancelledOn', 'desc')
    .executeTakeFirst()
  const made = await trx
    .insertInto('welfareCancellations')
    .values([
      {
        councilId,
        locationId: second.id,
        source: 'officer',
        returnId: null,
        visitsCancelled: 4,
        cancelledOn: addDaysToIsoDate(today, -5),
        recordedBy: officer.id,
        recordedAt: hours(-5 * 24),
      },
      {
        councilId,
        locationId: third.id,
        source: 'officer',
        returnId: null,
        visitsCancelled: 2,
        cancelledOn: addDaysToIsoDate(today, -100),
        recordedBy: officer.id,
        recordedAt: hours(-100 * 24),
      },
    ])
    .returning('id')
    .execute()
  const groups: [string, string | null, DemoPerson[]][] = [
    [
      fromReturn?.id ?? made[0]!.id,
      first.area,
      [
        { reference: 'HC-2201', initials: 'MB', area: null, flags: [true, false, false] },
        {
          reference: 'HC-2202',
          initials: 'JT',
          area: null,
          flags: [false, true, false],
          assigned: -1,
          contactInHours: 3,
        },
        {
          reference: 'HC-2203',
          initials: 'RP',
          area: null,
          flags: [true, false, true],
          assigned: -2,
          contactInHours: 2,
          outcome: 'no_contact',
        },
        {
          reference: 'HC-2204',
          initials: 'EW',
          area: null,
          flags: [true, true, true],
          assigned: -5,
          contactInHours: -3,
          outcome: 'no_contact',
          escalated: true,
        },
        {
          reference: 'HC-2205',
          initials: 'DK',
          area: null,
          flags: [false, false, false],
          assigned: -6,
          contactInHours: -2,
          outcome: 'safe',
          finishedDaysAgo: 0,
        },
      ],
    ],
    [
      made[0]!.id,
      second.area,
      [
        {
          reference: 'WB/311',
          initials: 'AS',
          area: null,
          flags: [true, true, false],
          assigned: -120,
          contactInHours: -116,
          outcome: 'needs_support',
          finishedDaysAgo: 5,
        },
        {
          reference: 'WB/312',
          initials: 'GH',
          area: null,
          flags: [true, false, true],
          assigned: -120,
          contactInHours: -118,
          outcome: 'referred',
          finishedDaysAgo: 4,
        },
      ],
    ],
    [
      made[1]!.id,
      null,
      [
        {
          reference: null,
          initials: null,
          area: null,
          flags: [true, false, false],
          assigned: -2400,
          contactInHours: -2396,
          outcome: 'safe',
          finishedDaysAgo: 99,
          removed: true,
        },
        {
          reference: null,
          initials: null,
          area: null,
          flags: [false, true, false],
          assigned: -2400,
          contactInHours: -2397,
          outcome: 'safe',
          finishedDaysAgo: 99,
          removed: true,
        },
      ],
    ],
  ]
  const rows = groups.flatMap(([cancellationId, area, people]) =>
    people.map((p) => ({
      cancellationId,
      councilId,
      reference: p.reference,
      initials: p.initials,
      area: p.removed ? null : area,
      livesAlone: p.flags[0],
      needsMedication: p.flags[1],
      noFamilyNearby: p.flags[2],
      assignedTo: p.assigned === undefined ? null : officer.id,
      assignedAt: p.assigned === undefined ? null : hours(p.assigned),
      contactBy: p.contactInHours === undefined ? null : hours(p.contactInHours),
      outcome: p.outcome ?? null,
      outcomeOn: p.outcome ? addDaysToIsoDate(today, -(p.finishedDaysAgo ?? 0)) : null,
      attempts: p.outcome ? (p.outcome === 'no_contact' ? 1 : 2) : 0,
      escalatedAt: p.escalated ? hours(-3) : null,
      finishedAt: p.finishedDaysAgo === undefined ? null : hours(-24 * p.finishedDaysAgo),
      personalDataRemovedAt: p.removed ? hours(-24 * 9) : null,
      createdBy: officer.id,
      createdAt: p.assigned === undefined ? hours(-1) : hours(p.assigned - 1),
    })),
  )
  const people = await trx
    .insertInto('welfarePeople')
    .values(rows)
    .returning(['id', 'outcome', 'outcomeOn'])
    .execute()
  const outcomes = people.filter((p) => p.outcome)
  await trx
    .insertInto('welfareCheckOutcomes')
    .values(
      outcomes.map((p) => ({
        personId: p.id,
        outcome: p.outcome!,
        outcomeOn: p.outcomeOn!,
        note: p.outcome === 'no_contact' ? 'No answer at the door or by telephone' : null,
        recordedBy: officer.id,
        recordedAt: now,
      })),
    )
    .execute()
  await recordAudit(trx, {
    actorUserId: null,
    organisationId: councilId,
    councilId,
    action: A.welfarePersonalDataRemoved,
    entityType: 'welfare-checks',
    entityId: null,
    after: { checks: 2, retentionDays: 90 },
    occurredAt: hours(-24 * 9),
  })
  return people.length
}
