import { type RawBuilder, sql } from 'kysely'
import type { DbOrTransaction } from '../../db/database.ts'
import { serviceTypeNames } from '../../domain/service-types.ts'
import {
  currentDataset,
  type DatasetField,
  exportCellsLayout,
  nilReasons,
  ppeItems,
  templateColumns,
} from '../returns/index.ts'

// The cells of the returns CSV as SQL: each worked out exactly as `returnColumns` (export-columns.ts)
// and the product's CSV writer (src/domain/csv.ts) write it, so the file is the same, byte for byte.
// Text a user typed is made safe in SQL: a cell a spreadsheet would read as a formula gets a leading
// apostrophe (formulaSafeText's rule).
//
// A return version never changes once saved, so the app writes its own cells (period to the last derived
// measure) with it (`export_cells`, migration 0047; the returns module's export-cells.ts) and the export
// reads them as they are. Only the directory's cells (a location's name can change) are worked out as the
// file is made. A row saved under other cells (the dataset changed since) or before cells were kept says
// so by its `export_layout`, and its cells are worked out afresh here, to the same bytes.

type Text = RawBuilder<string | null>

// formulaSafeText in SQL, as the branches of a CASE on the text's first character (ascii(): its code
// point, 0 for empty text): = + @ tab CR and their full-width forms get an apostrophe; a minus too,
// unless the text is a signed decimal. Empty text is written as nothing, as csv-stringify writes it.
// Codes, not text comparisons: this runs for most cells of a million rows.
function formulaBranches(t: RawBuilder<unknown>) {
  const quoted = sql`'''' || (${t})`
  return sql`when 61 then ${quoted} when 43 then ${quoted} when 64 then ${quoted}
    when 9 then ${quoted} when 13 then ${quoted}
    when 65309 then ${quoted} when 65291 then ${quoted} when 65293 then ${quoted} when 65312 then ${quoted}
    when 45 then case when ${t} ~ '^-?[0-9]+([.][0-9]+)?$' then ${t} else ${quoted} end
    when 0 then null`
}

// Text starting with a letter (codes 65 to 65290: above every formula character but the full-width
// ones) is written as it is after one test, not ten.
export function safe(t: RawBuilder<unknown>): Text {
  return sql`case when ascii(${t}) between 65 and 65290 then ${t}
    else case ascii(${t}) ${formulaBranches(t)} else ${t} end end`
}

const yesNo = (value: RawBuilder<unknown>): Text =>
  sql`case ${value} when true then 'Yes' when false then 'No' end`

// The dataset's field types are trusted, as everything that saves a return checks them (parseReturn):
// a whole number is written as it is after one test of its first character (-3 stays a number) and a
// yes/no as Yes, No or nothing, so only the fields that hold what a user typed or chose (text, choice)
// go through the formula CASE.
const templateKeys = templateColumns(currentDataset)
const fieldTypes = new Map<string, DatasetField['type']>()
for (const field of currentDataset.sections.flatMap((s) => s.fields))
  if (!fieldTypes.has(field.key)) fieldTypes.set(field.key, field.type)

// Where a return's cells read it from: its columns, its figures (the text of each JSON value, ->>) and
// the figures' JSON itself.
export type ReturnSource = {
  column: (
    name:
      | 'period'
      | 'version'
      | 'sent'
      | 'timing'
      | 'source'
      | 'nothing'
      | 'nil'
      | 'nilReason'
      | 'nilDetails',
  ) => RawBuilder<unknown>
  figure: (key: string, index: number) => RawBuilder<unknown>
  values: RawBuilder<unknown>
}

// One figure as `formatValue` and the CSV writer show it, whatever JSON type it holds. A number's text
// and a string's, made safe, read the same (a number never starts like a formula), so only text starting
// t, f, [ or { (true, false, a list, an object; or a string so written) needs its JSON type looked up.
// The list's sub-select is written once (PostgreSQL plans every copy of one apart).
function typedValue(source: ReturnSource, key: string, t: RawBuilder<unknown>): Text {
  const v = sql`(${source.values} -> ${sql.lit(key)})`
  const joined = sql`(select ${safe(sql.raw('j.list'))} from (select string_agg(coalesce(e, ''), '; ' order by i)
    as list from jsonb_array_elements_text(${v}) with ordinality as a(e, i)) as j)`
  const typed = sql`case jsonb_typeof(${v})
    when 'boolean' then case ${t} when 'true' then 'Yes' else 'No' end
    when 'array' then ${joined}
    else ${safe(t)} end`
  return sql`case when ascii(${t}) in (116, 102, 91, 123) then ${typed}
    else case ascii(${t}) ${formulaBranches(t)} else ${t} end end`
}

// A whole number starts with a digit (one test); anything else (a minus sign, or text written into the
// figure by something that skipped parseReturn) goes through the formula rule, so no cell is unsafe.
function wholeNumber(t: RawBuilder<unknown>): Text {
  return sql`case when ascii(${t}) between 48 and 57 then ${t}
    else case ascii(${t}) ${formulaBranches(t)} else ${t} end end`
}

function figureCell(source: ReturnSource, key: string, index: number): Text {
  const t = source.figure(key, index)
  switch (fieldTypes.get(key)) {
    case 'whole-number':
      return wholeNumber(t)
    case 'yes-no':
      return sql`case ${t} when 'true' then 'Yes' when 'false' then 'No' end`
    default:
      return typedValue(source, key, t)
  }
}

