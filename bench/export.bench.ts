import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { pipeline } from 'node:stream/promises'
import { createDatabase } from '../src/db/database.ts'
import { returnColumns } from '../src/modules/dashboards/export-columns.ts'
import { createDashboardExportService } from '../src/modules/dashboards/exports.service.ts'
import { tableCsv, tableXlsx } from '../src/modules/dashboards/table-export.ts'
import { monoMs } from './clock.ts'
import { countCsvRows, countXlsxRows, rangeFor, regionalActor } from './export-files.ts'
import { type Check, latencySummary, type NationalMeasurement } from './national.ts'
import { startPeakRss } from './rss-sampler.ts'

// Issue 6 criterion 3 and issue 7: the returns export for a date range holding 1,000,000 returns, as a
// regional viewer downloads it: read in keyset batches, written as CSV through csv-stringify to a file,
// with the process's peak RSS (Linux's high-water mark) throughout; then opened again with csv-parse and every row counted.
// The same export as XLSX (exceljs's streaming writer) for 100,000 returns, opened again with exceljs's
// streaming reader, shows the spreadsheet path is bounded too.

const wantedRows = 1_000_000
const xlsxRows = 100_000

export const returnsExportMeasurement: NationalMeasurement = {
  kind: 'national',
  id: 'export-returns-1m',
  title: 'Streamed export of 1,000,000 returns (CSV), and 100,000 as XLSX',
  timed:
    'GET-equivalent of /dashboard/exports/returns.csv as a regional viewer: keyset batches of 500 through the export service and csv-stringify into a file, from the first query to the last byte written',
  scale: 'national',
  days: 365,
  target: { p95Ms: 120_000, maxRatio: null },
  targetNote: 'peak RSS under 300 MB; the file reopens with the right row count',
  async run({ databaseUrl, log }) {
    const db = createDatabase({ engine: 'postgres', url: databaseUrl, poolSize: 2 })
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'carehub-export-bench-'))
    try {
      const region = await db
        .selectFrom('organisations')
        .select('id')
        .where('kind', '=', 'region')
        .executeTakeFirstOrThrow()
      const actor = regionalActor(region.id)
      const exports = createDashboardExportService({ db })
      const csvRange = await rangeFor(db, wantedRows)
      log(
        `CSV: returns for periods ${csvRange.from} to ${csvRange.to}: ${csvRange.rows.toLocaleString('en-GB')} rows`,
      )
      const csvFile = path.join(dir, 'returns.csv')
      const rss = await startPeakRss()
      const rssAtStart = process.memoryUsage.rss()
      let started = monoMs()
      await pipeline(
        tableCsv(returnColumns, exports.returns(actor, { ...csvRange })),
        fs.createWriteStream(csvFile),
      )
      const csvMs = monoMs() - started
      const csvPeak = (await rss.stop()).peakBytes
      const csvBytes = fs.statSync(csvFile).size
      const csvRead = await countCsvRows(csvFile)
      fs.rmSync(csvFile)
      log(
        `CSV: ${(csvMs / 1000).toFixed(1)} s, peak RSS ${(csvPeak / 1e6).toFixed(0)} MB, reopened ${csvRead} rows`,
      )

      const xlsxRange = await rangeFor(db, xlsxRows)
      const xlsxFile = path.join(dir, 'returns.xlsx')
      const rss2 = await startPeakRss()
      started = monoMs()
      await pipeline(
        tableXlsx(returnColumns, exports.returns(actor, { ...xlsxRange }), 'Returns'),
        fs.createWriteStream(xlsxFile),
      )
      const xlsxMs = monoMs() - started
      const xlsxPeak = (await rss2.stop()).peakBytes
      const xlsxRead = await countXlsxRows(xlsxFile)
      fs.rmSync(xlsxFile)
      log(
        `XLSX: ${xlsxRange.rows} rows in ${(xlsxMs / 1000).toFixed(1)} s, peak RSS ${(xlsxPeak / 1e6).toFixed(0)} MB, reopened ${xlsxRead}`,
      )

      const checks: Check[] = [
        {
          name: 'CSV peak RSS',
          target: '< 300 MB',
          value: `${(csvPeak / 1e6).toFixed(0)} MB`,
          pass: csvPeak < 300e6,
        },
        {
          name: 'CSV rows reopened with csv-parse',
          target: csvRange.rows.toLocaleString('en-GB'),
          value: csvRead.toLocaleString('en-GB'),
          pass: csvRead === csvRange.rows && csvRange.rows >= wantedRows,
        },
        {
          name: 'CSV rows per second',
          target: 'reported',
          value: Math.round(csvRange.rows / (csvMs / 1000)).toLocaleString('en-GB'),
          pass: true,
        },
        {
          name: 'XLSX (100,000 rows) peak RSS',
          target: '< 300 MB',
          value: `${(xlsxPeak / 1e6).toFixed(0)} MB`,
          pass: xlsxPeak < 300e6,
        },
        {
          name: 'XLSX rows reopened with exceljs',
          target: xlsxRange.rows.toLocaleString('en-GB'),
          value: xlsxRead.toLocaleString('en-GB'),
          pass: xlsxRead === xlsxRange.rows,
        },
      ]
      return {
        app: latencySummary([csvMs]),
        baseline: null,
        checks,
        figures: {
          csvRows: csvRange.rows,
          csvSeconds: csvMs / 1000,
          csvRowsPerSecond: csvRange.rows / (csvMs / 1000),
          csvBytes,
          csvPeakRssMb: csvPeak / 1e6,
          rssAtStartMb: rssAtStart / 1e6,
          xlsxRows: xlsxRange.rows,
          xlsxSeconds: xlsxMs / 1000,
          xlsxRowsPerSecond: xlsxRange.rows / (xlsxMs / 1000),
          xlsxPeakRssMb: xlsxPeak / 1e6,
        },
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true })
      await db.destroy()
    }
  },
}
