import type { Db } from '../../db/database.ts'
import { londonDate, londonInstant } from '../../domain/dates.ts'
import {
  elearningLicences,
  ipcTrainingAttendees,
  ipcTrainingResponses,
  trainingFeedback,
  trainingKindNames,
  uptakeStatusNames,
} from '../training/index.ts'
import { careMeasures } from './care-measures.ts'
import { countShown, shareShown } from './domain/action-plan.rules.ts'

// The action plan's measures: named, defined figures computed from CareHub's own data for one council
// as it stood at an instant, each with the records behind it (the click-through).

export type MeasureRecords = { columns: string[]; rows: string[][] }
export type MeasureResult = {
  shown: string
  numerator: number
  denominator: number | null
  records: MeasureRecords
}
export type Measure = {
  key: string
  name: string
  definition: string
  compute: (db: Db, councilId: string, at: Date) => Promise<MeasureResult>
}

const share = (numerator: number, denominator: number, records: MeasureRecords): MeasureResult => ({
  shown: shareShown(numerator, denominator),
  numerator,
  denominator,
  records,
})
const count = (n: number, records: MeasureRecords): MeasureResult => ({
  shown: countShown(n),
  numerator: n,
  denominator: null,
  records,
})
const yesNo = (b: boolean) => (b ? 'Yes' : 'No')

export const measures: readonly Measure[] = [
  {
    key: 'ipc-training-answered',
    name: 'Providers that accepted or declined IPC training',
    definition:
      'Of the providers offered an infection prevention and control course or train-the-trainer session, the share that had accepted, declined, booked or been given it (their latest answer recorded by then).',
    compute: async (db, councilId, at) => {
      const r = await ipcTrainingResponses(db, councilId, at)
      return share(r.answered, r.offered, {
        columns: ['Provider', 'Training', 'Status', 'Reason for declining'],
        rows: r.rows.map((u) => [
          u.providerName,
          u.offerTitle,
          uptakeStatusNames[u.status],
          u.declineReason ?? '',
        ]),
      })
    },
  },
  {
    key: 'ipc-training-attendees',
    name: 'People who attended IPC training',
    definition:
      'People recorded as attending infection prevention and control training delivered to providers by then.',
    compute: async (db, councilId, at) => {
      const r = await ipcTrainingAttendees(db, councilId, at)
      return count(r.attendees, {
        columns: ['Provider', 'Training', 'Attended'],
        rows: r.rows.map((u) => [u.providerName, u.offerTitle, String(u.attendees ?? 0)]),
      })
    },
  },
  ...(
    [
      [
        'trainer-rated-good',
        'Rated the trainer’s knowledge good or excellent',
        'trainerGoodOrExcellent',
        'Of the feedback forms returned after training sessions by then, the share rating the trainer’s knowledge good or excellent.',
      ],
      [
        'trainer-responsive',
        'Said the trainer was responsive to the service’s needs',
        'responsive',
        'Of the feedback forms returned after training sessions by then, the share saying the trainer was responsive to their service’s needs.',
      ],
      [
        'knowledge-increased',
        'Said their knowledge increased',
        'knowledgeIncreased',
        'Of the feedback forms returned after training sessions by then, the share saying the attendee’s knowledge increased.',
      ],
    ] as const
  ).map(
    ([key, name, field, definition]): Measure => ({
      key,
      name,
      definition,
      compute: async (db, councilId, at) => {
        const r = await trainingFeedback(db, councilId, at)
        return share(r.summary[field], r.summary.forms, {
          columns: ['Training', 'Recorded', 'Trainer’s knowledge', 'Responsive', 'Knowledge increased'],
          rows: r.rows.map((f) => [
            f.offerTitle,
            londonDate(f.recordedAt),
            f.trainerKnowledge,
            yesNo(f.responsive),
            yesNo(f.knowledgeIncreased),
          ]),
        })
      },
    }),
  ),
  {
    key: 'elearning-licences',
    name: 'E-learning licences issued',
    definition:
      'Licences issued to organisations in the learning platform’s latest figures imported by then.',
    compute: async (db, councilId, at) => {
      const r = await elearningLicences(db, councilId, at)
      return count(r.licences, {
        columns: ['Organisation', 'Licences issued', 'Courses taken'],
        rows: r.rows.map((l) => [l.organisationName, String(l.licences), String(l.coursesTaken)]),
      })
    },
  },
  {
    key: 'elearning-courses',
    name: 'E-learning courses taken',
    definition: 'Courses taken on the learning platform, in its latest figures imported by then.',
    compute: async (db, councilId, at) => {
      const r = await elearningLicences(db, councilId, at)
      return count(r.coursesTaken, {
        columns: ['Organisation', 'Courses taken'],
        rows: r.rows.map((l) => [l.organisationName, String(l.coursesTaken)]),
      })
    },
  },
  {
    key: 'locations-reporting-today',
    name: 'Locations that sent a return that day',
    definition:
      'Of the open locations in the council’s area, the share that sent a situation return on that day (London time) by then.',
    compute: async (db, councilId, at) => {
      const dayStart = londonInstant(londonDate(at))
      const rows = await db
        .selectFrom('locations as l')
        .select([
          'l.name',
          (eb) =>
            eb
              .exists(
                eb
                  .selectFrom('situationReturns as r')
                  .select('r.id')
                  .whereRef('r.locationId', '=', 'l.id')
                  .where('r.submittedAt', '>=', dayStart)
                  .where('r.submittedAt', '<=', at),
              )
              .as('reported'),
        ])
        .where('l.councilId', '=', councilId)
        .where('l.status', '=', 'open')
        .orderBy('l.name')
        .execute()
      const reported = rows.filter((r) => r.reported).length
      return share(reported, rows.length, {
        columns: ['Location', 'Sent a return that day'],
        rows: rows.map((r) => [r.name, yesNo(Boolean(r.reported))]),
      })
    },
  },
  ...careMeasures,
]

export const measureByKey = new Map(measures.map((m) => [m.key, m]))
export const trainingKindLabel = trainingKindNames
