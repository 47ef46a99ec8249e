import { type CompiledQuery, sql } from 'kysely'
import type { DbOrTransaction } from '../../db/database.ts'
import { exportCellsLayout } from '../returns/index.ts'
import type { ExportFilter } from './exports.repository.ts'
import { filteredLocations, type Viewpoint } from './measures.repository.ts'
import { csvJoined, csvLine, type ReturnSource, returnCells, safe, serviceName } from './returns-csv-cells.ts'

// The returns export as the database writes it (COPY … TO STDOUT, see src/db/copy-out.ts): each row one
// line of CSV, the same bytes as `returnColumns` (export-columns.ts) and the product's CSV writer
// (src/domain/csv.ts) would write. A return's own cells were written when it was saved
// (returns-csv-cells.ts); the directory's are worked out here, made safe in the SELECT itself.

// Current returns for periods starting from `from` to `to`, ordered by period then location: the
// rows of returnsBatch, each as one line of CSV (a single text column), as one statement for COPY.
export function returnsCsvQuery(db: DbOrTransaction, view: Viewpoint, filter: ExportFilter): CompiledQuery {
  // `offset 0` keeps the rows a subquery of their own, scanned once in the index's order.
  const rows = filteredLocations(db, view, filter)
    .innerJoin('situationReturns as r', 'r.locationId', 'locations.id')
    .innerJoin('providers', 'providers.id', 'locations.providerId')
    .leftJoin('organisations as council', 'council.id', 'locations.councilId')
    .select([
      // The directory's cells, made safe; quoted as CSV outside.
      safe(sql.ref('locations.name')).as('d0'),
      safe(sql.ref('locations.cqcLocationId')).as('d1'),
      safe(sql.ref('providers.name')).as('d2'),
      serviceName(sql.ref('locations.serviceType')).as('d3'),
      safe(sql.ref('locations.area')).as('d4'),
      safe(sql.ref('council.name')).as('d5'),
      sql`${sql.ref('r.periodStart')}`.as('period'),
      sql`${sql.ref('r.locationId')}`.as('loc'),
      sql`${sql.ref('r.version')}`.as('version'),
      sql`${sql.ref('r.submittedAt')}`.as('sent'),
      sql`${sql.ref('r.timing')}`.as('timing'),
      sql`${sql.ref('r.source')}`.as('source'),
      sql`${sql.ref('r.nothingChanged')}`.as('nothing'),
      sql`${sql.ref('r.values')}`.as('vals'),
      sql`${sql.ref('r.exportCells')}`.as('cells'),
      sql`${sql.ref('r.exportLayout')}`.as('layout'),
    ])
    // A constant, not a bound value: PostgreSQL then reads the index of current returns by period.
    .where('r.isCurrent', '=', sql.lit(true))
    .where('r.periodStart', '>=', filter.from)
    .where('r.periodStart', '<=', filter.to)
    .orderBy('r.periodStart')
    .orderBy('r.locationId')
    .offset(sql.lit(0))
  const x = (column: string) => sql.raw(`x.${column}`)
  const directory = csvJoined([0, 1, 2, 3, 4, 5].map((i) => x(`d${i}`)))
  // Worked out afresh only for a row saved under other cells than today's (see returns-csv-cells.ts).
  const afresh: ReturnSource = {
    column: (name) => x(name),
    figure: (key) => sql`(x.vals ->> ${sql.lit(key)})`,
    values: x('vals'),
  }
  const own = sql`case when x.layout = ${sql.lit(exportCellsLayout)} then x.cells
    else ${csvLine(returnCells(afresh))} end`
  return db
    .selectFrom(rows.as('x'))
    .select(sql<string>`${directory} || ',' || ${own}`.as('line'))
    .orderBy(sql`x.period`)
    .orderBy(sql`x.loc`)
    .compile()
}

// How many cells a row has: the export's test holds it to returnColumns.
export const returnsCsvCellCount =
  6 + returnCells({ column: () => sql`1`, figure: () => sql`1`, values: sql`1` }).length
