import { type CompiledQuery, sql } from 'kysely'
import type { DbOrTransaction } from '../../db/database.ts'
import { exportCellsLayout } from '../returns/index.ts'
import type { ExportFilter } from './exports.repository.ts'
import { filteredLocations, type Viewpoint } from './measures.repository.ts'
import { csvLine, returnCells, safe, serviceName, storedReturn } from './returns-csv-cells.ts'

// The returns export as the database writes it (COPY … TO STDOUT, see src/db/copy-out.ts): each row one
// line of CSV, the same bytes as `returnColumns` (export-columns.ts) and the product's CSV writer
// (src/domain/csv.ts) would write. A return's own cells were written when it was saved
// (returns-csv-cells.ts); the directory's are worked out here once per location, made safe in SQL.

// The directory's cells of each location the viewer sees, made safe and quoted, as the start of a line
// (`prefix`, with the comma after it), by the location's id (`key`): worked out once per export, not
// once per return (they were half the export's work), and put before each return's cells as the file
// is written (copyCsv's `prefixes`).
export function directoryCellsQuery(
  db: DbOrTransaction,
  view: Viewpoint,
  filter: ExportFilter,
): CompiledQuery {
  return filteredLocations(db, view, filter)
    .innerJoin('providers', 'providers.id', 'locations.providerId')
    .leftJoin('organisations as council', 'council.id', 'locations.councilId')
    .select([
      sql<string>`${sql.ref('locations.id')}::text`.as('key'),
      sql<string>`${csvLine([
        safe(sql.ref('locations.name')),
        safe(sql.ref('locations.cqcLocationId')),
        safe(sql.ref('providers.name')),
        serviceName(sql.ref('locations.serviceType')),
        safe(sql.ref('locations.area')),
        safe(sql.ref('council.name')),
      ])} || ','`.as('prefix'),
    ])
    .compile()
}

// Current returns for periods starting from `from` to `to`, ordered by period then location: the rows
// of returnsBatch, each as its location's id and the version's own cells as CSV: as it was saved with
// them, or worked out afresh for a row saved under other cells than today's, or before they were kept
// (see returns-csv-cells.ts).
export function returnsCsvQuery(db: DbOrTransaction, view: Viewpoint, filter: ExportFilter): CompiledQuery {
  const own = sql<string>`case when r.export_layout = ${sql.lit(exportCellsLayout)} then r.export_cells
    else ${csvLine(returnCells(storedReturn))} end`
  return (
    filteredLocations(db, view, filter)
      .innerJoin('situationReturns as r', 'r.locationId', 'locations.id')
      .select([sql<string>`r.location_id`.as('key'), own.as('cells')])
      // A constant, not a bound value: PostgreSQL then reads the index of current returns by period.
      .where('r.isCurrent', '=', sql.lit(true))
      .where('r.periodStart', '>=', filter.from)
      .where('r.periodStart', '<=', filter.to)
      .orderBy('r.periodStart')
      .orderBy('r.locationId')
      .compile()
  )
}

// How many cells a row has: the export's test holds it to returnColumns.
export const returnsCsvCellCount =
  6 + returnCells({ column: () => sql`1`, figure: () => sql`1`, values: sql`1` }).length
