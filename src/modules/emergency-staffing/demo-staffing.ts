import type { DbOrTransaction } from '../../db/database.ts'
import { addDaysToIsoDate, londonDate, londonInstant } from '../../domain/dates.ts'
import type { CheckKind, StaffRole } from './domain/matching.ts'
import { costPence, type RequestReason, type RequestStatus, type Urgency } from './domain/staffing.rules.ts'

// The demo county's emergency staffing: the £50K kept back from the Infection Control Fund's second
// tranche and a small top-up already overspent (with who agreed to it), a pool of twelve with checks in
// and out of date, requests in every state over the last weeks (a night shift among them) and the staffing
// team (a lead and a member). Inserted in a few multi-row statements.

type DemoPerson = {
  name: string
  employer: string
  role: StaffRole
  skills: string | null
  checks: [number, number, number]
}
const bank = 'Northmoor County Council staff bank'
const ccg = 'NHS Northmoor North CCG'
// Checks: days from today each of DBS, right to work and training expires (negative: expired).
const people: DemoPerson[] = [
  {
    name: 'Amira Begum',
    employer: bank,
    role: 'care_worker',
    skills: 'Dementia care',
    checks: [400, 900, 200],
  },
  { name: 'Ben Carter', employer: bank, role: 'care_worker', skills: null, checks: [300, 900, 150] },
  {
    name: 'Chloe Davies',
    employer: ccg,
    role: 'nurse',
    skills: 'PEG feeding, catheter care',
    checks: [500, 900, 90],
  },
  {
    name: 'Daniel Evans',
    employer: bank,
    role: 'senior_carer',
    skills: 'Medication round',
    checks: [250, 900, 60],
  },
  { name: 'Ella Fraser', employer: bank, role: 'care_worker', skills: null, checks: [-10, 900, 120] },
  {
    name: 'Farid Hassan',
    employer: 'NHS Northmoor South CCG',
    role: 'nurse',
    skills: 'Wound care',
    checks: [600, 900, 5],
  },
  {
    name: 'Grace Ibekwe',
    employer: bank,
    role: 'cook',
    skills: 'Food hygiene level 3',
    checks: [350, 900, 180],
  },
  { name: 'Harry Jones', employer: bank, role: 'domestic', skills: null, checks: [300, 900, 200] },
  {
    name: 'Isla Khan',
    employer: bank,
    role: 'care_worker',
    skills: 'Moving and handling',
    checks: [200, 900, -3],
  },
  { name: 'Jack Lewis', employer: ccg, role: 'senior_carer', skills: null, checks: [450, 900, 240] },
  {
    name: 'Kasia Nowak',
    employer: bank,
    role: 'care_worker',
    skills: 'Polish speaker',
    checks: [380, 900, 300],
  },
  { name: 'Liam O’Brien', employer: bank, role: 'domestic', skills: null, checks: [420, 900, 30] },
]

