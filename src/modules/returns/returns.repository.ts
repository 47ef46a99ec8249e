import { type RawBuilder, sql } from 'kysely'
import { compiledOnce } from '../../db/compiled-once.ts'
import type { DbOrTransaction } from '../../db/database.ts'
import { locationVisible } from '../../db/scope.ts'
import { isUuid } from '../../domain/outcome.ts'
import type { Scope } from '../../domain/policy.ts'
import { isOpenNow } from '../directory/index.ts'
import type { ReturnValues } from './domain/dataset.ts'
import { extraHoursOf } from './domain/exceptions.ts'
import type { Frequency, Period, ReturnWindow } from './domain/periods.ts'
import {
  appliedException,
  type ExceptionColumns,
  exceptionApplying,
  type PeriodStarts,
  periodStartsOf,
  startForFrequency,
} from './return-exceptions.repository.ts'
import type { ReturnSource } from './return-save.ts'

// The returns' reads: each takes the database (or a transaction) first. Writes are in return-save.ts.

// A location named by CareHub id or (where allowed: the API) by CQC location ID; null when it can be neither.
export function locationReference(reference: string, byCqcId = false) {
  const ref = reference.trim()
  if (isUuid(ref)) return { column: 'locations.id' as const, ref }
  if (byCqcId && ref && ref.length <= 100) return { column: 'locations.cqcLocationId' as const, ref }
  return null
}
export type LocationReference = NonNullable<ReturnType<typeof locationReference>>

export async function templateFor(
  db: DbOrTransaction,
  serviceType: string,
): Promise<{ frequency: Frequency; window: ReturnWindow }> {
  const row = await db
    .selectFrom('returnTemplates')
    .selectAll()
    .where('serviceType', '=', serviceType)
    .executeTakeFirstOrThrow()
  return {
    frequency: row.frequency,
    window: {
      opensAfterHours: row.opensAfterHours,
      dueAfterHours: row.dueAfterHours,
      locksAfterHours: row.locksAfterHours,
    },
  }
}

export async function visibleLocation(db: DbOrTransaction, scope: Scope, reference: string, byCqcId = false) {
  const located = locationReference(reference, byCqcId)
  if (!located) return null
  return (
    (await db
      .selectFrom('locations')
      .select([
        'locations.id',
        'locations.name',
        'locations.serviceType',
        'locations.status',
        'locations.providerId',
      ])
      .where(located.column, '=', located.ref)
      .where(locationVisible(scope))
      .executeTakeFirst()) ?? null
  )
}

// A location with its return template and the agreed exception (return-exceptions.repository.ts) that
// applies to its period starting on `starts`' day for its frequency (none: the left join's nulls).
const locationsWithTemplates = (db: DbOrTransaction, starts: PeriodStarts) =>
  db
    .selectFrom('locations')
    .innerJoin('returnTemplates', 'returnTemplates.serviceType', 'locations.serviceType')
    .leftJoinLateral(
      (eb) => exceptionApplying(eb, startForFrequency(starts)),
      (join) => join.onTrue(),
    )
const locationTemplateColumns = [
  'locations.id',
  'locations.name',
  'locations.serviceType',
  'locations.status',
  'locations.providerId',
  'returnTemplates.frequency',
  'returnTemplates.opensAfterHours',
  'returnTemplates.dueAfterHours',
  'returnTemplates.locksAfterHours',
  'x.exceptionId',
  'x.exceptionKind',
  'x.exceptionExtraHours',
  'x.exceptionReason',
  'x.exceptionStartsOn',
  'x.exceptionLastDay',
] as const

type LocationTemplateRow = ExceptionColumns & {
  frequency: Frequency
  opensAfterHours: number
  dueAfterHours: number
  locksAfterHours: number
}

// A row of locationsWithTemplates as the location, its template and its agreed exception.
function withTemplate<R extends LocationTemplateRow>(row: R) {
  const {
    frequency,
    opensAfterHours,
    dueAfterHours,
    locksAfterHours,
    exceptionId,
    exceptionKind,
    exceptionExtraHours,
    exceptionReason,
    exceptionStartsOn,
    exceptionLastDay,
    ...location
  } = row
  const exception = appliedException({
    exceptionId,
    exceptionKind,
    exceptionExtraHours,
    exceptionReason,
    exceptionStartsOn,
    exceptionLastDay,
  })
  return {
    location,
    template: { frequency, window: { opensAfterHours, dueAfterHours, locksAfterHours } },
    exception,
    extraHours: extraHoursOf(exception),
  }
}

