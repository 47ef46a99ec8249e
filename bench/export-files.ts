import fs from 'node:fs'
import { pipeline } from 'node:stream/promises'
import { parse } from 'csv-parse'
import ExcelJS from 'exceljs'
import { sql } from 'kysely'
import type { Db } from '../src/db/database.ts'
import type { Actor } from '../src/domain/policy.ts'

// What both returns-export measurements need (export.bench.ts, the batch path; export-copy.bench.ts,
// COPY): the date range holding a million returns, a regional viewer, and the files read back.

// The shortest range of days ending the day before the last seeded day (today's returns may still be
// arriving from another measurement) that holds at least `rows` current returns.
export async function rangeFor(db: Db, rows: number) {
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

export const regionalActor = (organisationId: string): Actor => ({
  userId: organisationId,
  role: 'regional_viewer',
  organisationId,
  organisationKind: 'region',
  councilIds: [],
  providerId: null,
})

export async function countCsvRows(file: string) {
  let n = 0
  await pipeline(fs.createReadStream(file), parse({ columns: true }), async (records) => {
    for await (const _ of records) n++
  })
  return n
}

export async function countXlsxRows(file: string) {
  let n = 0
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(file, { worksheets: 'emit', sharedStrings: 'cache' })
  for await (const sheet of reader) for await (const _ of sheet) n++
  return n - 1 // the header row
}
