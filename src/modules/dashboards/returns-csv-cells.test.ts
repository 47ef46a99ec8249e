import { describe, expect, it } from 'vitest'
import { createDatabase } from '../../db/database.ts'
import { exportCells0047 } from '../../db/migrations/0047-return-export-cells.ts'
import { exportCellsFunction } from './returns-csv-cells.ts'

// The trigger writes each return's cells with the function a migration installed; the export trusts
// them only when their layout is the code's. A change to the cells (a dataset field, a format) makes
// this fail: add a migration installing the new function (scripts/print-export-cells-function.ts),
// or exports work every older row's cells out afresh, correct but at the old speed.
describe('the export cells function', () => {
  it('is the one the latest migration installs', async () => {
    const db = createDatabase({ engine: 'pglite', dataDir: null })
    try {
      expect(exportCellsFunction(db)).toEqual(exportCells0047)
    } finally {
      await db.destroy()
    }
  })
})
