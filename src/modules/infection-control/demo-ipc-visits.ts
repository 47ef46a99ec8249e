import type { DbOrTransaction } from '../../db/database.ts'
import { addDaysToIsoDate, londonDate, londonInstant } from '../../domain/dates.ts'
import { defaultChecklist, type FindingResult, type VisitState } from './domain/ipc.rules.ts'

// The demo county's infection-control visits by the IPC nurse: done ones with findings and actions
// (done, outstanding and overdue), one followed up, planned ones in the shared contact log, and one
// cancelled. A few multi-row statements.

type DemoVisit = {
  day: number
  state: VisitState
  purpose: string
  results?: FindingResult[]
  actions?: [text: string, dueDay: number, done: boolean][]
  followUpOf?: number
}
const visits: DemoVisit[] = [
  {
    day: -48,
    state: 'done',
    purpose: 'Outbreak support: two residents with symptoms',
    results: ['partly_met', 'not_met', 'met', 'partly_met', 'met'],
    actions: [
      ['PPE stations at the entrance to each zone', -45, true],
      ['Refresh donning and doffing training for night staff', -40, true],
    ],
  },
  {
    day: -33,
    state: 'done',
    purpose: 'Routine support visit',
    results: ['met', 'met', 'met', 'partly_met', 'met'],
    actions: [['Keep bank staff to one floor', -26, true]],
  },
  {
    day: -19,
    state: 'done',
    purpose: 'Outbreak declared: zoning and cohorting',
    results: ['not_met', 'partly_met', 'partly_met', 'not_met', 'met'],
    actions: [
      ['Cohort residents with symptoms on the ground floor', -17, true],
      ['Named cleaner for the red zone on every shift', -12, false],
      ['Stop staff working across the two homes', 4, false],
    ],
  },
  {
    day: -9,
    state: 'done',
    purpose: 'Cleaning and PPE check after a new case',
    results: ['met', 'partly_met', 'not_met', 'met', 'met'],
    actions: [['Clean touch points four times a day and log it', -2, false]],
  },
  {
    day: -5,
    state: 'done',
    purpose: 'Testing support',
    results: ['met', 'met', 'met', 'met', 'partly_met'],
    actions: [],
  },
  { day: -3, state: 'cancelled', purpose: 'Routine support visit' },
  { day: 2, state: 'planned', purpose: 'Follow-up: check the actions agreed', followUpOf: 3 },
  { day: 3, state: 'planned', purpose: 'Outbreak support: staff movement and zoning' },
  { day: 8, state: 'planned', purpose: 'Routine support visit' },
]

export async function loadDemoIpcVisits(trx: DbOrTransaction, now: Date): Promise<number> {
  const nurse = await trx
    .selectFrom('users')
    .select(['id', 'organisationId'])
    .where('email', '=', 'nurse@ipc.northmoor.example')
    .executeTakeFirst()
  const council = await trx
    .selectFrom('organisations')
    .select('id')
    .where('kind', '=', 'council')
    .orderBy('createdAt')
    .executeTakeFirst()
  if (!nurse || !council) return 0
  // Care homes after those the staffing demo uses, clear of the first rows the browser tests open.
  const homes = await trx
    .selectFrom('locations')
    .select('id')
    .where('councilId', '=', council.id)
    .where('serviceType', 'in', ['care_home_residential', 'care_home_nursing'])
    .orderBy('name')
    .orderBy('id')
    .offset(30)
    .limit(visits.length)
    .execute()
  if (homes.length < visits.length) return 0
  const today = londonDate(now)
  const at = (day: number) => londonInstant(addDaysToIsoDate(today, day), 10, 30)
  // The follow-up goes to the home it follows up.
  const homeOf = (i: number) => homes[visits[i]!.followUpOf ?? i]!.id

  const items = await trx
    .insertInto('ipcChecklistItems')
    .values(
      defaultChecklist.map((label, i) => ({
        councilId: council.id,
        label,
        position: i + 1,
        createdAt: at(-60),
        updatedAt: at(-60),
      })),
    )
    .returning(['id', 'label'])
    .execute()
  const contacts = await trx
    .insertInto('contactLogEntries')
    .values(
      visits.map((v, i) => ({
        locationId: homeOf(i),
        organisationId: nurse.organisationId,
        officerUserId: nurse.id,
        spokeTo: null,
        method: 'visit' as const,
        direction: 'outgoing' as const,
        category: 'infection_control' as const,
        state: v.state,
        contactAt: at(v.day),
        summary: `IPC visit: ${v.purpose}`,
        actionsAgreed: v.actions?.map((a) => a[0]).join('; ') || null,
        followUpOn: null,
        followUpDoneAt: null,
        restricted: false,
        createdAt: at(Math.min(v.day, 0) - 2),
        updatedAt: at(Math.min(v.day, 0)),
      })),
    )
    .returning('id')
    .execute()
  const inserted: { id: string }[] = []
  // Visits go in order, so a follow-up can name the visit it follows (inserted before it).
  for (const [i, v] of visits.entries()) {
    const row = await trx
      .insertInto('ipcVisits')
      .values({
        councilId: council.id,
        locationId: homeOf(i),
        organisationId: nurse.organisationId,
        plannedByUserId: nurse.id,
        visitOn: addDaysToIsoDate(today, v.day),
        purpose: v.purpose,
        state: v.state,
        contactId: contacts[i]!.id,
        followUpOfVisitId: v.followUpOf === undefined ? null : inserted[v.followUpOf]!.id,
        summary: v.state === 'done' ? 'Findings talked through with the manager; actions agreed.' : null,
        recordedByUserId: v.state === 'done' ? nurse.id : null,
        recordedAt: v.state === 'done' ? at(v.day) : null,
        createdAt: at(Math.min(v.day, 0) - 2),
        updatedAt: at(Math.min(v.day, 0)),
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    inserted.push(row)
  }
  const findings = visits.flatMap((v, i) =>
    (v.results ?? []).map((result, k) => ({
      visitId: inserted[i]!.id,
      checklistItemId: items[k]!.id,
      label: items[k]!.label,
      result,
      note: result === 'not_met' ? 'Talked through with the manager on the day.' : null,
    })),
  )
  if (findings.length) await trx.insertInto('ipcVisitFindings').values(findings).execute()
  const actions = visits.flatMap((v, i) =>
    (v.actions ?? []).map(([description, due, done]) => ({
      visitId: inserted[i]!.id,
      description,
      dueOn: addDaysToIsoDate(today, due),
      doneAt: done ? at(due - 1) : null,
      doneByUserId: done ? nurse.id : null,
    })),
  )
  if (actions.length) await trx.insertInto('ipcVisitActions').values(actions).execute()
  return inserted.length
}
