import { sql } from 'kysely'
import type { DbOrTransaction } from '../../db/database.ts'
import type { ServiceType } from '../../domain/service-types.ts'
import { weeklyBedOccupancy } from '../returns/index.ts'
import type { DeliveredWeek, VoidBeds } from './domain/calculation.ts'
import type { DeliveredRow, KnownLocation, NewPackage, VoidRow } from './domain/package-rows.ts'
import type { CommissionedPackage, Funder, Scheme, SchemeKind } from './domain/schemes.ts'

// The SQL of commissioned packages, their delivered hours and void beds, and the schemes.

// The locations a council may commission from: in its area or contracted by it, by CQC location ID.
export async function knownLocations(db: DbOrTransaction, councilId: string) {
  const rows = await db
    .selectFrom('locations')
    .leftJoin('councilContracts', (j) =>
      j
        .onRef('councilContracts.locationId', '=', 'locations.id')
        .on('councilContracts.councilId', '=', councilId),
    )
    .where((eb) =>
      eb.or([eb('locations.councilId', '=', councilId), eb('councilContracts.councilId', '=', councilId)]),
    )
    .where('locations.cqcLocationId', 'is not', null)
    .select([
      'locations.id',
      'locations.providerId',
      'locations.cqcLocationId',
      'locations.serviceType',
      'locations.councilId',
      'councilContracts.councilId as contractedBy',
    ])
    .execute()
  const map = new Map<string, KnownLocation>()
  for (const r of rows)
    map.set(r.cqcLocationId!, {
      locationId: r.id,
      providerId: r.providerId,
      serviceType: r.serviceType as ServiceType,
      inArea: r.councilId === councilId,
      contracted: r.contractedBy !== null,
    })
  return map
}

// Saves packages by reference: a reference already known is updated to the row given.
export async function savePackages(
  db: DbOrTransaction,
  councilId: string,
  rows: NewPackage[],
  by: string | null,
  now: Date,
) {
  for (let i = 0; i < rows.length; i += 1000) {
    await db
      .insertInto('commissionedPackages')
      .values(
        rows.slice(i, i + 1000).map((p) => ({
          councilId,
          providerId: p.providerId,
          locationId: p.locationId,
          reference: p.reference,
          serviceType: p.serviceType,
          funder: p.funder,
          beds: p.beds,
          weeklyRatePence: p.weeklyRatePence,
          hourlyRatePence: p.hourlyRatePence,
          plannedHoursHundredths: p.plannedHoursHundredths,
          startsOn: p.startsOn,
          endsOn: p.endsOn,
          inArea: p.inArea,
          dischargePathway: p.dischargePathway,
          createdBy: by,
          createdAt: now,
          updatedAt: now,
        })),
      )
      .onConflict((oc) =>
        oc.columns(['councilId', 'reference']).doUpdateSet((eb) => ({
          providerId: eb.ref('excluded.providerId'),
          locationId: eb.ref('excluded.locationId'),
          serviceType: eb.ref('excluded.serviceType'),
          funder: eb.ref('excluded.funder'),
          beds: eb.ref('excluded.beds'),
          weeklyRatePence: eb.ref('excluded.weeklyRatePence'),
          hourlyRatePence: eb.ref('excluded.hourlyRatePence'),
          plannedHoursHundredths: eb.ref('excluded.plannedHoursHundredths'),
          startsOn: eb.ref('excluded.startsOn'),
          endsOn: eb.ref('excluded.endsOn'),
          inArea: eb.ref('excluded.inArea'),
          dischargePathway: eb.ref('excluded.dischargePathway'),
          updatedAt: eb.ref('excluded.updatedAt'),
        })),
      )
      .execute()
  }
}

// The council's home care packages by reference, for delivered hours.
export async function hoursPackageIds(db: DbOrTransaction, councilId: string) {
  const rows = await db
    .selectFrom('commissionedPackages')
    .where('councilId', '=', councilId)
    .where('hourlyRatePence', 'is not', null)
    .select(['id', 'reference'])
    .execute()
  return new Map(rows.map((r) => [r.reference, r.id]))
}

// The council's packages of beds by reference, for void beds.
export async function bedPackageIds(db: DbOrTransaction, councilId: string) {
  const rows = await db
    .selectFrom('commissionedPackages')
    .where('councilId', '=', councilId)
    .where('weeklyRatePence', 'is not', null)
    .select(['id', 'reference'])
    .execute()
  return new Map(rows.map((r) => [r.reference, r.id]))
}

export async function saveVoidBeds(
  db: DbOrTransaction,
  ids: Map<string, string>,
  rows: VoidRow[],
  by: string,
  now: Date,
) {
  for (let i = 0; i < rows.length; i += 1000)
    await db
      .insertInto('voidBeds')
      .values(
        rows.slice(i, i + 1000).map((r) => ({
          packageId: ids.get(r.reference)!,
          beds: r.beds,
          startsOn: r.startsOn,
          endsOn: r.endsOn,
          recordedBy: by,
          recordedAt: now,
        })),
      )
      .execute()
}

