import type { DbOrTransaction } from '../../db/database.ts'
import { londonDate } from '../../domain/dates.ts'
import { isCareHome } from '../../domain/service-types.ts'
import { computeRun } from './domain/calculation.ts'
import { addDays } from './domain/dates.ts'
import { runInputs, savePackages, schemesOf } from './packages.repository.ts'
import { insertRun } from './runs.repository.ts'

// The demo county's payments: commissioned packages and beds for the council's contracted locations
// (Meadow Care's first home among them), the 2020 schemes of seed 004 as data, void beds and delivered
// hours, a void-bed scheme reading the homes' recent returns, three approved and paid runs (19 March to 31 May 2020) and one held line. Deterministic, and
// in a few multi-row inserts.
// Two finance officers of the council prepare and approve (four eyes); without two, nothing is loaded.
export async function loadDemoPayments(trx: DbOrTransaction, now: Date) {
  const officers = await trx
    .selectFrom('users')
    .innerJoin('organisations', 'organisations.id', 'users.organisationId')
    .where('users.role', '=', 'finance_officer')
    .where('organisations.kind', '=', 'council')
    .select(['users.id', 'users.organisationId'])
    .orderBy('users.email')
    .execute()
  if (officers.length < 2) return { packages: 0 }
  const councilId = officers[0]!.organisationId
  const users = { preparedBy: officers[0]!.id, approvedBy: officers[1]!.id }
  // Meadow Care's first location is commissioned, so its manager sees payments on the home page.
  const meadow = await trx
    .selectFrom('locations')
    .where('cqcLocationId', '=', '1-2800000001')
    .select('id')
    .executeTakeFirst()
  if (meadow)
    await trx
      .insertInto('councilContracts')
      .values({ councilId, locationId: meadow.id, createdAt: now })
      .onConflict((oc) => oc.doNothing())
      .execute()
  const locations = await trx
    .selectFrom('locations')
    .innerJoin('councilContracts', 'councilContracts.locationId', 'locations.id')
    .where('councilContracts.councilId', '=', councilId)
    .where('locations.serviceType', 'in', ['care_home_residential', 'care_home_nursing', 'home_care'])
    .select([
      'locations.id',
      'locations.providerId',
      'locations.serviceType',
      'locations.councilId',
      'locations.registeredBeds',
    ])
    .orderBy('locations.cqcLocationId')
    .execute()

  const packages = locations.map((l, i) => {
    const home = isCareHome(l.serviceType)
    return {
      reference: `NM-${String(i + 1).padStart(5, '0')}`,
      providerId: l.providerId,
      locationId: l.id,
      serviceType: l.serviceType as 'home_care',
      funder: i % 11 === 3 ? ('nhs_chc' as const) : ('council' as const),
      beds: home ? Math.max(1, Math.min(l.registeredBeds ?? 10, 4 + (i % 9))) : null,
      weeklyRatePence: home ? 55_000 + (i % 8) * 2_500 : null,
      hourlyRatePence: home ? null : 1_750 + (i % 5) * 50,
      plannedHoursHundredths: home ? null : (20 + (i % 7) * 15) * 100,
      startsOn: i % 13 === 5 ? '2020-04-20' : '2019-04-01',
      endsOn: i % 17 === 2 ? '2020-05-15' : null,
      inArea: l.councilId === councilId,
      dischargePathway: i % 5 === 0,
      contracted: true,
    }
  })
  await savePackages(trx, councilId, packages, null, now)

  const scheme = (s: {
    name: string
    kind: string
    startsOn: string
    percentBasisPoints?: number
    averageWeeks?: number
    serviceTypes: string[]
    area?: string
  }) => ({
    councilId,
    name: s.name,
    kind: s.kind,
    startsOn: s.startsOn,
    endsOn: '2020-06-30',
    percentBasisPoints: s.percentBasisPoints ?? null,
    averageWeeks: s.averageWeeks ?? null,
    amountPence: null,
    serviceTypes: JSON.stringify(s.serviceTypes),
    contractedOnly: true,
    area: s.area ?? 'any',
    funder: 'council',
    createdBy: users.preparedBy,
    createdAt: now,
  })
  const homes = ['care_home_residential', 'care_home_nursing']
  await trx
    .insertInto('paymentSchemes')
    .values([
      scheme({
        name: 'Care homes in the county: +10 %',
        kind: 'uplift',
        startsOn: '2020-03-19',
        percentBasisPoints: 1000,
        serviceTypes: homes,
        area: 'in',
      }),
      scheme({
        name: 'Care homes out of the county: +6 %',
        kind: 'uplift',
        startsOn: '2020-03-19',
        percentBasisPoints: 600,
        serviceTypes: homes,
        area: 'out',
      }),
      scheme({
        name: 'Void commissioned beds',
        kind: 'void_beds',
        startsOn: '2020-03-19',
        serviceTypes: homes,
      }),
      scheme({
        name: 'Home care: average hours',
        kind: 'average_payment',
        startsOn: '2020-04-01',
        averageWeeks: 4,
        serviceTypes: ['home_care'],
      }),
      scheme({
        name: 'Hospital discharge: +20 %',
        kind: 'discharge_rate',
        startsOn: '2020-04-01',
        percentBasisPoints: 2000,
        serviceTypes: [],
      }),
    ])
    .execute()

  // Void beds from the homes' own returns, over the weeks the demo's returns cover: a run prepared
  // for those weeks pays them, each line naming the return of each week.
  const today = londonDate(now)
  await trx
    .insertInto('paymentSchemes')
    .values({
      ...scheme({
        name: 'Void commissioned beds, from the homes’ returns',
        kind: 'void_beds',
        startsOn: addDays(today, -27),
        serviceTypes: homes,
      }),
      endsOn: today,
      voidBedsFrom: 'returns',
    })
    .execute()

  const saved = await trx
    .selectFrom('commissionedPackages')
    .where('councilId', '=', councilId)
    .select(['id', 'reference', 'beds', 'plannedHoursHundredths'])
    .orderBy('reference')
    .execute()
  const voids = saved
    .filter((p, i) => p.beds !== null && i % 6 === 1)
    .map((p, i) => ({
      packageId: p.id,
      beds: 1 + (i % 3),
      startsOn: addDays('2020-04-01', i % 20),
      endsOn: addDays('2020-04-01', (i % 20) + 9 + (i % 15)),
      recordedBy: users.preparedBy,
      recordedAt: now,
    }))
  if (voids.length) await trx.insertInto('voidBeds').values(voids).execute()
  // Weeks from Monday 2 March to Monday 29 June 2020: steady before April, some weeks short after.
  const delivered = saved.flatMap((p, i) => {
    if (p.plannedHoursHundredths === null) return []
    return Array.from({ length: 18 }, (_, w) => {
      const weekStarting = addDays('2020-03-02', 7 * w)
      const short = weekStarting >= '2020-03-30' && (w + i) % 3 === 0 ? 0.6 + ((w + i) % 4) * 0.1 : 1
      return {
        packageId: p.id,
        weekStarting,
        hoursHundredths: Math.round(p.plannedHoursHundredths! * short),
        recordedAt: now,
      }
    })
  })
  for (let i = 0; i < delivered.length; i += 2000)
    await trx
      .insertInto('deliveredHours')
      .values(delivered.slice(i, i + 2000))
      .execute()

  const schemes = await schemesOf(trx, councilId)
  const runs = [
    { from: '2020-03-19', to: '2020-03-31', paidOn: '2020-04-07' },
    { from: '2020-04-01', to: '2020-04-30', paidOn: '2020-05-07' },
    { from: '2020-05-01', to: '2020-05-31', paidOn: '2020-06-05' },
  ]
  for (const [n, r] of runs.entries()) {
    const period = { from: r.from, to: r.to }
    const lines = computeRun({ period, schemes, ...(await runInputs(trx, councilId, period)) })
    const preparedAt = new Date(`${r.to}T16:00:00Z`)
    const run = await insertRun(
      trx,
      {
        councilId,
        reference: `PR-${String(n + 1).padStart(4, '0')}`,
        kind: 'standard',
        adjustsRunId: null,
        periodStart: r.from,
        periodEnd: r.to,
        preparedBy: users.preparedBy,
        preparedAt,
      },
      lines,
    )
    // One line held in April's run, with its reason.
    let held = 0
    if (n === 1 && lines.length) {
      const first = await trx
        .selectFrom('paymentLines')
        .where('runId', '=', run.id)
        .orderBy('amountPence', 'desc')
        .select(['id', 'amountPence'])
        .executeTakeFirstOrThrow()
      held = Number(first.amountPence)
      await trx
        .updateTable('paymentLines')
        .set({
          held: true,
          holdReason:
            'The home’s invoice shows fewer commissioned beds than the package: checking with the commissioner',
        })
        .where('id', '=', first.id)
        .execute()
    }
    await trx
      .updateTable('paymentRuns')
      .set({
        status: 'approved',
        approvedBy: users.approvedBy,
        approvedAt: new Date(`${addDays(r.to, 2)}T10:00:00Z`),
        totalPence: run.total - held,
        heldPence: held,
      })
      .where('id', '=', run.id)
      .execute()
    await trx
      .updateTable('paymentLines')
      .set({ paidOn: r.paidOn })
      .where('runId', '=', run.id)
      .where('held', '=', false)
      .execute()
  }
  return { packages: packages.length }
}
