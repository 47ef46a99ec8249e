import { createDatabase } from '../src/db/database.ts'
import { exportCellsFunction } from '../src/modules/dashboards/returns-csv-cells.ts'

// Prints the export cells function as the code makes it today, as a TypeScript constant for a new
// migration to install (see migration 0047): run it when returns-csv-cells.test.ts says the cells
// changed, `npx tsx scripts/print-export-cells-function.ts`.
const db = createDatabase({ engine: 'pglite', dataDir: null })
const made = exportCellsFunction(db)
console.log(
  `export const exportCells = {\n  layout: ${JSON.stringify(made.layout)},\n  sql: ${JSON.stringify(made.sql)},\n}`,
)
await db.destroy()
