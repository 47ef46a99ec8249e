import { addDaysToIsoDate } from '../../../domain/dates.ts'

// Who the staffing team may offer for a shift: pure, so a property test can try it on random pools.
// A person is offered only when they can do the role, said they are free on the day each shift starts,
// are not deployed on a shift overlapping it in time (a night shift runs into the next morning), and
// hold every check (DBS, right to work, training) still in date on every date the shift is worked.

export const staffRoles = ['care_worker', 'senior_carer', 'nurse', 'cook', 'domestic'] as const
export type StaffRole = (typeof staffRoles)[number]

export const checkKinds = ['dbs', 'right_to_work', 'training'] as const
export type CheckKind = (typeof checkKinds)[number]

// The roles a person of each role may fill: a senior carer covers a care worker's shift, a nurse both.
export const rolesCovered: Record<StaffRole, readonly StaffRole[]> = {
  care_worker: ['care_worker'],
  senior_carer: ['senior_carer', 'care_worker'],
  nurse: ['nurse', 'senior_carer', 'care_worker'],
  cook: ['cook'],
  domestic: ['domestic'],
}

// A shift in time: its date, and minutes from that date's midnight (an end above 1440 is the next day).
export type ShiftTime = { shiftOn: string; startsMinute: number; endsMinute: number }

export type PoolCandidate = {
  id: string
  role: StaffRole
  // ISO dates each check is valid until, inclusive; a missing kind is a check not held.
  checks: Partial<Record<CheckKind, string>>
  // The dates they said they are free: a shift needs its start date free.
  availableOn: readonly string[]
  // The shifts they are already deployed on (not cancelled).
  deployed: readonly ShiftTime[]
}

export type ShiftNeed = { role: StaffRole; shifts: readonly ShiftTime[] }

// Why a person is not offered, in the users' words (for the team's own reading, never shown to providers).
export type Mismatch = 'role' | 'not_available' | 'already_deployed' | 'check_expired'

const minuteOfDay = (iso: string) => Date.parse(`${iso}T00:00:00Z`) / 60_000
// A shift as minutes on one line, so that a night shift and the next morning's shift can be compared.
export const shiftSpan = (s: ShiftTime) => {
  const day = minuteOfDay(s.shiftOn)
  return { from: day + s.startsMinute, to: day + s.endsMinute }
}
export const shiftsOverlap = (a: ShiftTime, b: ShiftTime) => {
  const x = shiftSpan(a)
  const y = shiftSpan(b)
  return x.from < y.to && y.from < x.to
}
// The dates a shift is worked on: its own, and the next for a night shift ending after midnight.
export const datesWorked = (s: ShiftTime): string[] =>
  s.endsMinute > 1440 ? [s.shiftOn, addDaysToIsoDate(s.shiftOn, 1)] : [s.shiftOn]

export function mismatchesFor(person: PoolCandidate, need: ShiftNeed): Mismatch[] {
  const found = new Set<Mismatch>()
  if (!rolesCovered[person.role].includes(need.role)) found.add('role')
  const available = new Set(person.availableOn)
  for (const shift of need.shifts) {
    if (!available.has(shift.shiftOn)) found.add('not_available')
    if (person.deployed.some((d) => shiftsOverlap(d, shift))) found.add('already_deployed')
    for (const date of datesWorked(shift))
      for (const kind of checkKinds) {
        const expires = person.checks[kind]
        if (!expires || expires < date) found.add('check_expired')
      }
  }
  return [...found]
}

// The people to offer for a need, in the pool's order. A need with no shifts offers nobody.
export function matchPeople<P extends PoolCandidate>(pool: readonly P[], need: ShiftNeed): P[] {
  if (need.shifts.length === 0) return []
  return pool.filter((person) => mismatchesFor(person, need).length === 0)
}
