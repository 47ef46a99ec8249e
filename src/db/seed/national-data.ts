import { base, en, en_GB, Faker } from '@faker-js/faker'
import type { ServiceType } from '../../domain/service-types.ts'
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

// The national-scale generator's pure part: which councils, providers and locations exist, and what each
// location reports each period. No I/O: national.ts loads the result with COPY. The same seed and the
// same end date give the same data on every machine.

export const nationalSeed = 20200323
// Bump when the generated data changes, so that benchmark databases seeded by an older generator are rebuilt.
export const nationalGeneratorVersion = 1

export type Scale = 'county' | 'region' | 'national'
export const scales: Record<Scale, { councils: number; locations: number }> = {
  county: { councils: 1, locations: 800 },
  region: { councils: 15, locations: 2_700 },
  // The national capacity tracker's order of magnitude: about 27,000 locations in 150 councils.
  national: { councils: 150, locations: 27_000 },
}
export const isScale = (value: string): value is Scale => Object.hasOwn(scales, value)

// Shares of each service type, roughly those of the CQC register of adult social care (about 40% care homes).
export const nationalServiceMix: readonly [ServiceType, number][] = [
  ['care_home_residential', 0.24],
  ['care_home_nursing', 0.15],
  ['home_care', 0.37],
  ['supported_living', 0.15],
  ['extra_care', 0.05],
  ['other', 0.04],
]

// ---- A small, fast, seeded PRNG (sfc32): millions of returns need millions of draws, and faker's
// general-purpose generators cost more per draw than the rest of a row.

export type Rng = {
  next: () => number // [0, 1)
  int: (min: number, max: number) => number // inclusive
  chance: (p: number) => boolean
  pick: <T>(items: readonly T[]) => T
  uuid: () => string
}

