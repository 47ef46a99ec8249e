import { base, en, en_GB, Faker } from '@faker-js/faker'
import type { ServiceType } from '../../domain/service-types.ts'
import type { Frequency } from '../../modules/returns/index.ts'
import { createRng } from './national-rng.ts'

// The national-scale generator's pure part: which councils, providers and locations exist (here), and
// what each location reports each period (national-returns.ts). No I/O: national.ts loads the result
// with COPY (copy-text.ts). The same seed and the same end date give the same data on every machine.

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
