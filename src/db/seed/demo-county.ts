import { base, en, en_GB, Faker } from '@faker-js/faker'
import type { Clock } from '../../domain/clock.ts'
import type { ServiceType } from '../../domain/service-types.ts'
import { hashPassword } from '../../modules/access/index.ts'
import { auditActions, recordAudit } from '../../modules/audit/index.ts'
import { recomputeRisk } from '../../modules/early-warning/index.ts'
import { loadDemoResilience } from '../../modules/provider-resilience/index.ts'
import { loadDemoWelfare } from '../../modules/welfare-checks/index.ts'
import type { Db } from '../database.ts'
import { loadCapabilityDemos } from './demo-capabilities.ts'
import { loadDemoCasework } from './demo-casework.ts'
import { loadDemoContacts } from './demo-contacts.ts'
import type { DemoProgress } from './demo-progress.ts'
import { loadDemoReturns } from './demo-returns.ts'

// The seed's own entry in the audit trail: when the demo county was loaded, and what it holds.
const seedAuditActions = auditActions({ demoLoaded: 'demo-county-loaded' })

// A deterministic, invented county: the same seed gives the same county on every machine.
export const demoSeed = 20200401
export const demoPassword = 'care-market-demo-2026'
export const demoCouncil = { name: 'Northmoor County Council', onsCode: 'E10000099' }
export const demoAreas = [
  'Ashby Vale',
  'Brackenford',
  'Coldwater',
  'Dunmore',
  'Eastmarsh',
  'Fernhill',
] as const

export const demoUsers = [
  { email: 'admin@northmoor.example', displayName: 'Alex Admin', role: 'admin', organisation: 'council' },
  {
    email: 'officer@northmoor.example',
    displayName: 'Priya Shah',
    role: 'council_officer',
    organisation: 'council',
  },
  {
    email: 'finance@northmoor.example',
    displayName: 'Tom Okafor',
    role: 'finance_officer',
    organisation: 'council',
  },
  {
    email: 'finance2@northmoor.example',
    displayName: 'Ruth Adeyemi',
    role: 'finance_officer',
    organisation: 'council',
  },
  { email: 'viewer@northmoor.example', displayName: 'Board Member', role: 'viewer', organisation: 'council' },
  {
    email: 'nurse@ipc.northmoor.example',
    displayName: 'Grace Mensah',
    role: 'partner_officer',
    organisation: 'ipc',
  },
  {
    email: 'quality@north-ccg.example',
    displayName: 'Hannah Lewis',
    role: 'partner_officer',
    organisation: 'ccgNorth',
  },
  {
    email: 'lead@healthwatch-northmoor.example',
    displayName: 'Sam Patel',
    role: 'viewer',
    organisation: 'healthwatch',
  },
  {
    email: 'inspector@regulator.example',
    displayName: 'Jo Evans',
    role: 'partner_officer',
    organisation: 'regulator',
  },
  {
    email: 'region@adass-north.example',
    displayName: 'Chris Morgan',
    role: 'regional_viewer',
    organisation: 'region',
  },
  {
    email: 'manager@meadowcare.example',
    displayName: 'Maria Santos',
    role: 'provider_manager',
    organisation: 'demoProvider',
  },
] as const

// Shares of each service type in the demo, roughly those of an English shire county.
const serviceMix: [ServiceType, number][] = [
  ['care_home_residential', 0.3],
  ['care_home_nursing', 0.17],
  ['home_care', 0.34],
  ['supported_living', 0.12],
  ['extra_care', 0.07],
]

export type DemoSummary = {
  returns: number
  locations: number
  providers: number
  users: number
  organisations: number
}

export async function isDatabaseEmpty(db: Db): Promise<boolean> {
  const row = await db
    .selectFrom('organisations')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .executeTakeFirstOrThrow()
  return Number(row.n) === 0
}