type DemoShift = [dayOffset: number, role: StaffRole, starts: string, ends: string, people: number]
type DemoDeployment = [
  shift: number,
  person: number,
  status: 'booked' | 'worked' | 'cancelled',
  ratePounds: number,
  budget: 0 | 1,
]
type DemoRequest = {
  daysAgo: number
  reason: RequestReason
  urgency: Urgency
  status: RequestStatus
  outcome: string | null
  shifts: DemoShift[]
  deployments: DemoDeployment[]
}
const requests: DemoRequest[] = [
  {
    daysAgo: 55,
    reason: 'outbreak',
    urgency: 'within_24_hours',
    status: 'filled',
    outcome: null,
    shifts: [[-54, 'care_worker', '08:00', '20:00', 2]],
    deployments: [
      [0, 0, 'worked', 17.5, 0],
      [0, 1, 'worked', 17.5, 0],
    ],
  },
  {
    daysAgo: 40,
    reason: 'isolation',
    urgency: 'within_3_days',
    status: 'part_filled',
    outcome: 'Only one nurse in the pool was free that day.',
    shifts: [[-38, 'nurse', '07:30', '19:30', 2]],
    deployments: [[0, 2, 'worked', 32, 0]],
  },
  {
    daysAgo: 26,
    reason: 'vacancy',
    urgency: 'this_week',
    status: 'unfilled',
    outcome: 'No cook in the pool was free; the home hired an agency cook.',
    shifts: [[-22, 'cook', '07:00', '14:00', 1]],
    deployments: [],
  },
  {
    daysAgo: 12,
    reason: 'isolation',
    urgency: 'within_24_hours',
    status: 'filled',
    outcome: null,
    shifts: [
      [-11, 'senior_carer', '14:00', '22:00', 1],
      [-10, 'domestic', '09:00', '13:00', 1],
    ],
    deployments: [
      [0, 3, 'worked', 21, 0],
      [1, 7, 'worked', 12.5, 1],
    ],
  },
  {
    daysAgo: 1,
    reason: 'outbreak',
    urgency: 'within_24_hours',
    status: 'open',
    outcome: null,
    shifts: [
      [2, 'care_worker', '08:00', '16:00', 2],
      // A night shift, ending the next morning.
      [3, 'nurse', '20:00', '08:00+1', 1],
    ],
    deployments: [
      [0, 10, 'booked', 18, 0],
      [0, 1, 'cancelled', 18, 0],
    ],
  },
  {
    daysAgo: 0,
    reason: 'vacancy',
    urgency: 'this_week',
    status: 'open',
    outcome: null,
    shifts: [[5, 'domestic', '09:00', '15:00', 1]],
    deployments: [],
  },
]
// "07:30" → 450; "08:00+1" (the next morning) → 1920.
const minute = (t: string) =>
  Number(t.slice(0, 2)) * 60 + Number(t.slice(3, 5)) + (t.endsWith('+1') ? 1440 : 0)