// The locations a reference finds in a scope, each with its template and agreed extra hours, in one
// query: submissions come in their thousands each morning, so each round trip saved counts.
export async function locationForReturn(
  db: DbOrTransaction,
  scope: Scope,
  located: LocationReference,
  starts: PeriodStarts,
) {
  const row = await locationsWithTemplates(db, starts)
    .select(locationTemplateColumns)
    .where(located.column, '=', located.ref)
    .where(locationVisible(scope))
    .executeTakeFirst()
  return row ? withTemplate(row) : null
}

// The provider manager's open locations, with their RAG, template and extra hours.
export async function openLocationsWithTemplates(db: DbOrTransaction, scope: Scope, starts: PeriodStarts) {
  const rows = await locationsWithTemplates(db, starts)
    .leftJoin('locationRisk', 'locationRisk.locationId', 'locations.id')
    .select([...locationTemplateColumns, 'locationRisk.rag'])
    .where(locationVisible(scope))
    // Dormant locations are not expected to report.
    .where(isOpenNow)
    .orderBy('locations.name')
    .execute()
  return rows.map(withTemplate)
}

export async function currentReturn(db: DbOrTransaction, locationId: string, periodStart: string) {
  return (
    (await db
      .selectFrom('situationReturns')
      .selectAll()
      .where('locationId', '=', locationId)
      .where('periodStart', '=', periodStart)
      .where('isCurrent', '=', true)
      .executeTakeFirst()) ?? null
  )
}

// This period's current return and the location's latest one, in one query (they are often the same).
export async function currentAndLatest(db: DbOrTransaction, locationId: string, periodStart: string) {
  const rows = await db
    .selectFrom('situationReturns')
    .selectAll()
    .where('locationId', '=', locationId)
    .where('isCurrent', '=', true)
    .where((eb) =>
      eb.or([
        eb('periodStart', '=', periodStart),
        eb(
          'periodStart',
          '=',
          eb
            .selectFrom('situationReturns as latest')
            .select((l) => l.fn.max('latest.periodStart').as('latestStart'))
            .where('latest.locationId', '=', locationId)
            .where('latest.isCurrent', '=', true),
        ),
      ]),
    )
    .orderBy('periodStart', 'desc')
    .execute()
  return {
    existing: rows.find((r) => r.periodStart === periodStart) ?? null,
    latest: rows[0] ?? null,
  }
}

// What a submission needs to be checked, in one statement (a morning brings thousands of returns, and
// each round trip costs both processes a wake-up): the location if the scope holds it, its template and
// extra hours, whether its period has a return already (and where from), and, to repeat it ("nothing
// changed"), its latest return. The period depends on the template's frequency, so the statement is given
// each frequency's period. With `claim`, that statement is made too, and `claimed` says whether it
// returned a row.
export async function submissionContext(
  db: DbOrTransaction,
  scope: Scope,
  located: LocationReference,
  periods: Record<Frequency, Period>,
  options: { nothingChanged?: boolean; claim?: RawBuilder<unknown> },
) {
  const { claim } = options
  const nothingChanged = Boolean(options.nothingChanged)
  const starts = periodStartsOf(periods)
  // A provider's (every API submission's) is built once per shape and run with this one's values.
  const query =
    scope.kind === 'provider'
      ? providerContext(db, located.column, nothingChanged, claim !== undefined).with(
          { ref: located.ref, providerId: scope.providerId, ...starts },
          claim ? { at: claimAt, query: claim.compile(db) } : undefined,
        )
      : contextQuery(db, scope, located, starts, nothingChanged, claim)
  const { rows } = await db.executeQuery<ContextRow>(query)
  const row = rows[0]
  const claimed = claim ? Boolean(row?.claimed) : undefined
  // (Left-joined, a location not found is a row of nulls.)
  if (!row || row.id === null) return { claimed, found: null }
  const { existing, latest, claimed: _, id, ...rest } = row
  return {
    claimed,
    found: { ...withTemplate({ id, ...rest }), existing: existing ?? null, latest: latest ?? null },
  }
}

