import { randomUUID } from 'node:crypto'
import { type RawBuilder, sql } from 'kysely'
import type { Db, DbOrTransaction } from '../../db/database.ts'
import { locationVisible } from '../../db/scope.ts'
import type { Clock } from '../../domain/clock.ts'
import { isUuid } from '../../domain/outcome.ts'
import { type Actor, can, locationScope } from '../../domain/policy.ts'
import {
  currentDataset,
  datasetVersion,
  type FieldError,
  parseReturn,
  type ReturnValues,
  sectionsFor,
} from '../../domain/returns/dataset.ts'
import {
  type Frequency,
  type Period,
  periodContaining,
  periodStarting,
  previousPeriod,
  type ReturnWindow,
  returnState,
  timingOf,
} from '../../domain/returns/periods.ts'
import type { ServiceType } from '../../domain/service-types.ts'
import { textLimits, tooLong } from '../../domain/text-limits.ts'
import { auditRow, recordAudit } from '../audit/audit.repository.ts'
import { dashboardStaleInsert } from '../dashboards/index.ts'
import {
  alertChangesStatement,
  applyAlertChanges,
  changesAfterReturn,
  queueRiskStatement,
  type RiskInputs,
  recomputeRisk,
  riskInputColumns,
} from '../early-warning/index.ts'
import { auditEntry, type Prepared, versionRow } from './return-version-rows.ts'

export type ReturnSource = 'web' | 'officer' | 'upload' | 'api' | 'import'

export type SubmitOptions = {
  periodStart?: string
  // The API names a period by its first day, and a location by CareHub id or CQC location ID.
  periodStartMustBeFirstDay?: boolean
  locationByCqcId?: boolean
  nothingChanged?: boolean
  amendmentReason?: string
  // The version of the period's return the person saw and is changing (0: none). When another version
  // has been saved since, nothing is saved and the outcome is a `conflict` (optimistic concurrency).
  // Without it, the version seen when the return is checked is the one that must still be the latest.
  amendsVersion?: number
  source?: ReturnSource
  // Statements written with the return, atomically (the API records its idempotent answer so, and the
  // return and the answer to a retry are committed together). Each must change nothing unless `when`
  // holds: they may be part of the statement that saves the return, as common table expressions.
  alsoWrite?: (saved: SavedReturn, when: RawBuilder<unknown>) => RawBuilder<unknown>[]
  // A data-modifying statement made with the submission's first read (the API claims its
  // Idempotency-Key so); when it returns no row, nothing is saved and the outcome is `unclaimed`.
  claim?: RawBuilder<unknown>
  // The risk rules are run for the location by the risk-queue job within seconds, not before the answer
  // (the API: a care-record system sends a whole group's returns at once and needs only to know each was
  // saved). The return's statement queues the location; web returns still change the RAG at once.
  riskLater?: boolean
}

export type SavedReturn = { returnId: string; version: number; period: Period; locationId: string }

export type SubmitOutcome =
  | { ok: true; returnId: string; version: number; period: Period; locationId: string }
  | { ok: false; errors: FieldError[] }
  | { ok: false; notFound: true }
  | { ok: false; unclaimed: true }
  | { ok: false; conflict: { version: number } }

// Who may report for a location: its own provider's managers; council and partner officers on a
// provider's behalf (during a call), recorded as such. Viewers only read.
function mayReport(actor: Actor): boolean {
  return actor.role === 'provider_manager' || can(actor, 'contacts:read')
}

// A location named by CareHub id or (where allowed: the API) by CQC location ID; null when it can be neither.
function locationReference(reference: string, byCqcId = false) {
  const ref = reference.trim()
  if (isUuid(ref)) return { column: 'locations.id' as const, ref }
  if (byCqcId && ref && ref.length <= 100) return { column: 'locations.cqcLocationId' as const, ref }
  return null
}

