import { type CompiledQuery, type RawBuilder, sql } from 'kysely'
import type { DbOrTransaction } from '../../db/database.ts'
import { serviceTypeNames } from '../../domain/service-types.ts'
import { currentDataset, ppeItems, templateColumns } from '../returns/index.ts'
import type { ExportFilter } from './exports.repository.ts'
import { filteredLocations, type Viewpoint } from './measures.repository.ts'

// The returns export as the database writes it (COPY … TO STDOUT, see src/db/copy-out.ts): every cell
// worked out in SQL exactly as `returnColumns` (export-columns.ts) and the product's CSV writer
// (src/domain/csv.ts) write it, so the file is the same, byte for byte, at the database's speed.
// Text a user typed is made safe in the SELECT itself: a cell a spreadsheet would read as a formula
// gets a leading apostrophe (formulaSafeText's rule), so the bytes streamed are already safe.

type Text = RawBuilder<string | null>

// formulaSafeText in SQL: = + @ tab CR and their full-width forms; a minus unless the text is a
// signed decimal. Empty text is written as nothing, as csv-stringify writes it (COPY would write "").
function safe(text: RawBuilder<unknown>): Text {
  const t = sql`nullif(${text}, '')`
  return sql`case
    when left(${t}, 1) in ('=', '+', '@', chr(9), chr(13), chr(65309), chr(65291), chr(65293), chr(65312))
      then '''' || ${t}
    when left(${t}, 1) = '-' and ${t} !~ '^-?[0-9]+([.][0-9]+)?$' then '''' || ${t}
    else ${t} end`
}

const yesNo = (value: RawBuilder<unknown>): Text =>
  sql`case ${value} when true then 'Yes' when false then 'No' end`

// One figure of a return as `formatValue` and the CSV writer show it, whatever JSON type it holds.
function returnValue(v: RawBuilder<unknown>): Text {
  const joined = sql<string>`(select string_agg(coalesce(e, ''), '; ' order by i)
    from jsonb_array_elements_text(${v}) with ordinality as a(e, i))`
  return sql`case jsonb_typeof(${v})
    when 'number' then ${v}::text
    when 'boolean' then case when ${v} = 'true'::jsonb then 'Yes' else 'No' end
    when 'string' then ${safe(sql`${v} #>> '{}'`)}
    when 'array' then ${safe(joined)}
    when 'object' then ${safe(sql`${v}::text`)}
    end`
}

// A figure the derived measures read: a JSON number, or nothing.
const number = (v: RawBuilder<unknown>) =>
  sql<number>`case when jsonb_typeof(${v}) = 'number' then ${v}::numeric end`

const serviceName = (type: RawBuilder<unknown>): Text =>
  sql`case ${type} ${sql.join(
    Object.entries(serviceTypeNames).map(([key, name]) => sql`when ${sql.lit(key)} then ${sql.lit(name)}`),
    sql` `,
  )} else ${safe(sql`${type}::text`)} end`

const templateKeys = templateColumns(currentDataset)

// The figures read from each return's values: the template's, then any the derived measures need.
const figureKeys = [
  ...new Set([
    ...templateKeys.map((c) => c.key),
    ...ppeItems.map(([key]) => `ppeDays${key}`),
    'bedsAvailable',
    'bedsOccupied',
    'staffAbsentCovid',
    'staffAbsentOther',
    'staffEmployed',
  ]),
]
const figureColumn = (key: string) => `f${figureKeys.indexOf(key)}`

// Current returns for periods starting from `from` to `to`, ordered by period then location: the
// rows of returnsBatch, with the cells of returnColumns, as one statement for COPY.
export function returnsCsvQuery(db: DbOrTransaction, view: Viewpoint, filter: ExportFilter): CompiledQuery {
  // Each figure is read from the JSON once: OFFSET 0 keeps PostgreSQL from folding this into the
  // outer SELECT, which names each figure several times.
  const rows = filteredLocations(db, view, filter)
    .innerJoin('situationReturns as r', 'r.locationId', 'locations.id')
    .innerJoin('providers', 'providers.id', 'locations.providerId')
    .leftJoin('organisations as council', 'council.id', 'locations.councilId')
    .select([
      'r.locationId',
      'r.periodStart',
      'locations.name as locationName',
      'locations.cqcLocationId',
      'providers.name as providerName',
      'locations.serviceType',
      'locations.area',
      'council.name as councilName',
      'r.version',
      'r.submittedAt',
      'r.timing',
      'r.source',
      'r.nothingChanged',
    ])
    .select(figureKeys.map((key) => sql`${sql.ref('r.values')} -> ${sql.lit(key)}`.as(figureColumn(key))))
    .where('r.isCurrent', '=', true)
    .where('r.periodStart', '>=', filter.from)
    .where('r.periodStart', '<=', filter.to)
    .orderBy('r.periodStart')
    .orderBy('r.locationId')
    .modifyEnd(sql`offset 0`)
  const x = (column: string) => sql.ref(`x.${column}`)
  const f = (key: string) => sql.ref(`x.${figureColumn(key)}`)
  const absent = sql`${number(f('staffAbsentCovid'))} + ${number(f('staffAbsentOther'))}`
  const employed = number(f('staffEmployed'))
  const cells: Text[] = [
    safe(x('locationName')),
    safe(x('cqcLocationId')),
    safe(x('providerName')),
    serviceName(x('serviceType')),
    safe(x('area')),
    safe(x('councilName')),
    sql`to_char(${x('periodStart')}, 'YYYY-MM-DD')`,
    sql`${x('version')}::text`,
    // As JavaScript's toISOString: UTC, to the millisecond.
    sql`to_char(${x('submittedAt')} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`,
    sql`case when ${x('timing')} = 'on-time' then 'On time' else 'Late' end`,
    safe(x('source')),
    yesNo(x('nothingChanged')),
    ...templateKeys.map(({ key }) => returnValue(f(key))),
    sql`least(${sql.join(ppeItems.map(([key]) => number(f(`ppeDays${key}`))))})::text`,
    sql`(${number(f('bedsAvailable'))} - ${number(f('bedsOccupied'))})::text`,
    // derivedMeasures' Math.round(1000 * absent / employed) / 10, in the same double precision.
    sql`case when ${employed} <> 0 then
      (floor(cast(1000 * (${absent}) as float8) / cast(${employed} as float8) + 0.5) / 10)::text end`,
  ]
  return db
    .selectFrom(rows.as('x'))
    .select(cells.map((cell, i) => cell.as(`c${i}`)))
    .orderBy('x.periodStart')
    .orderBy('x.locationId')
    .compile()
}

// How many cells a row has: the export's test holds it to returnColumns.
export const returnsCsvCellCount = 12 + templateKeys.length + 3
