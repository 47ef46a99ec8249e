import type { Db } from '../../db/database.ts'
import type { SituationReturnTable } from '../../db/schema.ts'
import { locationVisible } from '../../db/scope.ts'
import { isUuid } from '../../domain/outcome.ts'
import { type Actor, locationScope } from '../../domain/policy.ts'
import { currentDataset, datasetVersion, type Frequency, type ReturnValues } from '../returns/index.ts'

// Locations and returns as the API reads them, within what the token's actor may see.

// A location by CareHub id or by CQC location ID, if the actor may see it.
export async function findLocation(db: Db, actor: Actor, reference: string) {
  const ref = reference.trim()
  if (!ref || ref.length > 100) return null
  return (
    (await db
      .selectFrom('locations')
      .innerJoin('returnTemplates', 'returnTemplates.serviceType', 'locations.serviceType')
      .select([
        'locations.id',
        'locations.cqcLocationId',
        'locations.serviceType',
        'locations.name',
        'returnTemplates.frequency',
      ])
      .where(isUuid(ref) ? 'locations.id' : 'locations.cqcLocationId', '=', ref)
      .where(locationVisible(locationScope(actor)))
      .executeTakeFirst()) ?? null
  )
}

export const returnColumns = [
  'situationReturns.id',
  'situationReturns.locationId',
  'locations.cqcLocationId',
  'locations.name as locationName',
  'situationReturns.frequency',
  'situationReturns.periodStart',
  'situationReturns.version',
  'situationReturns.isCurrent',
  'situationReturns.source',
  'situationReturns.timing',
  'situationReturns.nothingChanged',
  'situationReturns.nilReturn',
  'situationReturns.nilReason',
  'situationReturns.nilDetails',
  'situationReturns.submittedAt',
  'situationReturns.amendmentReason',
  'situationReturns.datasetVersion',
  'situationReturns.values',
] as const

// The current version of each visible return, newest period first, a page at a time.
export async function listReturns(
  db: Db,
  actor: Actor,
  filters: { locationId?: string; from?: string; to?: string },
  page: number,
  pageSize: number,
) {
  let query = db
    .selectFrom('situationReturns')
    .innerJoin('locations', 'locations.id', 'situationReturns.locationId')
    .where(locationVisible(locationScope(actor)))
    .where('situationReturns.isCurrent', '=', true)
  if (filters.locationId) query = query.where('situationReturns.locationId', '=', filters.locationId)
  if (filters.from) query = query.where('situationReturns.periodStart', '>=', filters.from)
  if (filters.to) query = query.where('situationReturns.periodStart', '<=', filters.to)
  const { total } = await query
    .select((eb) => eb.fn.countAll<string | number>().as('total'))
    .executeTakeFirstOrThrow()
  const rows = await query
    .select(returnColumns)
    .orderBy('situationReturns.periodStart', 'desc')
    .orderBy('locations.name')
    .orderBy('situationReturns.id')
    .limit(pageSize)
    .offset((page - 1) * pageSize)
    .execute()
  return { total: Number(total), items: rows.map(returnResource) }
}

// Any version of a visible return.
export async function getReturn(db: Db, actor: Actor, returnId: string) {
  if (!isUuid(returnId)) return null
  const row = await db
    .selectFrom('situationReturns')
    .innerJoin('locations', 'locations.id', 'situationReturns.locationId')
    .select(returnColumns)
    .where('situationReturns.id', '=', returnId)
    .where(locationVisible(locationScope(actor)))
    .executeTakeFirst()
  return row ? returnResource(row) : null
}

type ReturnRow = {
  id: string
  locationId: string
  cqcLocationId: string | null
  locationName: string
  frequency: string
  periodStart: string
  version: number
  isCurrent: boolean
  source: SituationReturnTable['source']
  timing: string
  nothingChanged: boolean
  nilReturn: boolean
  nilReason: string | null
  nilDetails: string | null
  submittedAt: Date | string
  amendmentReason: string | null
  datasetVersion: number
  values: ReturnValues
}

// A return as the API shows it: values in the same shape the API accepts (choices as arrays).
export function returnResource(row: ReturnRow) {
  const definition = datasetVersion(row.datasetVersion) ?? currentDataset
  const choiceFields = new Set(
    definition.sections.flatMap((s) => s.fields).flatMap((f) => (f.type === 'choice' ? [f.key] : [])),
  )
  const values: Record<string, ReturnValues[string] | string[]> = {}
  for (const [key, value] of Object.entries(row.values ?? {})) {
    values[key] = choiceFields.has(key) ? (typeof value === 'string' && value ? value.split(',') : []) : value
  }
  return {
    id: row.id,
    locationId: row.locationId,
    cqcLocationId: row.cqcLocationId,
    locationName: row.locationName,
    // (The column holds one of the frequencies a return template has.)
    frequency: row.frequency as Frequency,
    periodStart: row.periodStart,
    version: row.version,
    isCurrent: row.isCurrent,
    source: row.source,
    timing: row.timing,
    nothingChanged: row.nothingChanged,
    // A nil return: no figures this period (its values are empty), and why, as it was sent.
    nilReturn: row.nilReturn && row.nilReason ? { reason: row.nilReason, details: row.nilDetails } : null,
    submittedAt: new Date(row.submittedAt).toISOString(),
    amendmentReason: row.amendmentReason,
    datasetVersion: row.datasetVersion,
    values,
  }
}

export type ReturnResource = ReturnType<typeof returnResource>