// Why an upload's row could not be saved after all, having been checked.
const arrivedMeanwhile = 'A return for this period arrived meanwhile: give a reason to change it'
const changedMeanwhile = 'This return was changed meanwhile: check the latest version, then upload again'
class StaleUpload extends Error {
  constructor(
    readonly index: number,
    readonly problem: string,
  ) {
    super('stale upload')
  }
}

export function createReturnsService(deps: { db: Db; clock: Clock }) {
  const { db, clock } = deps

  async function templateFor(serviceType: string): Promise<{ frequency: Frequency; window: ReturnWindow }> {
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

  async function visibleLocation(
    actor: Actor,
    reference: string,
    options: { locationByCqcId?: boolean } = {},
  ) {
    const located = locationReference(reference, options.locationByCqcId)
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
        .where(locationVisible(locationScope(actor)))
        .executeTakeFirst()) ?? null
    )
  }

  async function extraHours(locationId: string) {
    const row = await db
      .selectFrom('returnExceptions')
      .select('extraHours')
      .where('locationId', '=', locationId)
      .executeTakeFirst()
    return row?.extraHours ?? 0
  }

  async function currentReturn(locationId: string, periodStart: string) {
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

  async function latestReturn(locationId: string) {
    return (
      (await db
        .selectFrom('situationReturns')
        .selectAll()
        .where('locationId', '=', locationId)
        .where('isCurrent', '=', true)
        .orderBy('periodStart', 'desc')
        .limit(1)
        .executeTakeFirst()) ?? null
    )
  }

  // The provider manager's home: each open location with this period's status.
  async function todaysReturns(actor: Actor) {
    if (actor.role !== 'provider_manager') return []
    const locations = await db
      .selectFrom('locations')
      .leftJoin('locationRisk', 'locationRisk.locationId', 'locations.id')
      .select(['locations.id', 'locations.name', 'locations.serviceType', 'locationRisk.rag'])
      .where(locationVisible(locationScope(actor)))
      .where('locations.status', '=', 'open')
      .orderBy('locations.name')
      .execute()
    const now = clock.now()
    const rows = []
    for (const location of locations) {
      const template = await templateFor(location.serviceType)
      const period = periodContaining(template.frequency, now)
      const submitted = await currentReturn(location.id, period.start)
      const previous = await latestReturn(location.id)
      rows.push({
        ...location,
        period,
        state: returnState(
          period,
          template.window,
          now,
          submitted?.submittedAt ?? null,
          await extraHours(location.id),
        ),
        hasPrevious: previous !== null && previous.periodStart !== period.start,
      })
    }
    return rows
  }

  // A location with its return template and any agreed extra hours (none: the left join's null).
  const locationsWithTemplates = () =>
    db
      .selectFrom('locations')
      .innerJoin('returnTemplates', 'returnTemplates.serviceType', 'locations.serviceType')
      .leftJoin('returnExceptions', 'returnExceptions.locationId', 'locations.id')
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
    'returnExceptions.extraHours',
  ] as const

  // The location with its return template and any agreed extra hours, in one query: submissions come
  // in their thousands each morning, so each round trip saved counts (docs/performance.md).
  async function locationForReturn(actor: Actor, locationId: string) {
    if (!isUuid(locationId)) return null
    const row = await locationsWithTemplates()
      .select(locationTemplateColumns)
      .where('locations.id', '=', locationId)
      .where(locationVisible(locationScope(actor)))
      .executeTakeFirst()
    if (!row) return null
    const { frequency, opensAfterHours, dueAfterHours, locksAfterHours, extraHours, ...location } = row
    return {
      location,
      template: { frequency, window: { opensAfterHours, dueAfterHours, locksAfterHours } },
      extraHours: extraHours ?? 0,
    }
  }

  // This period's current return and the location's latest one, in one query (they are often the same).
  async function currentAndLatest(locationId: string, periodStart: string) {
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

  // Everything the form needs: the location, the period, the sections for its service type, and any
  // figures already given (this period's return, or the last one for "nothing changed").
  async function formFor(actor: Actor, locationId: string, periodStart?: string) {
    if (!mayReport(actor)) return null
    const found = await locationForReturn(actor, locationId)
    if (!found) return null
    const { location, template } = found
    const now = clock.now()
    const period = periodStart
      ? periodStarting(template.frequency, periodStart)
      : periodContaining(template.frequency, now)
    const { existing, latest: previous } = await currentAndLatest(location.id, period.start)
    return {
      location,
      period,
      frequency: template.frequency,
      timing: timingOf(period, template.window, now, found.extraHours),
      sections: sectionsFor(currentDataset, location.serviceType as ServiceType),
      existing,
      previous: previous && previous.periodStart < period.start ? previous : null,
    }
  }

  // What a submission needs to be checked, in one statement (a morning brings thousands of returns, and
  // each round trip costs both processes a wake-up): the location if the actor may see it, its template
  // and extra hours, whether its period has a return already (and where from), and its latest return.
  // The period depends on the template's frequency, so the statement is given each frequency's period.
  // With `withRisk`, also what the risk rules need to judge the location once the return is added
  // (so a first version can be saved with its alerts in one statement); with `claim`, that statement
  // is made too, and `claimed` says whether it returned a row.
  async function submissionContext(
    actor: Actor,
    reference: string,
    options: {
      periodStart?: string
      locationByCqcId?: boolean
      withRisk?: boolean
      nothingChanged?: boolean
      claim?: RawBuilder<unknown>
    },
  ) {
    const located = locationReference(reference, options.locationByCqcId)
    // An unusable reference: no query, so no claim made either.
    if (!located) return { claimed: undefined, found: null }
    const now = clock.now()
    const periods = Object.fromEntries(
      (['daily', 'weekly', 'monthly'] as const).map((f) => [
        f,
        options.periodStart ? periodStarting(f, options.periodStart) : periodContaining(f, now),
      ]),
    ) as Record<Frequency, Period>
    const risk = options.withRisk ? riskInputColumns(now) : null
    const claim = options.claim
    const query = locationsWithTemplates()
      .select((eb) => [
        ...locationTemplateColumns,
        ...(risk
          ? [
              risk.riskRules.as('riskRules'),
              risk.openRuleAlerts.as('openRuleAlerts'),
              risk.openSince.as('openSince'),
              risk.recentFigures.as('recentFigures'),
              risk.newestBefore.as('newestBefore'),
            ]
          : []),
        eb
          .selectFrom('situationReturns as existing')
          .select(
            sql<{ source: ReturnSource; version: number }>`json_build_object('source', existing.source,
              'version', existing.version)`.as('existing'),
          )
          .whereRef('existing.locationId', '=', 'locations.id')
          .where('existing.isCurrent', '=', true)
          .where(
            'existing.periodStart',
            '=',
            sql<string>`case return_templates.frequency when 'daily' then ${periods.daily.start}::date
              when 'weekly' then ${periods.weekly.start}::date else ${periods.monthly.start}::date end`,
          )
          .limit(1)
          .as('existing'),
        // The latest return's figures, only to repeat them ("nothing changed"): a whole return's JSON.
        options.nothingChanged
          ? sql<{ periodStart: string; values: ReturnValues } | null>`(
          select json_build_object('periodStart', latest.period_start, 'values', latest.values)
          from situation_returns latest where latest.location_id = locations.id and latest.is_current
          order by latest.period_start desc limit 1)`.as('latest')
          : sql<{ periodStart: string; values: ReturnValues } | null>`null::json`.as('latest'),
      ])
      .where(located.column, '=', located.ref)
      .where(locationVisible(locationScope(actor)))
    // With a claim, the location is left-joined to the claim's outcome: the answer has a row either way.
    type Row = NonNullable<Awaited<ReturnType<typeof query.executeTakeFirst>>> & { claimed?: boolean }
    const row: Row | undefined = claim
      ? ((await db
          .with('claim', () => sql<Record<string, never>>`(${claim})`)
          .selectFrom(sql<{ claimed: boolean }>`(select exists (select 1 from claim) as claimed)`.as('c'))
          .leftJoin(query.as('l'), (join) => join.onTrue())
          .selectAll('l')
          .select('c.claimed')
          .executeTakeFirstOrThrow()) as Row)
      : await query.executeTakeFirst()
    const claimed = claim ? Boolean(row?.claimed) : undefined
    // (Left-joined, a location not found is a row of nulls.)
    if (!row || row.id === null) return { claimed, found: null }
    const {
      frequency,
      opensAfterHours,
      dueAfterHours,
      locksAfterHours,
      extraHours,
      existing,
      latest,
      riskRules,
      openRuleAlerts,
      openSince,
      recentFigures,
      newestBefore,
      claimed: _,
      ...location
    } = row as Row & Partial<RiskInputs>
    const period = periods[frequency]
    const window = { opensAfterHours, dueAfterHours, locksAfterHours }
    return {
      claimed,
      found: {
        location,
        period,
        frequency,
        window,
        extraHours: extraHours ?? 0,
        timing: timingOf(period, window, now, extraHours ?? 0),
        existing: existing ?? null,
        previous: latest && latest.periodStart < period.start ? latest : null,
        risk: risk
          ? ({
              riskRules: riskRules ?? null,
              openRuleAlerts: openRuleAlerts ?? null,
              openSince: openSince ?? null,
              recentFigures: recentFigures ?? null,
              newestBefore: newestBefore ?? null,
            } satisfies RiskInputs)
          : null,
      },
    }
  }

  // Everything short of saving: scope, period, window, amendment reason and the figures themselves.
  async function prepare(
    actor: Actor,
    locationId: string,
    raw: Record<string, unknown>,
    options: SubmitOptions,
    withRisk = false,
  ): Promise<{ ok: true; prepared: Prepared } | Exclude<SubmitOutcome, { ok: true }>> {
    if (!mayReport(actor))
      return options.claim ? { ok: false, unclaimed: true } : { ok: false, notFound: true }
    const { claimed, found: form } = await submissionContext(actor, locationId, { ...options, withRisk })
    if (options.claim && !claimed) return { ok: false, unclaimed: true }
    if (!form) return { ok: false, notFound: true }
    const seenVersion = form.existing?.version ?? 0
    if (options.amendsVersion !== undefined && options.amendsVersion !== seenVersion)
      return { ok: false, conflict: { version: seenVersion } }
    const errors: FieldError[] = []
    const now = clock.now()
    if (options.periodStartMustBeFirstDay && options.periodStart && form.period.start !== options.periodStart)
      errors.push({
        field: 'period',
        message: `This location reports ${form.frequency}: the period must be given by its first day, like ${form.period.start}`,
      })
    else if (form.period.start > periodContaining(form.frequency, now).start)
      errors.push({ field: 'period', message: 'You cannot report for a period that has not started' })
    else if (form.timing === 'not-open')
      errors.push({ field: 'period', message: 'This return is not open yet' })
    const isOfficer = actor.role !== 'provider_manager'
    if (form.timing === 'locked' && !isOfficer)
      errors.push({ field: 'period', message: 'This period is locked. Ask the council to amend it' })
    const reason = (options.amendmentReason ?? '').trim()
    // Completing figures the capacity tracker already gave is not a correction, so needs no reason.
    if (form.existing && form.existing.source !== 'import' && !reason)
      errors.push({ field: 'amendmentReason', message: 'Enter why you are changing this return' })
    if (form.timing === 'locked' && isOfficer && !reason)
      errors.push({ field: 'amendmentReason', message: 'Enter why a locked period is being changed' })
    const reasonTooLong = tooLong('The reason for the change', reason, textLimits.amendmentReason)
    if (reasonTooLong) errors.push({ field: 'amendmentReason', message: reasonTooLong })
    let values: ReturnValues = {}
    if (options.nothingChanged) {
      if (!form.previous)
        return { ok: false, errors: [{ field: 'period', message: 'There is no earlier return to repeat' }] }
      values = form.previous.values
    } else {
      const parsed = parseReturn(currentDataset, form.location.serviceType as ServiceType, raw)
      if (!parsed.ok) errors.push(...parsed.errors)
      values = parsed.values
    }
    if (errors.length) return { ok: false, errors }
    const source: ReturnSource = options.source ?? (isOfficer ? 'officer' : 'web')
    return {
      ok: true,
      prepared: {
        locationId: form.location.id,
        frequency: form.frequency,
        period: form.period,
        timing: form.timing,
        values,
        nothingChanged: Boolean(options.nothingChanged),
        reason,
        source,
        firstVersion: !form.existing,
        replacesVersion: options.amendsVersion ?? (form.existing ? seenVersion : null),
        risk: form.risk
          ? {
              inputs: form.risk,
              serviceType: form.location.serviceType,
              window: form.window,
              extraHours: form.extraHours,
            }
          : null,
      },
    }
  }

  // The common table expressions that write a period's first version (`inserted`, unless the period has
  // a version 1 already, or `guard` names a CTE with no row), its audit record and the dashboard days it
  // changes marked stale. Shared by the transaction path and the one-statement path.
  function firstVersionWrites(actor: Actor, p: Prepared, now: Date, returnId: string, guard?: string) {
    const row = versionRow(actor, p, now, undefined)
    const audit = auditRow(auditEntry(actor, p, now, { id: returnId, version: 1 }, undefined))
    return sql`
      inserted as (
        insert into situation_returns (id, location_id, frequency, period_start, version, is_current, dataset_version,
                                       values, nil_return, nothing_changed, source, timing, submitted_by, submitted_at,
                                       amendment_reason)
        select ${returnId}::uuid, ${row.locationId}::uuid, ${row.frequency}, ${row.periodStart}::date, 1, true,
               ${row.datasetVersion}::int, ${row.values}::jsonb, false, ${row.nothingChanged}::boolean, ${row.source},
               ${row.timing}, ${row.submittedBy}::uuid, ${now}::timestamptz, null
        ${guard ? sql`from ${sql.raw(guard)}` : sql``}
        on conflict (location_id, period_start, version) do nothing
        returning id, version),
      audited as (
        insert into audit_events (actor_user_id, organisation_id, action, entity_type, entity_id, before, after, occurred_at)
        select ${audit.actorUserId}::uuid, ${audit.organisationId}::uuid, ${audit.action}, ${audit.entityType}, id,
               null, ${audit.after}::jsonb, ${now}::timestamptz
        from inserted),
      stale_marked as (${dashboardStaleInsert(p.locationId, p.period.start, p.frequency)})`
  }

  // A period's first version, its audit record and the dashboard days it changes marked stale, in one
  // statement; nothing is written (undefined) when the period has a version 1 already.
  async function insertFirstVersion(trx: DbOrTransaction, actor: Actor, p: Prepared, now: Date) {
    const { rows } = await sql<{ id: string; version: number }>`
      with ${firstVersionWrites(actor, p, now, randomUUID())}
      select id, version from inserted`.execute(trx)
    return rows[0]
  }

  // A further version (an amendment), with the dashboard days it changes marked stale by the same statement.
  async function insertVersion(
    trx: DbOrTransaction,
    actor: Actor,
    p: Prepared,
    now: Date,
    previous: { version: number } | undefined,
  ) {
    return trx
      .with(
        'staleMarked',
        () =>
          sql<Record<string, never>>`(${dashboardStaleInsert(p.locationId, p.period.start, p.frequency)})`,
      )
      .insertInto('situationReturns')
      .values(versionRow(actor, p, now, previous))
      .returning(['id', 'version'])
      .executeTakeFirst()
  }

  // Saves prepared returns in the caller's transaction. A period that already has a return gets a new
  // version only with a reason; returns null when a version appeared meanwhile without one, and a
  // conflict when the version the return replaces is no longer the latest.
  async function saveVersion(
    trx: DbOrTransaction,
    actor: Actor,
    p: Prepared,
    now: Date,
  ): Promise<{ id: string; version: number } | { conflictWith: number } | null> {
    // When none was seen for the period (the usual case), the first version goes in at once with its
    // audit record; if one arrived meanwhile nothing is inserted, and the versions are read and locked.
    if (p.firstVersion) {
      const first = await insertFirstVersion(trx, actor, p, now)
      if (first) return first
    }
    // Locked, then read afresh: a version saved by a request this one waited for is seen (READ
    // COMMITTED gives each statement a new snapshot), so two amendments never take the same number.
    const period = trx
      .selectFrom('situationReturns')
      .where('locationId', '=', p.locationId)
      .where('periodStart', '=', p.period.start)
    await period.select('id').forUpdate().execute()
    const versions = await period
      .select(['id', 'version', 'values', 'source'])
      .orderBy('version', 'desc')
      .execute()
    const previous = versions[0]
    if (p.replacesVersion !== null && (previous?.version ?? 0) !== p.replacesVersion)
      return { conflictWith: previous?.version ?? 0 }
    if (previous && previous.source !== 'import' && !p.reason) return null
    if (previous)
      await trx
        .updateTable('situationReturns')
        .set({ isCurrent: false })
        .where('id', '=', previous.id)
        .execute()
    const row = await insertVersion(trx, actor, p, now, previous)
    if (!row) throw new Error('The return was not saved')
    await recordAudit(trx, auditEntry(actor, p, now, row, previous))
    return row
  }

  async function submit(
    actor: Actor,
    locationId: string,
    raw: Record<string, unknown>,
    options: SubmitOptions = {},
  ): Promise<SubmitOutcome> {
    const ready = await prepare(actor, locationId, raw, options, !options.riskLater)
    if (!ready.ok) return ready
    const p = ready.prepared
    const now = clock.now()
    const firstVersion = !p.firstVersion
      ? null
      : options.riskLater
        ? await saveFirstVersionQueued(actor, p, now, options)
        : await saveFirstVersionWithRisk(actor, p, now, options)
    const saved =
      firstVersion ||
      (await db.transaction().execute(async (trx) => {
        const row = await saveVersion(trx, actor, p, now)
        if (!row || 'conflictWith' in row) return row
        // Risk rules run in the same transaction: the return and the alerts it raises or clears appear together.
        await recomputeRisk(trx, now, [p.locationId])
        const saved = { returnId: row.id, version: row.version, period: p.period, locationId: p.locationId }
        for (const statement of options.alsoWrite?.(saved, sql`true`) ?? []) await statement.execute(trx)
        return saved
      }))
    if (!saved)
      return {
        ok: false,
        errors: [{ field: 'amendmentReason', message: 'Enter why you are changing this return' }],
      }
    if ('conflictWith' in saved) return { ok: false, conflict: { version: saved.conflictWith } }
    return { ok: true, ...saved }
  }

  // The caller's own writes (SubmitOptions.alsoWrite) as common table expressions also_0, also_1, … of
  // a statement whose `inserted` saves the return: each writes only when the return was saved.
  function alsoWriteCtes(options: SubmitOptions, saved: SavedReturn) {
    const also = options.alsoWrite?.(saved, sql`exists (select 1 from inserted)`) ?? []
    return sql.join(
      also.map((statement, i) => sql`, ${sql.raw(`also_${i}`)} as (${statement})`),
      sql``,
    )
  }

  // A period's first version saved in one statement, in one round trip, with everything that goes with
  // it: its audit record, the dashboard days it changes marked stale, the alerts it raises, updates or
  // resolves (worked out beforehand from what prepare read, as recomputeRisk would after), and the
  // caller's own writes. A morning brings thousands of returns at once, so this is the usual path.
  // Null, with nothing written, when the period has a version already or the location's open rule
  // alerts are no longer those the alerts were worked out against: the caller then takes the
  // transaction path, which reads again.
  async function saveFirstVersionWithRisk(
    actor: Actor,
    p: Prepared,
    now: Date,
    options: SubmitOptions,
  ): Promise<SavedReturn | null> {
    if (!p.risk) return null
    const returnId = randomUUID()
    const changes = changesAfterReturn(
      p.risk.inputs,
      {
        id: p.locationId,
        serviceType: p.risk.serviceType,
        frequency: p.frequency,
        window: p.risk.window,
        extraHours: p.risk.extraHours,
      },
      {
        id: returnId,
        periodStart: p.period.start,
        frequency: p.frequency,
        submittedAt: now,
        values: p.values,
      },
      now,
    )
    const anyChange = changes.raises.length + changes.updates.length + changes.resolves.length > 0
    const saved: SavedReturn = { returnId, version: 1, period: p.period, locationId: p.locationId }
    const { rows } = await sql<{ saved: boolean; raised: number | null }>`
      with unchanged as (
        select 1 from (select coalesce(array_agg(a.id order by a.id), '{}') as ids from alerts a
                        where a.location_id = ${p.locationId}::uuid and a.status = 'open' and a.source = 'rule') o
        where o.ids = ${sql.val([...changes.openAlertIds].sort())}::uuid[]),
      ${firstVersionWrites(actor, p, now, returnId, 'unchanged')}
      ${alsoWriteCtes(options, saved)}
      ${anyChange ? sql`, ${alertChangesStatement(changes, now, { when: sql`exists (select 1 from inserted)` })}` : sql``}
      select exists (select 1 from inserted) as saved,
             ${anyChange ? sql`(select count(*) from raised)::int` : sql`null::int`} as raised`.execute(db)
    if (!rows[0]?.saved) return null
    // Another writer opened the location's case, or raised one of these alerts, as this was saved: the
    // alerts left out are raised now (those raised meanwhile are left alone).
    if ((rows[0].raised ?? 0) < changes.raises.length)
      await applyAlertChanges(db, { raises: changes.raises }, now)
    return saved
  }

  // A period's first version with its audit record, the dashboard days it changes marked stale, the
  // caller's own writes and its location queued for the risk-queue job, in one statement. Null, with
  // nothing written, when the period has a version already (the caller then takes the transaction path).
  async function saveFirstVersionQueued(
    actor: Actor,
    p: Prepared,
    now: Date,
    options: SubmitOptions,
  ): Promise<SavedReturn | null> {
    const returnId = randomUUID()
    const saved: SavedReturn = { returnId, version: 1, period: p.period, locationId: p.locationId }
    const { rows } = await sql<{ saved: boolean }>`
      with ${firstVersionWrites(actor, p, now, returnId)}
      ${alsoWriteCtes(options, saved)},
      risk_queued as (${queueRiskStatement(sql`select ${p.locationId}::uuid from inserted`, now)})
      select exists (select 1 from inserted) as saved`.execute(db)
    return rows[0]?.saved ? saved : null
  }

  // Many returns at once (a bulk upload): every one is checked first; all are saved or none.
  async function submitMany(
    actor: Actor,
    submissions: { locationId: string; raw: Record<string, unknown>; options?: SubmitOptions }[],
  ): Promise<
    | { ok: true; saved: number }
    | { ok: false; problems: { index: number; errors: FieldError[]; notFound?: boolean }[] }
  > {
    const prepared: (Prepared & { index: number })[] = []
    const problems: { index: number; errors: FieldError[]; notFound?: boolean }[] = []
    for (const [index, s] of submissions.entries()) {
      const ready = await prepare(actor, s.locationId, s.raw, s.options ?? {})
      if (ready.ok) prepared.push({ ...ready.prepared, index })
      else if ('errors' in ready) problems.push({ index, errors: ready.errors })
      else
        problems.push({
          index,
          errors: [{ field: 'location', message: 'Location not found, or not one of yours' }],
          notFound: true,
        })
    }
    const seen = new Map<string, number>()
    // Positions are those of the submissions as given, so a file's row numbers can be worked out.
    for (const p of prepared) {
      const index = p.index
      const key = `${p.locationId}/${p.period.start}`
      if (seen.has(key))
        problems.push({
          index,
          errors: [
            {
              field: 'location',
              message: `The same location and period appear twice (first as item ${seen.get(key)! + 1})`,
            },
          ],
        })
      else seen.set(key, index)
    }
    if (problems.length) return { ok: false, problems }
    const now = clock.now()
    const result = await db
      .transaction()
      .execute(async (trx) => {
        for (const [index, p] of prepared.entries()) {
          const saved = await saveVersion(trx, actor, p, now)
          if (!saved) throw new StaleUpload(index, arrivedMeanwhile)
          if ('conflictWith' in saved) throw new StaleUpload(index, changedMeanwhile)
        }
        await recomputeRisk(
          trx,
          now,
          prepared.map((p) => p.locationId),
        )
        return prepared.length
      })
      .catch((error: unknown) => {
        if (error instanceof StaleUpload) return error
        throw error
      })
    if (result instanceof StaleUpload)
      return {
        ok: false,
        problems: [
          {
            index: result.index,
            errors: [{ field: 'amendmentReason', message: result.problem }],
          },
        ],
      }
    return { ok: true, saved: result }
  }

  // Checks the figures without saving them (for the check-your-answers step).
  async function validate(
    actor: Actor,
    locationId: string,
    raw: Record<string, unknown>,
    options: { locationByCqcId?: boolean } = {},
  ): Promise<FieldError[]> {
    const location = await visibleLocation(actor, locationId, options)
    if (!location) return [{ field: 'location', message: 'Location not found' }]
    const parsed = parseReturn(currentDataset, location.serviceType as ServiceType, raw)
    return parsed.ok ? [] : parsed.errors
  }

  async function history(actor: Actor, locationId: string) {
    const location = await visibleLocation(actor, locationId)
    if (!location) return null
    const returns = await db
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
        'situationReturns.submittedAt',
        'situationReturns.amendmentReason',
        'users.displayName as submittedByName',
      ])
      .where('situationReturns.locationId', '=', locationId)
      .orderBy('situationReturns.periodStart', 'desc')
      .orderBy('situationReturns.version', 'desc')
      .limit(200)
      .execute()
    return { location, returns }
  }

  async function getReturn(actor: Actor, returnId: string) {
    if (!isUuid(returnId)) return null
    const row = await db
      .selectFrom('situationReturns')
      .leftJoin('users', 'users.id', 'situationReturns.submittedBy')
      .selectAll('situationReturns')
      .select('users.displayName as submittedByName')
      .where('situationReturns.id', '=', returnId)
      .executeTakeFirst()
    if (!row) return null
    const location = await visibleLocation(actor, row.locationId)
    if (!location) return null
    // Old returns are shown with the definition they were made with.
    const definition = datasetVersion(row.datasetVersion) ?? currentDataset
    return { location, ret: row, sections: sectionsFor(definition, location.serviceType as ServiceType) }
  }

  return {
    todaysReturns,
    formFor,
    submit,
    submitMany,
    validate,
    history,
    getReturn,
    previousPeriod,
    templateFor,
  }
}

export type ReturnsService = ReturnType<typeof createReturnsService>