// The statement submissionContext runs. With a claim, the location is left-joined to the claim's
// outcome: the answer has a row either way.
function contextQuery(
  db: DbOrTransaction,
  scope: Scope,
  located: LocationReference,
  starts: PeriodStarts,
  nothingChanged: boolean,
  claim: RawBuilder<unknown> | undefined,
) {
  const query = locationsWithTemplates(db, starts)
    .select((eb) => [
      ...locationTemplateColumns,
      eb
        .selectFrom('situationReturns as existing')
        .select(
          sql<ExistingReturn>`json_build_object('source', existing.source, 'version', existing.version,
            'submittedBy', existing.submitted_by, 'nilReturn', existing.nil_return,
            'nilReason', existing.nil_reason, 'nilDetails', existing.nil_details, 'values', existing.values)`.as(
            'existing',
          ),
        )
        .whereRef('existing.locationId', '=', 'locations.id')
        .where('existing.isCurrent', '=', true)
        .where('existing.periodStart', '=', startForFrequency(starts))
        .limit(1)
        .as('existing'),
      // The latest return's figures, only to repeat them ("nothing changed"): a whole return's JSON.
      nothingChanged
        ? sql<LatestReturn>`(
        select json_build_object('periodStart', latest.period_start, 'values', latest.values)
        from situation_returns latest where latest.location_id = locations.id and latest.is_current
        order by latest.period_start desc limit 1)`.as('latest')
        : sql<LatestReturn>`null::json`.as('latest'),
    ])
    .where(located.column, '=', located.ref)
    .where(locationVisible(scope))
  if (!claim) return query
  return db
    .with('claim', () => sql<Record<string, never>>`(${claim})`)
    .selectFrom(sql<{ claimed: boolean }>`(select exists (select 1 from claim) as claimed)`.as('c'))
    .leftJoin(query.as('l'), (join) => join.onTrue())
    .selectAll('l')
    .select('c.claimed')
}

type ExistingReturn = {
  source: ReturnSource
  version: number
  submittedBy: string | null
  nilReturn: boolean
  nilReason: string | null
  nilDetails: string | null
  values: ReturnValues
}
type LatestReturn = { periodStart: string; values: ReturnValues } | null
type ContextRow = LocationTemplateRow & {
  id: string | null
  name: string
  serviceType: string
  status: string
  providerId: string
  existing: ExistingReturn | null
  latest: LatestReturn
  claimed?: boolean
}

// Where the claim's own statement goes in a provider's context statement (compiled-once.ts).
const claimAt = '/* the claim */ select 1'
const providerContexts = new Map<string, ReturnType<typeof compileProviderContext>>()

// Each shape's statement is built by the first database given (every CareHub database compiles for
// PostgreSQL with the same plugins, so the text is the same for all).
function providerContext(
  db: DbOrTransaction,
  column: LocationReference['column'],
  nothingChanged: boolean,
  claimed: boolean,
) {
  const shape = `${column} ${nothingChanged} ${claimed}`
  let compiled = providerContexts.get(shape)
  if (!compiled) {
    compiled = compileProviderContext(db, column, nothingChanged, claimed)
    providerContexts.set(shape, compiled)
  }
  return compiled
}

const compileProviderContext = (
  db: DbOrTransaction,
  column: LocationReference['column'],
  nothingChanged: boolean,
  claimed: boolean,
) =>
  compiledOnce(['ref', 'providerId', 'daily', 'weekly', 'monthly'], (m) =>
    contextQuery(
      db,
      { kind: 'provider', providerId: m.providerId },
      { column, ref: m.ref },
      { daily: m.daily, weekly: m.weekly, monthly: m.monthly },
      nothingChanged,
      claimed ? sql.raw(claimAt) : undefined,
    ),
  )

export async function returnHistory(db: DbOrTransaction, locationId: string) {
  return db
    .selectFrom('situationReturns')
    .leftJoin('users', 'users.id', 'situationReturns.submittedBy')
    .select([
      'situationReturns.id',
      'situationReturns.periodStart',
      'situationReturns.version',
      'situationReturns.isCurrent',
      'situationReturns.source',
      'situationReturns.timing',
      'situationReturns.nothingChanged',
      'situationReturns.nilReturn',
      'situationReturns.submittedAt',
      'situationReturns.amendmentReason',
      'users.displayName as submittedByName',
    ])
    .where('situationReturns.locationId', '=', locationId)
    .orderBy('situationReturns.periodStart', 'desc')
    .orderBy('situationReturns.version', 'desc')
    .limit(200)
    .execute()
}

export async function returnWithSubmitter(db: DbOrTransaction, returnId: string) {
  return db
    .selectFrom('situationReturns')
    .leftJoin('users', 'users.id', 'situationReturns.submittedBy')
    .selectAll('situationReturns')
    .select('users.displayName as submittedByName')
    .where('situationReturns.id', '=', returnId)
    .executeTakeFirst()
}

// Whether any location has this CQC location ID, whoever's market it is in (the capacity tracker's
// import reports another council's location as such, not as unknown).
export async function isKnownLocation(db: DbOrTransaction, cqcLocationId: string) {
  const row = await db
    .selectFrom('locations')
    .select('id')
    .where('cqcLocationId', '=', cqcLocationId)
    .executeTakeFirst()
  return row !== undefined
}