export async function saveDeliveredHours(
  db: DbOrTransaction,
  ids: Map<string, string>,
  rows: DeliveredRow[],
  now: Date,
) {
  for (let i = 0; i < rows.length; i += 1000) {
    await db
      .insertInto('deliveredHours')
      .values(
        rows.slice(i, i + 1000).map((r) => ({
          packageId: ids.get(r.reference)!,
          weekStarting: r.weekStarting,
          hoursHundredths: r.hoursHundredths,
          recordedAt: now,
        })),
      )
      .onConflict((oc) =>
        oc.columns(['packageId', 'weekStarting']).doUpdateSet((eb) => ({
          hoursHundredths: eb.ref('excluded.hoursHundredths'),
          recordedAt: eb.ref('excluded.recordedAt'),
        })),
      )
      .execute()
  }
}

export async function packagesPage(
  db: DbOrTransaction,
  councilId: string,
  page: { number: number; size: number },
) {
  const base = db.selectFrom('commissionedPackages').where('commissionedPackages.councilId', '=', councilId)
  const total = await base.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()
  const rows = await base
    .innerJoin('providers', 'providers.id', 'commissionedPackages.providerId')
    .leftJoin('locations', 'locations.id', 'commissionedPackages.locationId')
    .selectAll('commissionedPackages')
    .select(['providers.name as providerName', 'locations.name as locationName'])
    .orderBy('commissionedPackages.reference')
    .limit(page.size)
    .offset((page.number - 1) * page.size)
    .execute()
  return { rows, total: Number(total.n) }
}

export async function schemesOf(db: DbOrTransaction, councilId: string): Promise<Scheme[]> {
  const rows = await db
    .selectFrom('paymentSchemes')
    .where('councilId', '=', councilId)
    .selectAll()
    .orderBy('startsOn')
    .orderBy('name')
    .execute()
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    kind: r.kind as SchemeKind,
    startsOn: r.startsOn,
    endsOn: r.endsOn,
    percentBasisPoints: r.percentBasisPoints,
    averageWeeks: r.averageWeeks,
    amountPence: r.amountPence === null ? null : Number(r.amountPence),
    voidBedsFrom: r.voidBedsFrom === 'returns' ? 'returns' : 'list',
    eligibility: {
      serviceTypes: (typeof r.serviceTypes === 'string'
        ? JSON.parse(r.serviceTypes)
        : r.serviceTypes) as ServiceType[],
      contractedOnly: r.contractedOnly,
      area: r.area as 'in' | 'out' | 'any',
      funder: r.funder as Funder | 'any',
    },
  }))
}

// What a run over the period needs: the packages open in it (with whether the council contracts with
// their location), their void beds, their delivered hours up to the period's end, and (when a void-bed
// scheme reads them) the beds their care homes reported each week, through the returns' index.
export async function runInputs(
  db: DbOrTransaction,
  councilId: string,
  period: { from: string; to: string },
  options: { occupancy?: boolean } = {},
) {
  const rows = await db
    .selectFrom('commissionedPackages as p')
    .where('p.councilId', '=', councilId)
    .where('p.startsOn', '<=', period.to)
    .where((eb) => eb.or([eb('p.endsOn', 'is', null), eb('p.endsOn', '>=', period.from)]))
    .select([
      'p.id',
      'p.reference',
      'p.providerId',
      'p.locationId',
      'p.serviceType',
      'p.funder',
      'p.beds',
      'p.weeklyRatePence',
      'p.hourlyRatePence',
      'p.plannedHoursHundredths',
      'p.startsOn',
      'p.endsOn',
      'p.inArea',
      'p.dischargePathway',
      // By the package's location (the contracts' key), or without one by any location of its provider.
      sql<boolean>`case when p.location_id is not null
        then exists (select 1 from council_contracts c where c.council_id = ${councilId} and c.location_id = p.location_id)
        else exists (select 1 from council_contracts c join locations l on l.id = c.location_id
          where c.council_id = ${councilId} and l.provider_id = p.provider_id) end`.as('contracted'),
    ])
    .execute()
  const packages: CommissionedPackage[] = rows.map((r) => ({
    ...r,
    serviceType: r.serviceType as ServiceType,
    funder: r.funder as Funder,
    weeklyRatePence: r.weeklyRatePence === null ? null : Number(r.weeklyRatePence),
    hourlyRatePence: r.hourlyRatePence === null ? null : Number(r.hourlyRatePence),
    contracted: Boolean(r.contracted),
  }))
  const voids: VoidBeds[] = (
    await db
      .selectFrom('voidBeds')
      .innerJoin('commissionedPackages as p', 'p.id', 'voidBeds.packageId')
      .where('p.councilId', '=', councilId)
      .where('voidBeds.startsOn', '<=', period.to)
      .where('voidBeds.endsOn', '>=', period.from)
      .select(['voidBeds.packageId', 'voidBeds.beds', 'voidBeds.startsOn as from', 'voidBeds.endsOn as to'])
      .execute()
  ).map((v) => ({ ...v }))
  const delivered: DeliveredWeek[] = await db
    .selectFrom('deliveredHours')
    .innerJoin('commissionedPackages as p', 'p.id', 'deliveredHours.packageId')
    .where('p.councilId', '=', councilId)
    .where('deliveredHours.weekStarting', '<=', period.to)
    .select(['deliveredHours.packageId', 'deliveredHours.weekStarting', 'deliveredHours.hoursHundredths'])
    .execute()
  const occupancy = options.occupancy
    ? await weeklyBedOccupancy(
        db,
        [...new Set(packages.filter((p) => p.beds !== null && p.locationId).map((p) => p.locationId!))],
        period,
      )
    : []
  return { packages, voids, delivered, occupancy }
}
