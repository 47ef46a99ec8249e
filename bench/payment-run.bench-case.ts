import type { Db } from '../src/db/database.ts'
import { systemClock } from '../src/domain/clock.ts'
import type { Actor } from '../src/domain/policy.ts'
import { createRunService } from '../src/modules/payments/index.ts'
import type { BenchCase } from './bench-case.ts'

type Params = { packages: number }
type State = { packages: number; actor?: Actor }

const homes = ['care_home_residential', 'care_home_nursing'] as const

// A council's payment run for April 2020 over N commissioned packages (seed 004's schemes: +10 % in
// area, +6 % out, void beds, average hours for home care, hospital discharge +20 %), from the schemes
// and packages in the database to the saved run and its lines. The seed is not timed.
export const paymentRunCase: BenchCase<Params, Params, State> = {
  id: 'payment-run',

  async prepare(params) {
    return { input: params, facts: { packages: params.packages } }
  },

  async load(input) {
    return { packages: input.packages }
  },

  async setup(db, state) {
    const now = new Date()
    const org = async (name: string, kind: string, providerId: string | null = null) =>
      (
        await db
          .insertInto('organisations')
          .values({ name, kind, onsCode: null, odsCode: null, providerId, createdAt: now, updatedAt: now })
          .returning('id')
          .executeTakeFirstOrThrow()
      ).id
    const council = await org('Bench County Council', 'council')
    const user = await db
      .insertInto('users')
      .values({
        email: 'finance@bench.example',
        displayName: 'Bench Finance',
        role: 'finance_officer',
        organisationId: council,
        passwordHash: 'x',
        status: 'active',
        createdAt: now,
        updatedAt: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    state.actor = {
      userId: user.id,
      role: 'finance_officer',
      organisationId: council,
      organisationKind: 'council',
      councilIds: [council],
      providerId: null,
    }
    const providerCount = Math.ceil(state.packages / 10)
    const providers: string[] = []
    for (let i = 0; i < providerCount; i += 1000) {
      const rows = await db
        .insertInto('providers')
        .values(
          Array.from({ length: Math.min(1000, providerCount - i) }, (_, j) => ({
            name: `Bench Provider ${i + j}`,
            cqcProviderId: `1-B${i + j}`,
            companiesHouseNumber: null,
            ownership: 'Private',
            createdAt: now,
            updatedAt: now,
          })),
        )
        .returning('id')
        .execute()
      providers.push(...rows.map((r) => r.id))
    }
    for (let i = 0; i < state.packages; i += 1000) {
      const batch = Array.from({ length: Math.min(1000, state.packages - i) }, (_, j) => i + j)
      const locations = await db
        .insertInto('locations')
        .values(
          batch.map((n) => ({
            providerId: providers[n % providerCount]!,
            councilId: n % 12 === 0 ? null : council,
            cqcLocationId: `1-L${n}`,
            odsCode: null,
            name: `Bench Location ${n}`,
            addressLine1: null,
            addressLine2: null,
            town: null,
            postcode: null,
            localAuthorityName: null,
            area: null,
            serviceType: n % 3 === 0 ? 'home_care' : homes[n % 2]!,
            registeredBeds: n % 3 === 0 ? null : 30,
            peopleSupported: null,
            cqcRating: null,
            cqcRatingDate: null,
            registrationStart: null,
            registrationEnd: null,
            bcpReviewedOn: null,
            nhsmail: null,
            createdAt: now,
            updatedAt: now,
          })),
        )
        .returning(['id', 'providerId', 'serviceType', 'councilId'])
        .execute()
      await db
        .insertInto('councilContracts')
        .values(
          locations
            .filter((_, j) => (i + j) % 4 !== 3)
            .map((l) => ({ councilId: council, locationId: l.id, createdAt: now })),
        )
        .execute()
      const packages = await db
        .insertInto('commissionedPackages')
        .values(
          locations.map((l, j) => {
            const n = i + j
            const hours = l.serviceType === 'home_care'
            return {
              councilId: council,
              providerId: l.providerId,
              locationId: l.id,
              reference: `B-${n}`,
              serviceType: l.serviceType,
              funder: 'council',
              beds: hours ? null : 1 + (n % 12),
              weeklyRatePence: hours ? null : 55_000 + (n % 8) * 2_500,
              hourlyRatePence: hours ? 1_750 + (n % 5) * 50 : null,
              plannedHoursHundredths: hours ? (10 + (n % 30)) * 100 : null,
              startsOn: n % 9 === 0 ? '2020-04-13' : '2019-04-01',
              endsOn: n % 11 === 0 ? '2020-04-20' : null,
              inArea: l.councilId === council,
              dischargePathway: n % 5 === 0,
              createdBy: null,
              createdAt: now,
              updatedAt: now,
            }
          }),
        )
        .returning(['id', 'hourlyRatePence', 'plannedHoursHundredths'])
        .execute()
      const weeks = packages.flatMap((p, j) =>
        p.hourlyRatePence === null
          ? []
          : Array.from({ length: 10 }, (_, w) => ({
              packageId: p.id,
              weekStarting: new Date(Date.UTC(2020, 2, 2 + 7 * w)).toISOString().slice(0, 10),
              hoursHundredths: Math.round(p.plannedHoursHundredths! * (w > 4 && (w + j) % 3 === 0 ? 0.7 : 1)),
              recordedAt: now,
            })),
      )
      for (let k = 0; k < weeks.length; k += 2000)
        await db
          .insertInto('deliveredHours')
          .values(weeks.slice(k, k + 2000))
          .execute()
      const voids = packages
        .filter((p, j) => p.hourlyRatePence === null && j % 10 === 1)
        .map((p, j) => ({
          packageId: p.id,
          beds: 1 + (j % 2),
          startsOn: '2020-04-06',
          endsOn: '2020-04-19',
          recordedBy: null,
          recordedAt: now,
        }))
      if (voids.length) await db.insertInto('voidBeds').values(voids).execute()
    }
    const scheme = (name: string, kind: string, extra: Record<string, unknown>) => ({
      councilId: council,
      name,
      kind,
      startsOn: '2020-03-19',
      endsOn: '2020-06-30',
      percentBasisPoints: null,
      averageWeeks: null,
      amountPence: null,
      serviceTypes: JSON.stringify(homes),
      contractedOnly: true,
      area: 'any',
      funder: 'council',
      createdBy: null,
      createdAt: now,
      ...extra,
    })
    await db
      .insertInto('paymentSchemes')
      .values([
        scheme('+10 % in area', 'uplift', { percentBasisPoints: 1000, area: 'in' }),
        scheme('+6 % out of area', 'uplift', { percentBasisPoints: 600, area: 'out' }),
        scheme('Void beds', 'void_beds', {}),
        scheme('Average hours', 'average_payment', {
          startsOn: '2020-04-01',
          averageWeeks: 4,
          serviceTypes: '["home_care"]',
        }),
        scheme('Hospital discharge', 'discharge_rate', {
          startsOn: '2020-04-01',
          percentBasisPoints: 2000,
          serviceTypes: '[]',
        }),
      ])
      .execute()
  },

  // The run as a finance officer prepares it on the web: read, compute, save the run and its lines.
  async run(db: Db, state) {
    const runs = createRunService({ db, clock: systemClock })
    const prepared = await runs.prepare(state.actor!, { from: '2020-04-01', to: '2020-04-30' })
    if (!prepared?.ok) throw new Error(`the run was refused: ${JSON.stringify(prepared)}`)
    return { runId: prepared.value.id }
  },

  async verify(db, details) {
    const lines = await db
      .selectFrom('paymentLines')
      .where('runId', '=', String(details.runId))
      .select((eb) => [eb.fn.countAll<string>().as('n'), eb.fn.sum<string>('amountPence').as('pence')])
      .executeTakeFirstOrThrow()
    if (Number(lines.n) === 0) throw new Error('the run has no lines')
    return { lines: Number(lines.n), totalPounds: Number(lines.pence) / 100 }
  },
}