// `progress` is told as each step starts (demo-progress.ts), for the first start's progress bar.
export async function loadDemoCounty(
  db: Db,
  clock: Clock,
  locationCount = 800,
  progress: DemoProgress = () => {},
): Promise<DemoSummary> {
  const faker = new Faker({ locale: [en_GB, en, base] })
  faker.seed(demoSeed)
  const passwordHash = await hashPassword(demoPassword)
  const now = clock.now()

  return db.transaction().execute(async (trx) => {
    const org = async (
      name: string,
      kind: string,
      extra: { onsCode?: string; odsCode?: string; providerId?: string } = {},
    ) =>
      (
        await trx
          .insertInto('organisations')
          .values({
            name,
            kind,
            onsCode: extra.onsCode ?? null,
            odsCode: extra.odsCode ?? null,
            providerId: extra.providerId ?? null,
            createdAt: now,
            updatedAt: now,
          })
          .returning('id')
          .executeTakeFirstOrThrow()
      ).id

    progress('directory')
    const council = await org(demoCouncil.name, 'council', { onsCode: demoCouncil.onsCode })
    const organisations: Record<string, string> = {
      council,
      ccgNorth: await org('NHS Northmoor North CCG', 'nhs_commissioner', { odsCode: '99X' }),
      ccgSouth: await org('NHS Northmoor South CCG', 'nhs_commissioner', { odsCode: '99Y' }),
      ipc: await org('Northmoor Infection Prevention and Control Team', 'infection_control_team'),
      healthwatch: await org('Healthwatch Northmoor', 'healthwatch'),
      regulator: await org('Care Quality Commission (Northmoor inspection team)', 'regulator'),
      region: await org('North Region ADASS', 'region'),
    }
    for (const partner of ['ccgNorth', 'ccgSouth', 'ipc', 'healthwatch', 'regulator']) {
      await trx
        .insertInto('partnerCouncils')
        .values({ partnerId: organisations[partner]!, councilId: council })
        .execute()
    }

    // Providers: a few regional chains with several sites, and many single-site owners.
    type ProviderSeed = { id: string; name: string; sites: number }
    const providers: ProviderSeed[] = []
    let remaining = locationCount
    let providerNumber = 0
    while (remaining > 0) {
      providerNumber++
      const chain = providerNumber <= 25
      const sites = Math.min(
        remaining,
        chain ? faker.number.int({ min: 3, max: 12 }) : faker.number.int({ min: 1, max: 2 }),
      )
      const surname = faker.person.lastName()
      const name =
        providerNumber === 1
          ? 'Meadow Care Group Ltd'
          : chain
            ? `${surname} ${faker.helpers.arrayElement(['Care Group', 'Healthcare', 'Care Services', 'Homes'])} Ltd`
            : `${surname} ${faker.helpers.arrayElement(['Care', 'Care Ltd', 'Homecare', 'Support Services', 'Care Partnership'])}`
      providers.push({ id: '', name, sites })
      remaining -= sites
    }
    for (let i = 0; i < providers.length; i += 200) {
      const batch = providers.slice(i, i + 200)
      const rows = await trx
        .insertInto('providers')
        .values(
          batch.map((p, j) => ({
            cqcProviderId: `1-${String(900000000 + i + j).padStart(10, '1')}`,
            name: p.name,
            companiesHouseNumber: faker.datatype.boolean(0.7)
              ? String(faker.number.int({ min: 1000000, max: 13999999 })).padStart(8, '0')
              : null,
            ownership: faker.helpers.weightedArrayElement([
              { value: 'Private', weight: 80 },
              { value: 'Voluntary or charitable', weight: 15 },
              { value: 'Local authority', weight: 5 },
            ]),
            createdAt: now,
            updatedAt: now,
          })),
        )
        .returning('id')
        .execute()
      rows.forEach((r, j) => {
        batch[j]!.id = r.id
      })
    }
    organisations.demoProvider = await org(providers[0]!.name, 'provider', { providerId: providers[0]!.id })

    const locations = []
    let n = 0
    for (const provider of providers) {
      for (let s = 0; s < provider.sites; s++) {
        n++
        const serviceType = faker.helpers.weightedArrayElement(
          serviceMix.map(([value, weight]) => ({ value, weight })),
        )
        const isHome = serviceType === 'care_home_nursing' || serviceType === 'care_home_residential'
        // About one in twelve is just over the border: paid for by Northmoor, in a neighbour's area.
        const outOfArea = faker.datatype.boolean(0.08)
        const contracted = outOfArea || faker.datatype.boolean(0.68)
        const street = faker.location.street()
        const town = faker.location.city()
        locations.push({
          row: {
            providerId: provider.id,
            cqcLocationId: `1-${String(800000000 + n).padStart(10, '2')}`,
            odsCode:
              isHome && faker.datatype.boolean(0.6)
                ? `V${faker.string.alphanumeric({ length: 4, casing: 'upper' })}`
                : null,
            name: isHome
              ? `${faker.helpers.arrayElement([faker.person.lastName(), street.split(' ')[0], faker.word.noun({ length: { min: 4, max: 8 } })])} ${faker.helpers.arrayElement(['House', 'Lodge', 'Court', 'Manor', 'Grange', 'View', 'Care Home', 'Nursing Home'])}`.replace(
                  /^\w/,
                  (c) => c.toUpperCase(),
                )
              : `${provider.name.replace(/ Ltd$/, '')} – ${town}`,
            addressLine1: `${faker.number.int({ min: 1, max: 220 })} ${street}`,
            addressLine2: null,
            town,
            // Invented "NM" postcodes in the real format, so that every demo location passes validation.
            postcode: `NM${faker.number.int({ min: 1, max: 24 })} ${faker.number.int({ min: 1, max: 9 })}${faker.string.alpha({ length: 2, casing: 'upper', exclude: ['C', 'I', 'K', 'M', 'O', 'V'] })}`,
            councilId: outOfArea ? null : council,
            localAuthorityName: outOfArea
              ? faker.helpers.arrayElement(['Westbridge Borough Council', 'Southfold District Council'])
              : demoCouncil.name,
            area: outOfArea ? null : faker.helpers.arrayElement(demoAreas),
            serviceType,
            registeredBeds: isHome
              ? faker.number.int({
                  min: serviceType === 'care_home_nursing' ? 30 : 8,
                  max: serviceType === 'care_home_nursing' ? 110 : 60,
                })
              : null,
            peopleSupported: isHome ? null : faker.number.int({ min: 5, max: 320 }),
            cqcRating: faker.helpers.weightedArrayElement([
              { value: 'Good', weight: 70 },
              { value: 'Outstanding', weight: 5 },
              { value: 'Requires improvement', weight: 18 },
              { value: 'Inadequate', weight: 2 },
              { value: null, weight: 5 },
            ]),
            cqcRatingDate: faker.date
              .between({ from: '2017-01-01', to: '2020-02-28' })
              .toISOString()
              .slice(0, 10),
            registrationStart: faker.date
              .between({ from: '2011-01-01', to: '2019-12-31' })
              .toISOString()
              .slice(0, 10),
            registrationEnd: null,
            bcpReviewedOn: faker.datatype.boolean(0.75)
              ? faker.date.between({ from: '2019-06-01', to: '2020-03-31' }).toISOString().slice(0, 10)
              : null,
            nhsmail: isHome ? faker.datatype.boolean(0.45) : null,
            createdAt: now,
            updatedAt: now,
          },
          contracted,
        })
      }
    }
    const forReturns: Parameters<typeof loadDemoReturns>[2] = []
    for (let i = 0; i < locations.length; i += 200) {
      const batch = locations.slice(i, i + 200)
      const ids = await trx
        .insertInto('locations')
        .values(batch.map((l) => l.row))
        .returning('id')
        .execute()
      for (const [j, r] of ids.entries()) {
        const row = batch[j]!.row
        forReturns.push({
          id: r.id,
          serviceType: row.serviceType,
          registeredBeds: row.registeredBeds,
          peopleSupported: row.peopleSupported,
        })
      }
      const contracts = ids
        .filter((_, j) => batch[j]!.contracted)
        .map((r) => ({ councilId: council, locationId: r.id, createdAt: now }))
      if (contracts.length) await trx.insertInto('councilContracts').values(contracts).execute()
      // Every location opened on its registration date; the history starts there.
      await trx
        .insertInto('locationStatusEvents')
        .values(
          ids.map((r, j) => ({
            locationId: r.id,
            status: 'open' as const,
            effectiveFrom: batch[j]!.row.registrationStart,
            source: 'demo',
            importId: null,
            recordedBy: null,
            recordedAt: now,
          })),
        )
        .execute()
      const contacts = ids
        .filter(() => faker.datatype.boolean(0.6))
        .map((r) => ({
          locationId: r.id,
          name: faker.person.fullName(),
          jobTitle: faker.helpers.arrayElement([
            'Registered manager',
            'Deputy manager',
            'Operations director',
          ]),
          phone: `01632 ${faker.string.numeric(6)}`,
          email: `manager${faker.string.numeric(4)}@care.example`,
          createdAt: now,
          updatedAt: now,
        }))
      if (contacts.length) await trx.insertInto('locationContacts').values(contacts).execute()
    }

    progress('returns')
    const returns = await loadDemoReturns(trx, faker, forReturns, now, 12, (done, all) =>
      progress('returns', done / all),
    )
    progress('people')

    for (const user of demoUsers) {
      await trx
        .insertInto('users')
        .values({
          email: user.email,
          displayName: user.displayName,
          role: user.role,
          organisationId: organisations[user.organisation]!,
          passwordHash,
          status: 'active',
          createdAt: now,
          updatedAt: now,
        })
        .execute()
    }
    // The contact log, enquiries and FAQ need the demo users to exist.
    await loadDemoContacts(trx, now)
    // A few cases on the worklist: intelligence from partners, owned, passed on and unowned.
    await loadDemoCasework(trx, now)
    // The capabilities of support, money, plans and communications (demo-capabilities.ts).
    progress('capabilities')
    await loadCapabilityDemos(trx, now, faker, { council, demoProviderId: providers[0]!.id, organisations })
    // The risk rules over the demo returns: alerts, cases and RAG as the returns would have raised them.
    progress('risk')
    await recomputeRisk(trx, now)
    progress('welfare')
    // Welfare checks, continuity plans and protection plans, in every state (they read the RAG).
    await loadDemoWelfare(trx, now).then(() => loadDemoResilience(trx, now))
    const summary = {
      returns,
      locations: locations.length,
      providers: providers.length,
      users: demoUsers.length,
      organisations: Object.keys(organisations).length,
    }
    await recordAudit(trx, {
      actorUserId: null,
      organisationId: council,
      action: seedAuditActions.demoLoaded,
      entityType: 'database',
      entityId: null,
      after: summary,
      occurredAt: now,
    })
    return summary
  })
}