export async function loadDemoStaffing(trx: DbOrTransaction, now: Date): Promise<number> {
  const officer = await trx
    .selectFrom('users')
    .innerJoin('organisations', 'organisations.id', 'users.organisationId')
    .select(['users.id', 'users.organisationId'])
    .where('users.email', '=', 'officer@northmoor.example')
    .executeTakeFirst()
  if (!officer) return 0
  const council = officer.organisationId
  // The staffing team: the officer leads it; the administrator is a member (and names its leads).
  const admin = await trx
    .selectFrom('users')
    .select('id')
    .where('email', '=', 'admin@northmoor.example')
    .where('organisationId', '=', council)
    .executeTakeFirst()
  await trx
    .insertInto('staffingTeamMembers')
    .values([
      { userId: officer.id, councilId: council, isLead: true, addedBy: admin?.id ?? null, addedAt: now },
      ...(admin
        ? [{ userId: admin.id, councilId: council, isLead: false, addedBy: admin.id, addedAt: now }]
        : []),
    ])
    .execute()
  // Care homes from the middle of the alphabet, clear of the rows other demo data and tests use first.
  const homes = await trx
    .selectFrom('locations')
    .select('id')
    .where('councilId', '=', council)
    .where('serviceType', 'in', ['care_home_residential', 'care_home_nursing'])
    .orderBy('name')
    .orderBy('id')
    .offset(20)
    .limit(requests.length)
    .execute()
  if (homes.length < requests.length) return 0
  const today = londonDate(now)
  const day = (offset: number) => addDaysToIsoDate(today, offset)

  const budgets = await trx
    .insertInto('staffingBudgets')
    .values([
      {
        councilId: council,
        name: 'Emergency staffing: £50K kept from the ICF second tranche',
        allocationPence: 5_000_000,
        createdAt: londonInstant(day(-60)),
      },
      {
        councilId: council,
        name: 'Domestic cover top-up',
        allocationPence: 3_000,
        createdAt: londonInstant(day(-30)),
      },
    ])
    .returning('id')
    .execute()
  const poolIds = await trx
    .insertInto('staffingPoolPeople')
    .values(
      people.map((p) => ({
        councilId: council,
        name: p.name,
        employer: p.employer,
        role: p.role,
        skills: p.skills,
        phone: null,
        createdAt: londonInstant(day(-60)),
        updatedAt: londonInstant(day(-60)),
      })),
    )
    .returning('id')
    .execute()
  const kinds: CheckKind[] = ['dbs', 'right_to_work', 'training']
  await trx
    .insertInto('staffingPoolChecks')
    .values(
      people.flatMap((p, i) =>
        kinds.map((kind, k) => ({
          personId: poolIds[i]!.id,
          kind,
          reference: null,
          expiresOn: day(p.checks[k]!),
        })),
      ),
    )
    .execute()
  // Everyone is free for the next fortnight except on their day off (every seventh), and was on the
  // days they worked.
  const worked = requests.flatMap((r) =>
    r.deployments.map(([s, person]) => ({ person, on: day(r.shifts[s]![0]) })),
  )
  await trx
    .insertInto('staffingPoolAvailability')
    .values([
      ...poolIds.flatMap((p, i) =>
        Array.from({ length: 14 }, (_, d) => d)
          .filter((d) => (d + i) % 7 !== 6)
          .map((d) => ({ personId: p.id, availableOn: day(d) })),
      ),
      ...worked
        .filter((w) => w.on < today)
        .map((w) => ({ personId: poolIds[w.person]!.id, availableOn: w.on })),
    ])
    .onConflict((oc) => oc.columns(['personId', 'availableOn']).doNothing())
    .execute()

  const requestIds = await trx
    .insertInto('staffingRequests')
    .values(
      requests.map((r, i) => ({
        councilId: council,
        locationId: homes[i]!.id,
        reason: r.reason,
        urgency: r.urgency,
        details: null,
        status: r.status,
        outcomeReason: r.outcome,
        requestedByUserId: officer.id,
        requestedAt: londonInstant(day(-r.daysAgo), 9, 30),
        closedAt: r.status === 'open' ? null : londonInstant(day(-r.daysAgo + 3), 16),
        closedByUserId: r.status === 'open' ? null : officer.id,
      })),
    )
    .returning('id')
    .execute()
  const shiftRows = requests.flatMap((r, i) =>
    r.shifts.map(([offset, role, starts, ends, count]) => ({
      requestId: requestIds[i]!.id,
      role,
      shiftOn: day(offset),
      startsMinute: minute(starts),
      endsMinute: minute(ends),
      peopleNeeded: count,
    })),
  )
  const shiftIds = await trx.insertInto('staffingRequestShifts').values(shiftRows).returning('id').execute()
  let shiftBase = 0
  const deploymentRows = requests.flatMap((r) => {
    const base = shiftBase
    shiftBase += r.shifts.length
    return r.deployments.map(([s, person, status, rate, budget]) => {
      const shift = shiftRows[base + s]!
      const minutes = shift.endsMinute - shift.startsMinute
      const cost = status === 'cancelled' ? 0 : costPence(rate * 100, minutes)
      // The top-up (£30) is overspent by the domestic's shift, which the officer confirmed.
      const overspent = budget === 1
      return {
        shiftId: shiftIds[base + s]!.id,
        personId: poolIds[person]!.id,
        budgetId: budgets[budget]!.id,
        shiftOn: shift.shiftOn,
        status,
        hourlyRatePence: rate * 100,
        minutesWorked: minutes,
        costPence: cost,
        overspendConfirmedByUserId: overspent ? officer.id : null,
        overspendConfirmedAt: overspent ? londonInstant(shift.shiftOn, 8) : null,
        deployedByUserId: officer.id,
        deployedAt: londonInstant(day(-r.daysAgo), 11),
        updatedAt: londonInstant(day(-r.daysAgo), 11),
      }
    })
  })
  await trx.insertInto('staffingDeployments').values(deploymentRows).execute()
  return requestIds.length
}