export function createRng(seed: number): Rng {
  let a = 0x9e3779b9
  let b = 0x243f6a88
  let c = 0xb7e15162
  let d = seed >>> 0
  const u32 = () => {
    const t = (((a + b) | 0) + d) | 0
    d = (d + 1) | 0
    a = b ^ (b >>> 9)
    b = (c + (c << 3)) | 0
    c = (c << 21) | (c >>> 11)
    c = (c + t) | 0
    return t >>> 0
  }
  for (let i = 0; i < 15; i++) u32()
  const next = () => u32() / 4294967296
  const hex = (n: number) => n.toString(16).padStart(8, '0')
  return {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    chance: (p) => next() < p,
    pick: (items) => items[Math.floor(next() * items.length)]!,
    uuid: () => {
      const h = hex(u32()) + hex(u32()) + hex(u32()) + hex(u32())
      // Version 4, RFC 4122 variant: indistinguishable in form from gen_random_uuid().
      return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${((Number.parseInt(h[16]!, 16) & 3) | 8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`
    },
  }
}

// ---- The directory: councils, providers, locations

export type NationalCouncil = {
  id: string
  name: string
  onsCode: string
  slug: string
  officerUserId: string
  officerName: string
}
export type NationalProvider = {
  id: string
  organisationId: string
  managerUserId: string
  managerName: string
  cqcProviderId: string
  name: string
  ownership: string
  // Care-record systems send some providers' returns through the API.
  usesApi: boolean
}
export type Habit = 'reliable' | 'often-late' | 'patchy'
export type NationalLocation = {
  id: string
  providerIndex: number
  councilIndex: number
  cqcLocationId: string
  name: string
  town: string
  postcode: string
  area: string
  serviceType: ServiceType
  registeredBeds: number | null
  peopleSupported: number | null
  staff: number
  cqcRating: string | null
  registrationStart: string
  // A neighbouring council that also contracts with the location, if any.
  contractedBy: number | null
  habit: Habit
}
export type NationalDirectory = {
  scale: Scale
  councils: NationalCouncil[]
  providers: NationalProvider[]
  locations: NationalLocation[]
}

export const frequencyOf = (serviceType: ServiceType): Frequency =>
  serviceType === 'home_care' || serviceType === 'other' ? 'weekly' : 'daily'

const councilSuffixes = ['County Council', 'City Council', 'Borough Council', 'Council'] as const

export function generateDirectory(scale: Scale, seed = nationalSeed): NationalDirectory {
  const faker = new Faker({ locale: [en_GB, en, base] })
  faker.seed(seed)
  const rng = createRng(seed)
  const size = scales[scale]

  const usedNames = new Set<string>()
  const unique = (name: string) => {
    let candidate = name
    for (let n = 2; usedNames.has(candidate.toLowerCase()); n++) candidate = `${name} (${n})`
    usedNames.add(candidate.toLowerCase())
    return candidate
  }

  const councils: NationalCouncil[] = []
  for (let i = 0; i < size.councils; i++) {
    const place = faker.location.city()
    const name = unique(`${place} ${rng.pick(councilSuffixes)}`)
    councils.push({
      id: rng.uuid(),
      name,
      onsCode: `E0${String(6_000_001 + i).padStart(7, '0')}`,
      slug: `council-${i + 1}`,
      officerUserId: rng.uuid(),
      officerName: faker.person.fullName(),
    })
  }
  // Councils differ in size: a shire county has ten times the homes of a small unitary.
  const councilWeights = councils.map(() => 0.3 + rng.next() ** 2 * 2.7)
  const totalWeight = councilWeights.reduce((a, b) => a + b, 0)
  const cumulative: number[] = []
  let running = 0
  for (const w of councilWeights) {
    running += w / totalWeight
    cumulative.push(running)
  }
  const pickCouncil = () => {
    const r = rng.next()
    const i = cumulative.findIndex((c) => r < c)
    return i < 0 ? councils.length - 1 : i
  }
  const areasOf = councils.map(() => Array.from({ length: 6 }, () => faker.location.county()))

  const providers: NationalProvider[] = []
  const locations: NationalLocation[] = []
  const serviceCumulative: [ServiceType, number][] = []
  running = 0
  for (const [type, share] of nationalServiceMix) {
    running += share
    serviceCumulative.push([type, running])
  }
  const pickServiceType = (): ServiceType => {
    const r = rng.next()
    return (serviceCumulative.find(([, c]) => r < c) ?? serviceCumulative.at(-1)!)[0]
  }

  while (locations.length < size.locations) {
    const providerIndex = providers.length
    // About one provider in fifty is a chain with sites across many councils; the rest are local.
    const chain = rng.chance(0.02)
    const sites = Math.min(
      size.locations - locations.length,
      chain ? rng.int(8, 60) : rng.chance(0.7) ? 1 : rng.int(2, 4),
    )
    const surname = faker.person.lastName()
    const name = unique(
      chain
        ? `${surname} ${rng.pick(['Care Group', 'Healthcare', 'Care Services', 'Homes', 'Living'])} Ltd`
        : `${surname} ${rng.pick(['Care', 'Care Ltd', 'Homecare', 'Support Services', 'Care Partnership', 'Nursing Homes'])}`,
    )
    providers.push({
      id: rng.uuid(),
      organisationId: rng.uuid(),
      managerUserId: rng.uuid(),
      managerName: faker.person.fullName(),
      cqcProviderId: `1-${100_000_000 + providerIndex}`,
      name,
      ownership: rng.chance(0.8)
        ? 'Private'
        : rng.chance(0.75)
          ? 'Voluntary or charitable'
          : 'Local authority',
      usesApi: rng.chance(chain ? 0.6 : 0.12),
    })
    const homeCouncil = pickCouncil()
    for (let s = 0; s < sites; s++) {
      const councilIndex = chain ? pickCouncil() : homeCouncil
      const serviceType = pickServiceType()
      const isHome = serviceType === 'care_home_nursing' || serviceType === 'care_home_residential'
      const registeredBeds = isHome
        ? serviceType === 'care_home_nursing'
          ? rng.int(30, 110)
          : rng.int(6, 60)
        : null
      const peopleSupported = isHome
        ? null
        : serviceType === 'home_care'
          ? rng.int(10, 400)
          : serviceType === 'other'
            ? rng.int(5, 80)
            : rng.int(3, 60)
      const town = faker.location.city()
      const habit: Habit = rng.chance(0.8) ? 'reliable' : rng.chance(0.7) ? 'often-late' : 'patchy'
      const n = locations.length + 1
      locations.push({
        id: rng.uuid(),
        providerIndex,
        councilIndex,
        cqcLocationId: `1-${200_000_000 + n}`,
        name: isHome
          ? `${faker.person.lastName()} ${rng.pick(['House', 'Lodge', 'Court', 'Manor', 'Grange', 'View', 'Care Home', 'Nursing Home'])}`
          : `${name.replace(/ Ltd$/, '')} – ${town}`,
        town,
        // Invented "ZZ" postcodes in the real format (ZZ is not a real postcode area).
        postcode: `ZZ${rng.int(1, 99)} ${rng.int(1, 9)}${rng.pick(postcodeLetters)}${rng.pick(postcodeLetters)}`,
        area: rng.pick(areasOf[councilIndex]!),
        serviceType,
        registeredBeds,
        peopleSupported,
        staff: Math.max(5, Math.round((registeredBeds ?? peopleSupported ?? 20) * (0.7 + rng.next() * 0.8))),
        cqcRating: rng.chance(0.05)
          ? null
          : rng.pick([
              'Good',
              'Good',
              'Good',
              'Good',
              'Good',
              'Requires improvement',
              'Outstanding',
              'Inadequate',
            ]),
        registrationStart: `${rng.int(2011, 2019)}-${String(rng.int(1, 12)).padStart(2, '0')}-${String(rng.int(1, 28)).padStart(2, '0')}`,
        contractedBy: councils.length > 1 && rng.chance(0.05) ? (councilIndex + 1) % councils.length : null,
        habit,
      })
    }
  }
  return { scale, councils, providers, locations }
}

const postcodeLetters = 'ABDEFGHJLNPQRSTUWXYZ'.split('')

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

// ---- COPY text format

// A value for PostgreSQL's COPY text format: \N for null; backslash, tab, newline and CR escaped.
export function copyField(value: string | number | boolean | null): string {
  if (value === null) return '\\N'
  if (typeof value !== 'string') return String(value)
  return /[\\\t\n\r]/.test(value)
    ? value.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r')
    : value
}

export const copyLine = (fields: (string | number | boolean | null)[]) =>
  `${fields.map(copyField).join('\t')}\n`

export const situationReturnColumns = [
  'location_id',
  'frequency',
  'period_start',
  'version',
  'is_current',
  'dataset_version',
  'values',
  'nil_return',
  'nothing_changed',
  'source',
  'timing',
  'submitted_by',
  'submitted_at',
  'amendment_reason',
] as const

export function returnCopyLine(r: GeneratedReturn): string {
  return copyLine([
    r.locationId,
    r.frequency,
    r.periodStart,
    r.version,
    r.isCurrent,
    r.datasetVersion,
    JSON.stringify(r.values),
    false,
    r.nothingChanged,
    r.source,
    r.timing,
    r.submittedBy,
    r.submittedAt.toISOString(),
    r.amendmentReason,
  ])
}
