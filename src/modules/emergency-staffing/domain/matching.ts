// Who the staffing team may offer for a shift: pure, so a property test can try it on random pools.
// A person is offered only when, on every date asked for, they can do the role, said they are free,
// are not already deployed, and hold every check (DBS, right to work, training) still in date.

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

export type PoolCandidate = {
  id: string
  role: StaffRole
  // ISO dates each check is valid until, inclusive; a missing kind is a check not held.
  checks: Partial<Record<CheckKind, string>>
  availableOn: readonly string[]
  // ISO dates of shifts they are already deployed on (not cancelled).
  deployedOn: readonly string[]
}

export type ShiftNeed = { role: StaffRole; dates: readonly string[] }

// Why a person is not offered, in the users' words (for the team's own reading, never shown to providers).
export type Mismatch = 'role' | 'not_available' | 'already_deployed' | 'check_expired'

export function mismatchesFor(person: PoolCandidate, need: ShiftNeed): Mismatch[] {
  const found = new Set<Mismatch>()
  if (!rolesCovered[person.role].includes(need.role)) found.add('role')
  const available = new Set(person.availableOn)
  const deployed = new Set(person.deployedOn)
  for (const date of need.dates) {
    if (!available.has(date)) found.add('not_available')
    if (deployed.has(date)) found.add('already_deployed')
    for (const kind of checkKinds) {
      const expires = person.checks[kind]
      if (!expires || expires < date) found.add('check_expired')
    }
  }
  return [...found]
}

// The people to offer for a need, in the pool's order. A need with no dates offers nobody.
export function matchPeople<P extends PoolCandidate>(pool: readonly P[], need: ShiftNeed): P[] {
  if (need.dates.length === 0) return []
  return pool.filter((person) => mismatchesFor(person, need).length === 0)
}
