import { sql } from 'kysely'
import type { Db } from '../src/db/database.ts'
import { systemClock } from '../src/domain/clock.ts'
import type { Actor } from '../src/domain/policy.ts'
import { createGrantsService } from '../src/modules/grants/index.ts'
import type { BenchCase } from './bench-case.ts'

type Params = { councils: number; homesPerCouncil: number }
type State = Params & { rounds: { id: string; actor: Actor }[] }

// Issue 23: a round allocated over 15,000 care homes in 150 councils. Each council's finance officer
// previews its round: the directory's history read on the snapshot date, eligibility with reasons,
// the formula share split to the penny by largest remainder, each amount explained, the preview kept
// and audited. Set up before the clock: the councils, their homes (random beds), status history,
// capacity tracker returns and a round each.
const snapshotDate = '2020-05-15'

async function seed(db: Db, state: State) {
  const { councils, homesPerCouncil } = state
  const orgs = await db
    .insertInto('organisations')
    .values(
      Array.from({ length: councils }, (_, i) => ({
        name: `Bench council ${i + 1}`,
        kind: 'council',
        onsCode: `E${String(10_000_000 + i)}`,
        odsCode: null,
        providerId: null,
        createdAt: new Date(),
        updatedAt: new Date(),
      })),
    )
    .returning('id')
    .execute()
  const users = await db
    .insertInto('users')
    .values(
      orgs.map((o, i) => ({
        email: `finance${i}@bench.example`,
        displayName: `Finance ${i}`,
        role: 'finance_officer',
        organisationId: o.id,
        passwordHash: null,
        status: 'active',
        createdAt: new Date(),
        updatedAt: new Date(),
      })),
    )
    .returning('id')
    .execute()
  let seedValue = 23
  const random = () => {
    seedValue = (seedValue * 1_103_515_245 + 12_345) % 2_147_483_648
    return seedValue / 2_147_483_648
  }
  const providers = await db
    .insertInto('providers')
    .values(
      Array.from({ length: Math.ceil((councils * homesPerCouncil) / 5) }, (_, i) => ({
        name: `Bench provider ${i}`,
        cqcProviderId: `1-b${i}`,
        companiesHouseNumber: null,
        ownership: 'Private',
        createdAt: new Date(),
        updatedAt: new Date(),
      })),
    )
    .returning('id')
    .execute()
  for (const [c, org] of orgs.entries()) {
    const rows = Array.from({ length: homesPerCouncil }, (_, h) => ({
      providerId: providers[Math.floor((c * homesPerCouncil + h) / 5)]!.id,
      cqcLocationId: `1-bl${c}-${h}`,
      odsCode: null,
      name: `Home ${c}-${h}`,
      addressLine1: null,
      addressLine2: null,
      town: null,
      postcode: null,
      councilId: org.id,
      localAuthorityName: null,
      area: null,
      serviceType: 'care_home_residential',
      registeredBeds: 1 + Math.floor(random() * 120),
      peopleSupported: null,
      cqcRating: null,
      cqcRatingDate: null,
      registrationStart: '2015-01-01',
      registrationEnd: null,
      bcpReviewedOn: null,
      nhsmail: null,
      createdAt: new Date(),
      updatedAt: new Date(),
    }))
    const ids = await db.insertInto('locations').values(rows).returning('id').execute()
    await db
      .insertInto('locationStatusEvents')
      .values(
        ids.map((l, i) => ({
          locationId: l.id,
          status: i % 40 === 0 ? ('closed' as const) : ('open' as const),
          effectiveFrom: i % 40 === 0 ? '2020-03-01' : '2015-01-01',
          source: 'bench',
          importId: null,
          recordedBy: null,
          recordedAt: new Date(),
        })),
      )
      .execute()
    await db
      .insertInto('situationReturns')
      .values(
        ids
          .filter((_, i) => i % 25 !== 0)
          .map((l) => ({
            locationId: l.id,
            frequency: 'daily',
            periodStart: '2020-05-14',
            version: 1,
            isCurrent: true,
            datasetVersion: 1,
            values: '{}',
            nilReturn: false,
            nothingChanged: false,
            source: 'import' as const,
            timing: 'on-time',
            submittedBy: null,
            submittedAt: new Date('2020-05-14T09:00:00Z'),
            amendmentReason: null,
          })),
      )
      .execute()
  }
  const grants = createGrantsService({ db, clock: systemClock })
  for (const [i, org] of orgs.entries()) {
    const actor: Actor = {
      userId: users[i]!.id,
      role: 'finance_officer',
      organisationId: org.id,
      organisationKind: 'council',
      councilIds: [org.id],
      providerId: null,
    }
    const created = await grants.createRound(actor, {
      name: 'Infection Control Fund 2020, round 1',
      pot: String(1_000_000 + i * 10_000),
      retained: '50000',
      retainedPurpose: 'Emergency staffing',
      formulaShare: '75',
      discretionaryShare: '25',
      basis: 'registered_beds',
      snapshotDay: '15',
      snapshotMonth: '5',
      snapshotYear: '2020',
      roundDay: '22',
      roundMonth: '5',
      roundYear: '2020',
      passOnDays: '10',
      tranche1Day: '29',
      tranche1Month: '5',
      tranche1Year: '2020',
      tranche1Share: '50',
      tranche2Day: '24',
      tranche2Month: '7',
      tranche2Year: '2020',
      tranche2Share: '50',
      measuresAllowed: 'Isolating residents\nRestricting staff movement',
      measuresNotAllowed: 'PPE',
      rules: ['registered-open', 'returns-submitted', 'not-refused'],
      clawback: 'yes',
      funderId: 'GB-LAE-BEN',
    })
    if (!created?.ok) throw new Error(`round not created: ${JSON.stringify(created)}`)
    state.rounds.push({ id: created.value.id, actor })
  }
  await sql`analyze`.execute(db)
}

export const grantsAllocationCase: BenchCase<Params, Params, State> = {
  id: 'grants-allocation',
  async prepare(params) {
    return {
      input: params,
      facts: { careHomes: params.councils * params.homesPerCouncil, councils: params.councils, snapshotDate },
    }
  },
  async load(input) {
    return { ...input, rounds: [] }
  },
  async setup(db, state) {
    await seed(db, state)
  },
  async run(db, state) {
    const grants = createGrantsService({ db, clock: systemClock })
    for (const round of state.rounds) {
      const previewed = await grants.preview(round.actor, round.id)
      if (!previewed) throw new Error('preview refused')
    }
    return { rounds: state.rounds.length }
  },
  async verify(db) {
    const previews = await db.selectFrom('grantPreviews').select(['lines', 'formulaPence']).execute()
    let homes = 0
    for (const p of previews) {
      const lines = p.lines as { amountPence: string }[]
      homes += lines.length
      const sum = lines.reduce((s, l) => s + BigInt(l.amountPence), 0n)
      if (sum !== BigInt(p.formulaPence)) throw new Error('an allocation does not sum to its share')
    }
    return { previews: previews.length, homesAllocated: homes }
  },
}
