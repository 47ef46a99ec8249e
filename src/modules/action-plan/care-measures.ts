import type { Db } from '../../db/database.ts'
import { londonDate, londonTime } from '../../domain/dates.ts'
import { addWorkingDays } from '../enquiries/index.ts'
import type { Measure, MeasureRecords, MeasureResult } from './measures.ts'
import { shareShown } from './domain/action-plan.rules.ts'

// Measures from the other capabilities' records (PPE requests, welfare checks, grants), read through
// the shared schema as they stood at an instant: only rows recorded by then count.

const share = (numerator: number, denominator: number, records: MeasureRecords): MeasureResult => ({
  shown: shareShown(numerator, denominator),
  numerator,
  denominator,
  records,
})
const yesNo = (b: boolean) => (b ? 'Yes' : 'No')
const dayMs = 24 * 60 * 60 * 1000
const when = (d: Date) => `${londonDate(d)} ${londonTime(d)}`

export const grantPassOnWorkingDays = 20

export const careMeasures: readonly Measure[] = [
  {
    key: 'ppe-delivered-within-24-hours',
    name: 'PPE requests delivered within 24 hours',
    definition:
      'Of the PPE requests made by then that were not declined and either were delivered or had been waiting 24 hours or more, the share delivered within 24 hours of being made.',
    compute: async (db: Db, councilId: string, at: Date) => {
      const rows = await db
        .selectFrom('ppeRequests as r')
        .innerJoin('locations as l', 'l.id', 'r.locationId')
        .select(['r.reference', 'l.name', 'r.requestedAt', 'r.deliveredAt', 'r.status', 'r.decidedAt'])
        .where('r.councilId', '=', councilId)
        .where('r.requestedAt', '<=', at)
        .orderBy('r.requestedAt')
        .orderBy('r.reference')
        .execute()
      const judged = rows
        .map((r) => ({ ...r, deliveredAt: r.deliveredAt && r.deliveredAt <= at ? r.deliveredAt : null }))
        .filter((r) => !(r.status === 'declined' && r.decidedAt && r.decidedAt <= at))
        .filter((r) => r.deliveredAt || at.getTime() - r.requestedAt.getTime() >= dayMs)
      const inTime = (r: (typeof judged)[number]) =>
        r.deliveredAt !== null && r.deliveredAt.getTime() - r.requestedAt.getTime() <= dayMs
      return share(judged.filter(inTime).length, judged.length, {
        columns: ['Request', 'Location', 'Requested', 'Delivered', 'Within 24 hours'],
        rows: judged.map((r) => [
          r.reference,
          r.name,
          when(r.requestedAt),
          r.deliveredAt ? when(r.deliveredAt) : 'Not yet',
          yesNo(inTime(r)),
        ]),
      })
    },
  },
  {
    key: 'welfare-checks-completed',
    name: 'Welfare checks completed',
    definition:
      'Of the people listed for a welfare check by then (their home care visits cancelled), the share whose check had been completed with a final outcome by then.',
    compute: async (db, councilId, at) => {
      const rows = await db
        .selectFrom('welfarePeople as p')
        .innerJoin('welfareCancellations as c', 'c.id', 'p.cancellationId')
        .innerJoin('locations as l', 'l.id', 'c.locationId')
        .select(['p.id', 'l.name', 'p.area', 'p.createdAt', 'p.finishedAt'])
        .where('p.councilId', '=', councilId)
        .where('p.createdAt', '<=', at)
        .orderBy('p.createdAt')
        .orderBy('p.id')
        .execute()
      const done = (r: (typeof rows)[number]) => r.finishedAt !== null && r.finishedAt <= at
      // No names or references: the click-through shows which service and when, not who.
      return share(rows.filter(done).length, rows.length, {
        columns: ['Home care service', 'Area', 'Listed', 'Completed'],
        rows: rows.map((r) => [
          r.name,
          r.area ?? '',
          londonDate(r.createdAt),
          done(r) && r.finishedAt ? londonDate(r.finishedAt) : 'Not yet',
        ]),
      })
    },
  },
  {
    key: 'grant-passed-on-in-time',
    name: `Grant passed to providers within ${grantPassOnWorkingDays} working days`,
    definition: `Of the providers’ accepted grant allocations in rounds committed by then, those paid or whose deadline had passed: the share first paid within ${grantPassOnWorkingDays} working days (England and Wales bank holidays excluded) of the round’s date.`,
    compute: async (db, councilId, at) => {
      const today = londonDate(at)
      const rows = await db
        .selectFrom('grantAllocations as a')
        .innerJoin('grantRounds as g', 'g.id', 'a.roundId')
        .innerJoin('locations as l', 'l.id', 'a.locationId')
        .select((eb) => [
          'a.id',
          'l.name',
          'g.name as roundName',
          'g.roundDate',
          eb
            .selectFrom('grantPayments as p')
            .select((p) => p.fn.min('p.paidOn').as('first'))
            .whereRef('p.allocationId', '=', 'a.id')
            .where('p.recordedAt', '<=', at)
            .as('firstPaidOn'),
        ])
        .where('g.councilId', '=', councilId)
        .where('g.status', '=', 'committed')
        .where('g.committedAt', '<=', at)
        .where('a.decision', '=', 'accepted')
        .orderBy('g.roundDate')
        .orderBy('l.name')
        .execute()
      const judged = rows
        .map((r) => ({ ...r, deadline: addWorkingDays(String(r.roundDate), grantPassOnWorkingDays) }))
        .filter((r) => r.firstPaidOn || r.deadline < today)
      const inTime = (r: (typeof judged)[number]) =>
        Boolean(r.firstPaidOn && String(r.firstPaidOn) <= r.deadline)
      return share(judged.filter(inTime).length, judged.length, {
        columns: ['Location', 'Round', 'Pass on by', 'First paid', 'In time'],
        rows: judged.map((r) => [
          r.name,
          r.roundName,
          r.deadline,
          r.firstPaidOn ? String(r.firstPaidOn) : 'Not yet',
          yesNo(inTime(r)),
        ]),
      })
    },
  },
]
