import {
  currentDataset,
  type Frequency,
  fieldsFor,
  type Period,
  periodContaining,
  previousPeriod,
  type ReturnValues,
  type ReturnWindow,
  windowTimes,
} from '../../modules/returns/index.ts'
import { frequencyOf, type NationalDirectory, type NationalLocation } from './national-data.ts'
import type { Rng } from './national-rng.ts'

// What each generated location reports each period: its year's story (outbreaks, shortages) and the
// returns it sends, missed, late or amended.

// ---- Periods

// The periods of the last `days` days before the current one (today's return is left for the location
// to send), oldest first, for each frequency.
export function periodsBefore(now: Date, days: number, frequency: Frequency): Period[] {
  const current = periodContaining(frequency, now)
  const firstDay = periodContaining('daily', new Date(now.getTime() - days * 86_400_000)).start
  const periods: Period[] = []
  for (let p = previousPeriod(current); p.start >= firstDay; p = previousPeriod(p)) periods.push(p)
  return periods.reverse()
}

// ---- Returns

// What happens at a location over the year: outbreaks (cases, absence, closed to admissions) and PPE
// shortages, as day ranges counted from the first day generated.
export type LocationStory = {
  outbreaks: [number, number][]
  shortages: [number, number][]
  previous: ReturnValues | null
}

export function storyFor(location: NationalLocation, days: number, rng: Rng): LocationStory {
  const outbreaks: [number, number][] = []
  const shortages: [number, number][] = []
  // About one outbreak a year in a residential service, rarer in home care; PPE runs short now and then.
  const outbreakChance = location.registeredBeds ? 1.1 : location.serviceType === 'home_care' ? 0.5 : 0.7
  const shortageChance = 0.6
  for (let start = 0; start < days; start += 90) {
    if (rng.chance(outbreakChance / 4)) {
      const from = start + rng.int(0, 89)
      outbreaks.push([from, from + rng.int(14, 28)])
    }
    if (rng.chance(shortageChance / 4)) {
      const from = start + rng.int(0, 89)
      shortages.push([from, from + rng.int(4, 12)])
    }
  }
  return { outbreaks, shortages, previous: null }
}

const within = (ranges: [number, number][], day: number) => ranges.some(([a, b]) => day >= a && day < b)

const concernsText = [
  'Two night staff off sick; covering with agency.',
  'Waiting for a delivery of FFP3 masks from the wholesaler.',
  'Family visits paused while we wait for test results.',
  'Struggling to recruit drivers for rural rounds.',
] as const

// One return's figures, in exactly the shape the app stores after parseReturn: every field of the
// location's service type present, blanks as null, choices as comma-joined values.
export function returnValuesFor(
  location: NationalLocation,
  day: number,
  story: LocationStory,
  rng: Rng,
): ReturnValues {
  const outbreak = within(story.outbreaks, day)
  const short = within(story.shortages, day)
  const staff = location.staff
  const ppe = (item: string) =>
    short && (item === 'TypeIirMasks' || item === 'Gloves' || item === 'Ffp3Masks')
      ? rng.int(0, 3)
      : rng.int(6, 45)
  const confirmed = outbreak ? rng.int(0, 3) : rng.chance(0.005) ? 1 : 0
  const suspected = outbreak ? rng.int(1, 4) : rng.chance(0.015) ? 1 : 0
  const absentCovid = Math.min(
    staff,
    outbreak ? rng.int(2, Math.max(3, Math.round(staff * 0.25))) : rng.chance(0.3) ? rng.int(1, 2) : 0,
  )
  const absentOther = Math.min(rng.int(0, 3), staff - absentCovid)
  const v: ReturnValues = {
    ppeDaysGloves: ppe('Gloves'),
    ppeDaysAprons: ppe('Aprons'),
    ppeDaysTypeIirMasks: ppe('TypeIirMasks'),
    ppeDaysFfp3Masks: ppe('Ffp3Masks'),
    ppeDaysEyeProtection: ppe('EyeProtection'),
    ppeDaysHandSanitiser: ppe('HandSanitiser'),
    ppeCanObtainMore: !short,
  }
  const type = location.serviceType
  if (type !== 'home_care' && type !== 'other') {
    const people = location.registeredBeds ?? location.peopleSupported ?? 10
    v.residents = Math.round(
      people * (location.registeredBeds ? 0.78 + rng.next() * 0.2 : 0.9 + rng.next() * 0.1),
    )
  }
  if (type === 'home_care') v.peopleSupported = location.peopleSupported ?? 40
  Object.assign(v, {
    confirmedCasesResidents: confirmed,
    suspectedCasesResidents: suspected,
    confirmedCasesStaff: outbreak ? rng.int(0, 2) : 0,
    suspectedCasesStaff: outbreak ? rng.int(0, 2) : 0,
    covidDeathsResidents: outbreak && confirmed + suspected > 0 && rng.chance(0.1) ? 1 : 0,
    otherDeathsResidents: location.registeredBeds && rng.chance(0.03) ? 1 : 0,
    covidDeathsStaff: 0,
    staffEmployed: staff,
    staffAbsentCovid: absentCovid,
    staffAbsentOther: absentOther,
    agencyStaffUsed: outbreak ? rng.int(2, 12) : rng.int(0, 3),
  })
  if (location.registeredBeds) {
    const beds = location.registeredBeds
    const available = outbreak && rng.chance(0.5) ? beds - rng.int(0, Math.min(4, beds)) : beds
    v.bedsAvailable = available
    v.bedsOccupied = Math.min(available, v.residents as number)
    v.closedToAdmissions = outbreak
    v.canAcceptDischarges = !outbreak && rng.chance(0.85)
  }
  if (type === 'home_care') {
    const people = location.peopleSupported ?? 40
    v.hoursDelivered = people * rng.int(6, 14)
    v.visitsMissed = outbreak || absentCovid > 2 ? rng.int(2, 25) : rng.int(0, 3)
    v.capacityForNewPackages = absentCovid <= 2 && rng.chance(0.65)
  }
  v.residentsTested = outbreak ? rng.int(5, 30) : rng.chance(0.2) ? rng.int(1, 10) : null
  v.staffTested = outbreak ? rng.int(5, 30) : rng.chance(0.2) ? rng.int(1, 10) : null
  v.helpRequested = short
    ? outbreak
      ? 'ppe,infection_control'
      : 'ppe'
    : outbreak && rng.chance(0.4)
      ? 'staffing,infection_control'
      : null
  v.concerns = (outbreak || short) && rng.chance(0.3) ? rng.pick(concernsText) : null
  // In the order of the dataset definition, as parseReturn builds them.
  const ordered: ReturnValues = {}
  for (const field of fieldsFor(currentDataset, type)) ordered[field.key] = v[field.key] ?? null
  return ordered
}