export const serviceName = (type: RawBuilder<unknown>): Text =>
  sql`case ${type} ${sql.join(
    Object.entries(serviceTypeNames).map(([key, name]) => sql`when ${sql.lit(key)} then ${sql.lit(name)}`),
    sql` `,
  )} else ${safe(sql`${type}::text`)} end`

// A nil return's reason as nilReasonInWords writes it: the reason's words, then the details, if any;
// nothing for any other return. Made safe as a whole, as the CSV writer makes the cell safe.
function nilReasonCell(source: ReturnSource): Text {
  const col = source.column
  const words = sql`case ${col('nilReason')} ${sql.join(
    nilReasons.map(({ value, label }) => sql`when ${sql.lit(value)} then ${sql.lit(label)}`),
    sql` `,
  )} else 'Nothing to report' end`
  return sql`case when ${col('nil')} then ${safe(sql`${words} || coalesce(': ' || nullif(${col('nilDetails')}, ''), '')`)} end`
}

// A return's own cells, from its period to the derived measures, in returnColumns' order.
export function returnCells(source: ReturnSource): Text[] {
  const index = new Map(templateKeys.map(({ key }, i) => [key, i]))
  // A figure the derived measures read, as a number (whole numbers, as the dataset types them).
  const number = (key: string) => sql<number>`${source.figure(key, index.get(key) ?? -1)}::int`
  const absent = sql`${number('staffAbsentCovid')} + ${number('staffAbsentOther')}`
  const employed = number('staffEmployed')
  const col = source.column
  return [
    // YYYY-MM-DD whatever the session's date style.
    sql`to_char(${col('period')}, 'YYYY-MM-DD')`,
    sql`${col('version')}::text`,
    // As JavaScript's toISOString: UTC, to the millisecond.
    sql`to_char(${col('sent')} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`,
    sql`case when ${col('timing')} = 'on-time' then 'On time' else 'Late' end`,
    safe(col('source')),
    yesNo(col('nothing')),
    sql`case when ${col('nil')} then 'Yes' end`,
    nilReasonCell(source),
    ...templateKeys.map(({ key }, i) => figureCell(source, key, i)),
    sql`least(${sql.join(ppeItems.map(([key]) => number(`ppeDays${key}`)))})::text`,
    sql`(${number('bedsAvailable')} - ${number('bedsOccupied')})::text`,
    // derivedMeasures' Math.round(1000 * absent / employed) / 10, in the same double precision.
    sql`case when ${employed} <> 0 then
      (floor(cast(1000 * (${absent}) as float8) / cast(${employed} as float8) + 0.5) / 10)::text end`,
  ]
}

// Cells joined into CSV as COPY's CSV format and csv-stringify write them: nothing for no value, a cell
// holding a comma, a quote or a line break in quotes (its quotes doubled), "" for empty text. Each cell
// is read several times, so each must be a column, not an expression (see csvLine).
function csvJoined(columns: readonly RawBuilder<unknown>[]): RawBuilder<string> {
  const quoted = columns.map(
    (c) => sql`case when ${c} is null then '' when ${c} = '' then '""'
      when ${c} ~ '[",\\r\\n]' then '"' || replace(${c}, '"', '""') || '"' else ${c} end`,
  )
  return sql`(${sql.join(quoted, sql` || ',' || `)})`
}

// The cells as one line of CSV: each worked out once, as a column of a subquery (`offset 0` keeps
// PostgreSQL from folding it back, which would work each out again for every read of it).
export function csvLine(cells: readonly Text[]): RawBuilder<string> {
  const columns = cells.map((_, i) => sql.raw(`y.c${i}`))
  return sql`(select ${csvJoined(columns)} from (select ${sql.join(cells.map((c, i) => sql`${c} as ${sql.raw(`c${i}`)}`))}
    offset 0) as y)`
}

// A return's cells read from its row of situation_returns, as `r`.
export const storedReturn: ReturnSource = {
  column: (name) =>
    sql.raw(
      `r.${{ period: 'period_start', version: 'version', sent: 'submitted_at', timing: 'timing', source: 'source', nothing: 'nothing_changed', nil: 'nil_return', nilReason: 'nil_reason', nilDetails: 'nil_details' }[name]}`,
    ),
  figure: (key) => sql`(r."values" ->> ${sql.lit(key)})`,
  values: sql.raw('r."values"'),
}

// The `export-cells` job: returns saved before migration 0047 (or by something other than the app's
// save, such as a test's fixture) get their cells, newest periods first, a batch at a time, each batch
// one statement (set-based: the cells' SQL is set up once per batch, not per row).
export async function fillExportCells(
  db: DbOrTransaction,
  options: { batchSize?: number; batches?: number } = {},
): Promise<{ filled: number }> {
  const batchSize = options.batchSize ?? 2_000
  let filled = 0
  for (let batch = 0; batch < (options.batches ?? 10); batch++) {
    const { numAffectedRows } = await sql`
      update situation_returns r set export_cells = ${csvLine(returnCells(storedReturn))},
        export_layout = ${exportCellsLayout}
      where r.id in (
        select id from situation_returns where export_cells is null
          order by period_start desc limit ${batchSize} for update skip locked)`.execute(db)
    const count = Number(numAffectedRows ?? 0)
    filled += count
    if (count < batchSize) break
  }
  return { filled }
}
