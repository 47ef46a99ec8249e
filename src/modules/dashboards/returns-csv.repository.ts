import { type CompiledQuery, type RawBuilder, sql } from 'kysely'
import type { DbOrTransaction } from '../../db/database.ts'
import { serviceTypeNames } from '../../domain/service-types.ts'
import { currentDataset, type DatasetField, ppeItems, templateColumns } from '../returns/index.ts'
import type { ExportFilter } from './exports.repository.ts'
import { filteredLocations, type Viewpoint } from './measures.repository.ts'

// The returns export as the database writes it (COPY … TO STDOUT, see src/db/copy-out.ts): every cell
// worked out in SQL exactly as `returnColumns` (export-columns.ts) and the product's CSV writer
// (src/domain/csv.ts) write it, so the file is the same, byte for byte, at the database's speed.
// Text a user typed is made safe in the SELECT itself: a cell a spreadsheet would read as a formula
// gets a leading apostrophe (formulaSafeText's rule), so the bytes streamed are already safe.

type Text = RawBuilder<string | null>

// formulaSafeText in SQL, as the branches of a CASE on the text's first character (ascii(): its code
// point, 0 for empty text): = + @ tab CR and their full-width forms get an apostrophe; a minus too,
// unless the text is a signed decimal. Empty text is written as nothing, as csv-stringify writes it
// (COPY would write ""). Codes, not text comparisons: this runs for most cells of a million rows.
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
function safe(t: RawBuilder<unknown>): Text {
  return sql`case when ascii(${t}) between 65 and 65290 then ${t}
    else case ascii(${t}) ${formulaBranches(t)} else ${t} end end`
}

const yesNo = (value: RawBuilder<unknown>): Text =>
  sql`case ${value} when true then 'Yes' when false then 'No' end`

// The figures, each as the text of its JSON value (->>). The dataset's field types are trusted, as
// everything that saves a return checks them (parseReturn): a whole number is written as it is after
// one test of its first character (-3 stays a number) and a yes/no as Yes, No or nothing, so only the
// fields that hold what a user typed or chose (text, choice) go through the formula CASE.
const templateKeys = templateColumns(currentDataset)
const fieldTypes = new Map<string, DatasetField['type']>()
for (const field of currentDataset.sections.flatMap((s) => s.fields))
  if (!fieldTypes.has(field.key)) fieldTypes.set(field.key, field.type)
// Each figure is looked up once per row, in the inner SELECT (x.f0, x.f1, …), however many times its
// cell reads it.
const figureIndex = new Map(templateKeys.map(({ key }, i) => [key, i]))
const figure = (key: string) => {
  const i = figureIndex.get(key)
  if (i === undefined) throw new Error(`No figure ${key}`)
  return sql.raw(`x.f${i}`)
}

