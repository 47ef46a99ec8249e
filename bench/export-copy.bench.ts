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
import { tableXlsx } from '../src/modules/dashboards/table-export.ts'
import { monoMs } from './clock.ts'
import { type Check, latencySummary, type NationalMeasurement } from './national.ts'
import { startPeakRss } from './rss-sampler.ts'

// Issue 27 criterion 4: the returns export for a date range holding 1,000,000 returns as a regional
// viewer downloads it, now written by PostgreSQL (COPY … TO STDOUT through the export service's
// `returnsCsv`, formula cells made safe in the SELECT) into a file, with the process's peak RSS
// throughout; then opened again with csv-parse (the project's CSV reader) and every row counted. The
// XLSX path (exceljs's streaming writer, unchanged) for 100,000 returns, its rate stated.

const wantedRows = 1_000_000
const xlsxRows = 100_000
const targetRowsPerSecond = 100_000

// The shortest range of days ending the day before the last seeded day that holds `rows` returns.
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

export const returnsCopyExportMeasurement: NationalMeasurement = {
  kind: 'national',
  id: 'returns-csv-copy-1m',
  title: 'Returns CSV written by PostgreSQL (COPY), 1,000,000 returns; XLSX of 100,000',
  timed:
    'the export service’s `returnsCsv` as a regional viewer (audit record, then COPY … TO STDOUT streamed into a file), from the call to the last byte written',
  scale: 'national',
  days: 365,
  target: { p95Ms: (wantedRows / targetRowsPerSecond) * 1000, maxRatio: null },
  targetNote:
    '≥ 100,000 rows/s, peak RSS under 300 MB; the file reopens with csv-parse with the right row count',
  async run({ databaseUrl, log }) {
    const db = createDatabase({ engine: 'postgres', url: databaseUrl, poolSize: 2 })
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'carehub-copy-export-bench-'))
    try {
      const region = await db
        .selectFrom('organisations')
        .select('id')
        .where('kind', '=', 'region')
        .executeTakeFirstOrThrow()
      const actor = regionalActor(region.id)
      const exports = createDashboardExportService({ db })
      const csvRange = await rangeFor(db, wantedRows)
      log(`CSV: periods ${csvRange.from} to ${csvRange.to}: ${csvRange.rows.toLocaleString('en-GB')} rows`)
      const csvFile = path.join(dir, 'returns.csv')
      const rss = await startPeakRss()
      let started = monoMs()
      const csv = await exports.returnsCsv(actor, { ...csvRange })
      if (!csv) throw new Error('the regional viewer was refused')
      await pipeline(csv, fs.createWriteStream(csvFile))
      const csvMs = monoMs() - started
      const csvPeak = (await rss.stop()).peakBytes
      const csvBytes = fs.statSync(csvFile).size
      const csvRead = await countCsvRows(csvFile)
      fs.rmSync(csvFile)
      const csvRate = csvRange.rows / (csvMs / 1000)
      log(
        `CSV: ${(csvMs / 1000).toFixed(1)} s (${Math.round(csvRate)} rows/s), peak RSS ${(csvPeak / 1e6).toFixed(0)} MB, reopened ${csvRead} rows`,
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
      const xlsxRate = xlsxRange.rows / (xlsxMs / 1000)
      log(`XLSX: ${xlsxRange.rows} rows in ${(xlsxMs / 1000).toFixed(1)} s (${Math.round(xlsxRate)} rows/s)`)

      const checks: Check[] = [
        {
          name: 'CSV rows per second',
          target: `≥ ${targetRowsPerSecond.toLocaleString('en-GB')}`,
          value: Math.round(csvRate).toLocaleString('en-GB'),
          pass: csvRate >= targetRowsPerSecond,
        },
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
          name: 'XLSX (100,000 rows, exceljs streaming writer) rows per second',
          target: 'stated',
          value: Math.round(xlsxRate).toLocaleString('en-GB'),
          pass: true,
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
          csvRowsPerSecond: csvRate,
          csvBytes,
          csvPeakRssMb: csvPeak / 1e6,
          xlsxRows: xlsxRange.rows,
          xlsxSeconds: xlsxMs / 1000,
          xlsxRowsPerSecond: xlsxRate,
          xlsxPeakRssMb: xlsxPeak / 1e6,
          loadAverage: os.loadavg(),
        },
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true })
      await db.destroy()
    }
  },
}
