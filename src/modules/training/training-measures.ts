import type { Db } from '../../db/database.ts'
import { ipcKinds, summariseFeedback } from './domain/training.rules.ts'
import { feedbackAt, licencesAt, offersOf, uptakeAt } from './training.repository.ts'

// Training's figures for the action plan's measures, for one council as they stood at `at`, with the
// records behind them. Other capabilities read them through index.ts.

// Providers offered IPC training (a course or train-the-trainer) and, of those, the ones that had
// answered (accepted, declined, booked or had it delivered) by `at`: one row per provider and offer.
export async function ipcTrainingResponses(db: Db, councilId: string, at: Date) {
  const rows = await uptakeAt(db, { councilId, kinds: ipcKinds }, at)
  const offered = new Set(rows.map((r) => r.providerId))
  const answered = new Set(rows.filter((r) => r.status !== 'offered').map((r) => r.providerId))
  return { offered: offered.size, answered: answered.size, rows }
}

// People who attended IPC training delivered by `at`.
export async function ipcTrainingAttendees(db: Db, councilId: string, at: Date) {
  const rows = (await uptakeAt(db, { councilId, kinds: ipcKinds }, at)).filter(
    (r) => r.status === 'delivered',
  )
  return { attendees: rows.reduce((sum, r) => sum + (r.attendees ?? 0), 0), rows }
}

export async function trainingFeedback(db: Db, councilId: string, at: Date) {
  const rows = await feedbackAt(db, { councilId }, at)
  return { summary: summariseFeedback(rows), rows }
}

export async function elearningLicences(db: Db, councilId: string, at: Date) {
  const { rows } = await licencesAt(db, { councilId }, at)
  return {
    licences: rows.reduce((s, r) => s + r.licences, 0),
    coursesTaken: rows.reduce((s, r) => s + r.coursesTaken, 0),
    organisations: rows.length,
    rows,
  }
}

// The council's offers (with what each cost: commercially sensitive, for publications to leave out).
export const trainingOffersOf = (db: Db, councilId: string) => offersOf(db, [councilId])