// One figure of a return as `formatValue` and the CSV writer show it, whatever JSON type it holds.
// A number's text and a string's, made safe, read the same (a number never starts like a formula), so
// only text starting t, f, [ or { (true, false, a list, an object; or a string so written) needs its
// JSON type looked up. Each sub-select is written once: PostgreSQL plans every copy of one apart (the
// list's join, repeated in each branch of the formula rule and of the first character's CASE, was 136
// sub-plans, planned again for each day of an export).
function typedValue(key: string): Text {
  const v = sql`(x.vals -> ${sql.lit(key)})`
  const t = figure(key)
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

function returnValue(key: string): Text {
  switch (fieldTypes.get(key)) {
    case 'whole-number':
      return wholeNumber(figure(key))
    case 'yes-no':
      return sql`case ${figure(key)} when 'true' then 'Yes' when 'false' then 'No' end`
    default:
      return typedValue(key)
  }
}

// A figure the derived measures read, as a number (whole numbers, as the dataset types them).
const number = (key: string) => sql<number>`${figure(key)}::int`

const serviceName = (type: RawBuilder<unknown>): Text =>
  sql`case ${type} ${sql.join(
    Object.entries(serviceTypeNames).map(([key, name]) => sql`when ${sql.lit(key)} then ${sql.lit(name)}`),
    sql` `,
  )} else ${safe(sql`${type}::text`)} end`

// Current returns for periods starting from `from` to `to`, ordered by period then location: the
// rows of returnsBatch, with the cells of returnColumns, as one statement for COPY.
export function returnsCsvQuery(db: DbOrTransaction, view: Viewpoint, filter: ExportFilter): CompiledQuery {
  // The rows and each figure's text, once per row; `offset 0` keeps PostgreSQL from folding this into
  // the outer SELECT (which would look a figure up again wherever a cell reads it). It is scanned once,
  // in its index order, not per row as a lateral subquery would be.
  const rows = filteredLocations(db, view, filter)
    .innerJoin('situationReturns as r', 'r.locationId', 'locations.id')
    .innerJoin('providers', 'providers.id', 'locations.providerId')
    .leftJoin('organisations as council', 'council.id', 'locations.councilId')
    .select([
      sql`${sql.ref('locations.name')}`.as('name'),
      sql`${sql.ref('locations.cqcLocationId')}`.as('cqc'),
      sql`${sql.ref('providers.name')}`.as('provider'),
      sql`${sql.ref('locations.serviceType')}`.as('stype'),
      sql`${sql.ref('locations.area')}`.as('area'),
      sql`${sql.ref('council.name')}`.as('council'),
      sql`${sql.ref('r.periodStart')}`.as('period'),
      sql`${sql.ref('r.locationId')}`.as('loc'),
      sql`${sql.ref('r.version')}`.as('version'),
      sql`${sql.ref('r.submittedAt')}`.as('sent'),
      sql`${sql.ref('r.timing')}`.as('timing'),
      sql`${sql.ref('r.source')}`.as('source'),
      sql`${sql.ref('r.nothingChanged')}`.as('nothing'),
      sql`${sql.ref('r.values')}`.as('vals'),
      ...templateKeys.map(({ key }, i) => sql`${sql.ref('r.values')} ->> ${sql.lit(key)}`.as(`f${i}`)),
    ])
    // A constant, not a bound value: PostgreSQL then reads the index of current returns by period.
    .where('r.isCurrent', '=', sql.lit(true))
    .where('r.periodStart', '>=', filter.from)
    .where('r.periodStart', '<=', filter.to)
    .orderBy('r.periodStart')
    .orderBy('r.locationId')
    .offset(sql.lit(0))
  const x = (column: string) => sql.raw(`x.${column}`)
  const absent = sql`${number('staffAbsentCovid')} + ${number('staffAbsentOther')}`
  const employed = number('staffEmployed')
  const cells: Text[] = [
    safe(x('name')),
    safe(x('cqc')),
    safe(x('provider')),
    serviceName(x('stype')),
    safe(x('area')),
    safe(x('council')),
    // YYYY-MM-DD: copyCsv sets the ISO date style.
    sql`${x('period')}::text`,
    sql`${x('version')}::text`,
    // As JavaScript's toISOString: UTC, to the millisecond.
    sql`to_char(${x('sent')} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`,
    sql`case when ${x('timing')} = 'on-time' then 'On time' else 'Late' end`,
    safe(x('source')),
    yesNo(x('nothing')),
    ...templateKeys.map(({ key }) => returnValue(key)),
    sql`least(${sql.join(ppeItems.map(([key]) => number(`ppeDays${key}`)))})::text`,
    sql`(${number('bedsAvailable')} - ${number('bedsOccupied')})::text`,
    // derivedMeasures' Math.round(1000 * absent / employed) / 10, in the same double precision.
    sql`case when ${employed} <> 0 then
      (floor(cast(1000 * (${absent}) as float8) / cast(${employed} as float8) + 0.5) / 10)::text end`,
  ]
  return db
    .selectFrom(rows.as('x'))
    .select(cells.map((cell, i) => cell.as(`c${i}`)))
    .orderBy(sql`x.period`)
    .orderBy(sql`x.loc`)
    .compile()
}

// How many cells a row has: the export's test holds it to returnColumns.
export const returnsCsvCellCount = 12 + templateKeys.length + 3