export type GeneratedReturn = {
  locationId: string
  frequency: Frequency
  periodStart: string
  version: number
  isCurrent: boolean
  datasetVersion: number
  values: ReturnValues
  nothingChanged: boolean
  source: 'web' | 'api'
  timing: 'on-time' | 'late'
  submittedBy: string
  submittedAt: Date
  amendmentReason: string | null
}

// The returns of one location for one period: none (a missed return), one, or, rarely, an amended pair.
// `day` counts from the first day generated; `times` is the period's window (see windowTimesMs).
export function returnsForPeriod(
  directory: NationalDirectory,
  location: NationalLocation,
  period: Period,
  day: number,
  times: { opensAt: number; dueAt: number },
  story: LocationStory,
  rng: Rng,
): GeneratedReturn[] {
  if (location.habit === 'patchy' ? rng.chance(0.25) : rng.chance(0.004)) return []
  const provider = directory.providers[location.providerIndex]!
  const late = location.habit === 'often-late' ? rng.chance(0.5) : rng.chance(0.03)
  const due = times.dueAt
  const opens = times.opensAt
  const submittedAt = new Date(
    late
      ? due + rng.int(5, 600) * 60_000
      : Math.max(opens + 60_000, due - rng.int(5, 600) * 60_000) + rng.int(0, 59_999),
  )
  const repeat = story.previous !== null && !provider.usesApi && rng.chance(0.12)
  const values = repeat ? story.previous! : returnValuesFor(location, day, story, rng)
  story.previous = values
  const row: GeneratedReturn = {
    locationId: location.id,
    frequency: frequencyOf(location.serviceType),
    periodStart: period.start,
    version: 1,
    isCurrent: true,
    datasetVersion: currentDataset.version,
    values,
    nothingChanged: repeat,
    source: provider.usesApi ? 'api' : 'web',
    timing: late ? 'late' : 'on-time',
    submittedBy: provider.managerUserId,
    submittedAt,
    amendmentReason: null,
  }
  // About one return in three hundred is corrected later the same day: nothing is overwritten.
  if (!rng.chance(0.003) || typeof values.staffEmployed !== 'number') return [row]
  const corrected = { ...values, staffEmployed: (values.staffEmployed as number) + 1 }
  story.previous = corrected
  return [
    { ...row, isCurrent: false },
    {
      ...row,
      version: 2,
      values: corrected,
      nothingChanged: false,
      submittedAt: new Date(submittedAt.getTime() + rng.int(10, 240) * 60_000),
      amendmentReason: 'Corrected the number of staff employed',
    },
  ]
}

// A period's window in milliseconds, worked out once per period rather than once per row.
export function windowTimesMs(period: Period, window: ReturnWindow) {
  const t = windowTimes(period, window)
  return { opensAt: t.opensAt.getTime(), dueAt: t.dueAt.getTime() }
}
