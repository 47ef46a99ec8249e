import { sql } from 'kysely'
import type { DbOrTransaction } from '../../db/database.ts'
import { anyOf } from './cqc-import-apply.ts'
import { councilAnswersTo, sameLocalAuthority } from './domain/cqc-import/area.ts'
import { comparedFields, type Market } from './domain/cqc-import/plan.ts'

// A council's market is the locations in its area and those it contracts with (src/db/scope.ts). An
// import made for a council (its area chosen) creates locations in that council's area and changes
// only locations in its market: a row naming another council's location is a problem in the preview,
// and nothing of it is saved. An import with no council (every location in the file, by a regional
// body or at the command line) is install-wide and may change any location.

// The council an import is for: the council its area names. For an officer, only one of their own
// councils (`within`); for a regional body or the command line, any council on this install, found
// by name as the CQC writes it ("Oldham" for "Oldham Metropolitan Borough Council"), or none.
export async function importCouncilId(
  db: DbOrTransaction,
  areaName: string | null,
  within: readonly string[] | null,
): Promise<string | null> {
  if (areaName === null) return null
  if (within?.length === 0) return null
  let query = db.selectFrom('organisations').select(['id', 'name', 'onsCode']).where('kind', '=', 'council')
  if (within) query = query.where('id', 'in', within)
  const councils = await query.orderBy('name').execute()
  const exact = councils.find((c) => c.name === areaName)
  if (exact) return exact.id
  const named = councils.filter((c) => councilAnswersTo(c, areaName))
  // Two councils answering to one name is a set-up to put right, not a choice to make here.
  return named.length === 1 ? named[0]!.id : null
}

// The columns that tell whose market a stored location is in, beside those the plan compares. An
// install-wide import needs only the location's council, for the audit record.
export function marketColumns(councilId: string | null) {
  const contracts = sql`select 1 from council_contracts cc where cc.location_id = locations.id`
  return [
    'locations.councilId' as const,
    (councilId === null
      ? sql<boolean>`false`
      : sql<boolean>`exists (${contracts} and cc.council_id = ${councilId})`
    ).as('contractedByImporter'),
    (councilId === null ? sql<boolean>`false` : sql<boolean>`exists (${contracts})`).as('contracted'),
  ]
}

// Stored locations the file names (ids), or every open one (null, to find those gone from the file),
// with whose market each is in.
export function loadExistingLocations(db: DbOrTransaction, ids: string[] | null, councilId: string | null) {
  let query = db
    .selectFrom('locations')
    // Exactly the fields the plan compares, so what is loaded and what is compared cannot drift apart.
    .select(['id', 'cqcLocationId', ...comparedFields])
    .select(marketColumns(councilId))
    .where('cqcLocationId', 'is not', null)
  if (ids) {
    if (ids.length === 0) return Promise.resolve([])
    query = query.where('cqcLocationId', '=', anyOf(ids))
  } else {
    query = query.where('status', '=', 'open')
  }
  return query.execute()
}

export type MarketFacts = {
  councilId: string | null
  localAuthorityName: string | null
  contractedByImporter: boolean
  contracted: boolean
}

// Whose market a stored location is in, seen from the import's council. A location in no council's
// market (its area's council does not use CareHub) is the importer's when CQC last put it in the
// importer's area.
export function marketOf(
  location: MarketFacts,
  importer: { councilId: string | null; areaName: string | null },
): Market {
  if (importer.councilId === null) return 'importer'
  if (location.councilId === importer.councilId || location.contractedByImporter) return 'importer'
  if (location.councilId !== null || location.contracted) return 'another-council'
  return sameLocalAuthority(location.localAuthorityName, importer.areaName) ? 'importer' : 'outside-area'
}
