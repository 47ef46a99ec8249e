import { sql } from 'kysely'
import type { DbOrTransaction } from '../../db/database.ts'
import type { PaymentLine } from './domain/calculation.ts'

// The SQL of payment runs and their lines.

export async function nextRunReference(db: DbOrTransaction, councilId: string) {
  const row = await db
    .selectFrom('paymentRuns')
    .where('councilId', '=', councilId)
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .executeTakeFirstOrThrow()
  return `PR-${String(Number(row.n) + 1).padStart(4, '0')}`
}

// A standard run whose period meets the given one (runs pay a period once).
export async function overlappingRun(db: DbOrTransaction, councilId: string, from: string, to: string) {
  return db
    .selectFrom('paymentRuns')
    .where('councilId', '=', councilId)
    .where('kind', '=', 'standard')
    .where('periodStart', '<=', to)
    .where('periodEnd', '>=', from)
    .select(['reference', 'periodStart', 'periodEnd'])
    .executeTakeFirst()
}

export async function insertRun(
  db: DbOrTransaction,
  run: {
    councilId: string
    reference: string
    kind: 'standard' | 'adjusting'
    adjustsRunId: string | null
    periodStart: string
    periodEnd: string
    preparedBy: string
    preparedAt: Date
  },
  lines: (PaymentLine & { correctsLineId?: string | null })[],
) {
  const total = lines.reduce((s, l) => s + l.amountPence, 0)
  const { id } = await db
    .insertInto('paymentRuns')
    .values({ ...run, status: 'prepared', totalPence: total, heldPence: 0 })
    .returning('id')
    .executeTakeFirstOrThrow()
  for (let i = 0; i < lines.length; i += 2000) {
    await db
      .insertInto('paymentLines')
      .values(
        lines.slice(i, i + 2000).map((l) => ({
          runId: id,
          providerId: l.providerId,
          locationId: l.locationId,
          packageId: l.packageId,
          schemeId: l.schemeId || null,
          correctsLineId: l.correctsLineId ?? null,
          serviceType: l.serviceType,
          contracted: l.contracted,
          amountPence: l.amountPence,
          explanation: l.explanation,
        })),
      )
      .execute()
  }
  return { id, total }
}

export function findRun(db: DbOrTransaction, councilId: string, id: string) {
  return db
    .selectFrom('paymentRuns as r')
    .innerJoin('users as preparer', 'preparer.id', 'r.preparedBy')
    .leftJoin('users as approver', 'approver.id', 'r.approvedBy')
    .leftJoin('paymentRuns as adjusted', 'adjusted.id', 'r.adjustsRunId')
    .where('r.councilId', '=', councilId)
    .where('r.id', '=', id)
    .selectAll('r')
    .select([
      'preparer.displayName as preparedByName',
      'approver.displayName as approvedByName',
      'adjusted.reference as adjustsReference',
      sql<string | null>`(select max(paid_on)::text from payment_lines where run_id = r.id)`.as('paidOn'),
    ])
    .executeTakeFirst()
}

export function listRuns(db: DbOrTransaction, councilId: string) {
  return db
    .selectFrom('paymentRuns as r')
    .where('r.councilId', '=', councilId)
    .selectAll('r')
    .select(
      sql<string | null>`(select max(paid_on)::text from payment_lines where run_id = r.id)`.as('paidOn'),
    )
    .orderBy('r.preparedAt', 'desc')
    .orderBy('r.reference', 'desc')
    .limit(200)
    .execute()
}

// The amount due to each provider in a run, held lines apart.
export function providerTotals(db: DbOrTransaction, runId: string) {
  return db
    .selectFrom('paymentLines as l')
    .innerJoin('providers', 'providers.id', 'l.providerId')
    .where('l.runId', '=', runId)
    .groupBy(['providers.id', 'providers.name'])
    .select([
      'providers.id',
      'providers.name',
      sql<string>`coalesce(sum(l.amount_pence) filter (where not l.held), 0)`.as('due'),
      sql<string>`coalesce(sum(l.amount_pence) filter (where l.held), 0)`.as('held'),
      sql<string>`count(*)`.as('lines'),
    ])
    .orderBy('providers.name')
    .execute()
}

export function lineColumns(db: DbOrTransaction) {
  return db
    .selectFrom('paymentLines as l')
    .innerJoin('paymentRuns as r', 'r.id', 'l.runId')
    .innerJoin('providers', 'providers.id', 'l.providerId')
    .leftJoin('locations', 'locations.id', 'l.locationId')
    .leftJoin('commissionedPackages as p', 'p.id', 'l.packageId')
    .leftJoin('paymentSchemes as s', 's.id', 'l.schemeId')
    .select([
      'l.id',
      'l.runId',
      'l.providerId',
      'l.amountPence',
      'l.explanation',
      'l.held',
      'l.holdReason',
      'l.paidOn',
      'l.serviceType',
      'l.contracted',
      'l.correctsLineId',
      'r.reference as runReference',
      'r.status as runStatus',
      'r.councilId',
      'providers.name as providerName',
      'locations.name as locationName',
      'p.reference as packageReference',
      's.name as schemeName',
    ])
}
