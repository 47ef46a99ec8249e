import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { pipeline } from 'node:stream/promises'
import { parse } from 'csv-parse'
import ExcelJS from 'exceljs'
import { sql } from 'kysely'
import { createDatabase, type Db } from '../src/db/database.ts'
import type { Actor } from '../src/domain/policy.ts'
import { returnColumns } from '../src/modules/dashboards/export-columns.ts'
import { createDashboardExportService } from '../src/modules/dashboards/exports.service.ts'
import { tableCsv, tableXlsx } from '../src/modules/dashboards/table-export.ts'
import { monoMs } from './clock.ts'
import { type Check, latencySummary, type NationalMeasurement } from './national.ts'
import { startPeakRss } from './rss-sampler.ts'

// Issue 6 criterion 3 and issue 7: the returns export for a date range holding 1,000,000 returns, as a
// regional viewer downloads it: read in keyset batches, written as CSV through csv-stringify to a file,
// with the process's peak RSS (Linux's high-water mark) throughout; then opened again with csv-parse and every row counted.
// The same export as XLSX (exceljs's streaming writer) for 100,000 returns, opened again with exceljs's
// streaming reader, shows the spreadsheet path is bounded too.

const wantedRows = 1_000_000
const xlsxRows = 100_000

// The shortest range of days ending the day before the last seeded day (today's returns may still be
// arriving from another measurement) that holds at least `rows` current returns.
async function rangeFor(db: Db, rows: number) {
  const { rows: days } = await sql<{ day: string; n: string }>`
    select period_start::text as day, count(*) as n from situation_returns where is_current
      and period_start < (select max(period_start) from situation_returns)
    group by period_start order by period_start desc`.execute(db)
  let total = 0
  for (const d of days) {
    total += Number(d.n)
    if (total >= rows) return { from: d.day, to: days[0]!.day, rows: total }
  }
  return { from: days.at(-1)!.day, to: days[0]!.day, rows: total }
}

const regionalActor = (organisationId: string): Actor => ({
  userId: organisationId,
  role: 'regional_viewer',
  organisationId,
  organisationKind: 'region',
  councilIds: [],
  providerId: null,
})

async function countCsvRows(file: string) {
  let n = 0
  await pipeline(fs.createReadStream(file), parse({ columns: true }), async (records) => {
    for await (const _ of records) n++
  })
  return n
}

async function countXlsxRows(file: string) {
  let n = 0
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(file, { worksheets: 'emit', sharedStrings: 'cache' })
  for await (const sheet of reader) for await (const _ of sheet) n++
  return n - 1 // the header row
}

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
