import { isDeepStrictEqual } from 'node:util'
import { type RawBuilder, sql } from 'kysely'
import { v7 as timeOrderedId } from 'uuid'
import type { Db, DbOrTransaction } from '../../db/database.ts'
import { type AuditEntry, auditRow } from '../audit/index.ts'
import { currentDataset, type ReturnValues } from './domain/dataset.ts'
import { exportCellsLayout, exportCellsOf } from './export-cells.ts'
import type { NilReasonKind } from './domain/exceptions.ts'
import type { Frequency, Period } from './domain/periods.ts'
import { returnsAuditActions } from './returns.audit-actions.ts'

// The one way a version of a return is written, whatever the channel (web form, officer, upload, API,
// capacity tracker import): `writeVersion`, one statement that writes the version, its audit record and
// what the other capabilities need written with it (their ReturnSaveHooks). See ADR 7.

export type ReturnSource = 'web' | 'officer' | 'upload' | 'api' | 'import'

// Who saves: the user (none for the command line) and their organisation, for the version and its audit.
export type SavedBy = { userId: string | null; organisationId: string | null }

// A version as the hooks see it: known before it is written, so each hook can say what goes with it.
export type SavedVersion = {
  returnId: string
  version: number
  locationId: string
  frequency: Frequency
  period: Period
  source: ReturnSource
}

// What another capability needs done whenever a return is saved, through any channel. Capabilities
// contribute theirs in their index.ts (`contributes: { returnSaved }`); the composition root hands them
// to the returns capability (src/modules.ts), so no channel builds them and none can leave one out.
export type ReturnSaveHook = {
  // Statements written by the statement that writes the version, as its common table expressions: the
  // version and they are written together or not at all. `saved` is an SQL condition that holds when the
  // version was written (nothing is, when that version number arrived meanwhile): a statement writes
  // nothing unless it holds, or is harmless when it does not.
  withVersion?: (version: SavedVersion, saved: RawBuilder<unknown>, now: Date) => RawBuilder<unknown>[]
  // What follows the versions saved, for a channel whose next page shows it (every channel but the API):
  // run in a transaction after them, before the channel answers.
  followUp?: (trx: DbOrTransaction, locationIds: string[], now: Date) => Promise<void>
}

// One submission's own hook (the API's answer kept for a retry with the same Idempotency-Key), with
// `claim`: a data-modifying statement made with the submission's first read; when it returns no row,
// nothing is saved and the outcome is `unclaimed`.
export type SubmissionHook = ReturnSaveHook & { claim?: RawBuilder<unknown> }

// A return checked and ready to save (submission-check.ts, or the capacity tracker's import).
export type Prepared = {
  locationId: string
  frequency: Frequency
  period: Period
  timing: string
  values: ReturnValues
  nothingChanged: boolean
  // A nil return: no figures this period, and why (nil-return.ts); its values are empty.
  nil?: { reason: NilReasonKind; details: string | null }
  reason: string
  source: ReturnSource
  // No version of this period was seen when the return was checked.
  firstVersion: boolean
  // The version this return replaces, which must still be the latest when it is saved (null: none
  // was seen, and the return was not given one).
  replacesVersion: number | null
}

type Previous = {
  id: string
  version: number
  values: unknown
  source: string
  submittedBy: string | null
  nilReturn: boolean
  nilReason: string | null
  nilDetails: string | null
}

export type SaveResult =
  | { saved: SavedVersion }
  // The version the return replaces is no longer the latest.
  | { conflictWith: number }
  // A version arrived meanwhile that this return may not replace (it has no reason; an import never
  // replaces what a provider sent).
  | { refused: true }

function auditEntry(
  by: SavedBy,
  p: Prepared,
  now: Date,
  saved: SavedVersion,
  previous?: Previous,
): AuditEntry {
  return {
    actorUserId: by.userId,
    organisationId: by.organisationId,
    action:
      p.source === 'import'
        ? returnsAuditActions.returnImported
        : previous
          ? returnsAuditActions.returnAmended
          : returnsAuditActions.returnSubmitted,
    entityType: 'situation-return',
    entityId: saved.returnId,
    before: previous ? previous.values : undefined,
    after: {
      locationId: p.locationId,
      periodStart: p.period.start,
      version: saved.version,
      source: p.source,
      values: p.values,
      nilReturn: p.nil ? { reason: p.nil.reason, details: p.nil.details } : undefined,
      reason: previous ? p.reason : undefined,
    },
    occurredAt: now,
  }
}

// Writes one version, with its audit record and every hook's statements, in one statement (one round
// trip: a morning brings thousands of returns; ADR 9). Null, with nothing written, when the period has
// a version of that number already.
export async function writeVersion(
  db: DbOrTransaction,
  by: SavedBy,
  p: Prepared,
  now: Date,
  previous: Previous | undefined,
  hooks: readonly ReturnSaveHook[],
): Promise<SavedVersion | null> {
  const saved: SavedVersion = {
    // Time-ordered (UUID version 7): each new id goes at the end of the primary key's index and of the
    // audit records' index by entity, instead of a random page of each (a page PostgreSQL must read,
    // and log whole after a checkpoint) for every return of a morning.
    returnId: timeOrderedId(),
    version: (previous?.version ?? 0) + 1,
    locationId: p.locationId,
    frequency: p.frequency,
    period: p.period,
    source: p.source,
  }
  const audit = auditRow(auditEntry(by, p, now, saved, previous))
  // Completing figures the capacity tracker gave needs no reason from the provider: this one is recorded.
  const reason = previous ? p.reason || 'Completed the figures imported from the capacity tracker' : null
  const when = sql`exists (select 1 from inserted)`
  // The version's cells of the returns CSV, as the export will write them (export-cells.ts).
  const cells = exportCellsOf({
    period_start: p.period.start,
    version: saved.version,
    submitted_at: now,
    timing: p.timing,
    source: p.source,
    nothing_changed: p.nothingChanged,
    nil_return: Boolean(p.nil),
    nil_reason: p.nil?.reason ?? null,
    nil_details: p.nil?.details ?? null,
    values: p.values,
  })
  const hooked = hooks.flatMap((hook) => hook.withVersion?.(saved, when, now) ?? [])
  const { rows } = await sql<{ id: string }>`
    with inserted as (
      insert into situation_returns (id, location_id, frequency, period_start, version, is_current, dataset_version,
                                     values, nil_return, nil_reason, nil_details, nothing_changed, source, timing,
                                     submitted_by, submitted_at, amendment_reason, export_cells, export_layout)
      values (${saved.returnId}::uuid, ${p.locationId}::uuid, ${p.frequency}, ${p.period.start}::date,
              ${saved.version}::int, true, ${currentDataset.version}::int, ${JSON.stringify(p.values)}::jsonb,
              ${Boolean(p.nil)}::boolean, ${p.nil?.reason ?? null}::text, ${p.nil?.details ?? null}::text,
              ${p.nothingChanged}::boolean, ${p.source}, ${p.timing}, ${by.userId}::uuid, ${now}::timestamptz,
              ${reason}::text, ${cells}, ${exportCellsLayout})
      on conflict (location_id, period_start, version) do nothing
      returning id),
    audited as (
      insert into audit_events (actor_user_id, organisation_id, action, entity_type, entity_id, before, after, occurred_at)
      select ${audit.actorUserId}::uuid, ${audit.organisationId}::uuid, ${audit.action}, ${audit.entityType}, id,
             ${audit.before}::jsonb, ${audit.after}::jsonb, ${now}::timestamptz
      from inserted)
    ${sql.join(
      hooked.map((statement, i) => sql`, ${sql.raw(`hook_${i}`)} as (${statement})`),
      sql``,
    )}
    select id from inserted`.execute(db)
  return rows.length ? saved : null
}

// Whether a return may replace the period's latest version: a provider's version is replaced only with a
// reason (an imported one needs none); an import never replaces what a provider sent.
// The same person sending the same figures again, with no reason, for a period they have just sent.
function sameSubmissionAgain(by: SavedBy, p: Prepared, previous: Previous): boolean {
  return (
    by.userId !== null &&
    previous.submittedBy === by.userId &&
    previous.source === p.source &&
    previous.nilReturn === (p.nil !== undefined) &&
    previous.nilReason === (p.nil?.reason ?? null) &&
    previous.nilDetails === (p.nil?.details ?? null) &&
    isDeepStrictEqual(previous.values, JSON.parse(JSON.stringify(p.values)))
  )
}

function mayReplace(p: Prepared, previous: Previous): boolean {
  return p.source === 'import'
    ? previous.source === 'import'
    : previous.source === 'import' || p.reason !== ''
}

// One version in the caller's transaction. The period's versions are locked, then read afresh: a version
// saved by a request this one waited for is seen (READ COMMITTED gives each statement a new snapshot), so
// two amendments never take the same number.
async function saveInTransaction(
  trx: DbOrTransaction,
  by: SavedBy,
  p: Prepared,
  now: Date,
  hooks: readonly ReturnSaveHook[],
): Promise<SaveResult> {
  // When none was seen for the period (the usual case), the first version goes in at once; if one
  // arrived meanwhile nothing is written, and the versions are read and locked.
  if (p.firstVersion) {
    const first = await writeVersion(trx, by, p, now, undefined, hooks)
    if (first) return { saved: first }
  }
  const period = trx
    .selectFrom('situationReturns')
    .where('locationId', '=', p.locationId)
    .where('periodStart', '=', p.period.start)
  await period.select('id').forUpdate().execute()
  const previous = await period
    .select(['id', 'version', 'values', 'source', 'submittedBy', 'nilReturn', 'nilReason', 'nilDetails'])
    .orderBy('version', 'desc')
    .limit(1)
    .executeTakeFirst()
  if (p.replacesVersion !== null && (previous?.version ?? 0) !== p.replacesVersion)
    return { conflictWith: previous?.version ?? 0 }
  if (previous && !mayReplace(p, previous)) {
    if (!sameSubmissionAgain(by, p, previous)) return { refused: true }
    // The answer to the first was lost (a dropped connection, a restart): it arrived, so it is the
    // one that is answered, rather than asking for a reason to change what was sent.
    const { locationId, frequency, period, source } = p
    return {
      saved: { returnId: previous.id, version: previous.version, locationId, frequency, period, source },
    }
  }
  if (previous)
    await trx
      .updateTable('situationReturns')
      .set({ isCurrent: false })
      .where('id', '=', previous.id)
      .execute()
  const saved = await writeVersion(trx, by, p, now, previous, hooks)
  if (!saved) throw new Error('The return was not saved')
  return { saved }
}

async function followUp(
  trx: DbOrTransaction,
  hooks: readonly ReturnSaveHook[],
  locationIds: string[],
  now: Date,
) {
  for (const hook of hooks) await hook.followUp?.(trx, [...new Set(locationIds)], now)
}

// Thrown to roll a batch back when one of its versions cannot be saved.
class NotAll extends Error {
  constructor(
    readonly index: number,
    readonly result: SaveResult,
  ) {
    super('a version of the batch could not be saved')
  }
}

// Saving returns with the hooks the composition root gave: every channel's way in.
export function createReturnSaver(deps: { db: Db; hooks: readonly ReturnSaveHook[] }) {
  const { db, hooks } = deps

  // One return. A period's first version is written by one statement when none was seen (the usual case);
  // otherwise, or when one arrived meanwhile, in a transaction that locks the period's versions. Unless
  // `followUpLater` (the API: a care-record system needs only to know each return was saved, and the
  // risk-queue job runs the rules within a second), the hooks' follow-ups run before this answers.
  async function saveOne(
    by: SavedBy,
    p: Prepared,
    now: Date,
    options: { hook?: SubmissionHook; followUpLater?: boolean } = {},
  ): Promise<SaveResult> {
    const all = options.hook ? [...hooks, options.hook] : hooks
    const follow = !options.followUpLater && all.some((hook) => hook.followUp)
    if (p.firstVersion) {
      const saved = await writeVersion(db, by, p, now, undefined, all)
      if (saved) {
        if (follow) await db.transaction().execute((trx) => followUp(trx, all, [p.locationId], now))
        return { saved }
      }
    }
    return db.transaction().execute(async (trx) => {
      const result = await saveInTransaction(trx, by, { ...p, firstVersion: false }, now, all)
      if ('saved' in result && follow) await followUp(trx, all, [p.locationId], now)
      return result
    })
  }

  // Many returns in one transaction, then their follow-ups in it (an upload; the capacity tracker's
  // import, whose `alsoInTransaction` applies the tracker's status flags before them). `allOrNone`: when
  // one cannot be saved, none is, and its index and result are returned.
  async function saveMany(
    by: SavedBy,
    prepared: readonly Prepared[],
    now: Date,
    options: { allOrNone: boolean; alsoInTransaction?: (trx: DbOrTransaction) => Promise<void> },
  ): Promise<{ ok: true; results: SaveResult[] } | { ok: false; index: number; result: SaveResult }> {
    return db
      .transaction()
      .execute(async (trx) => {
        const results: SaveResult[] = []
        for (const [index, p] of prepared.entries()) {
          const result = await saveInTransaction(trx, by, p, now, hooks)
          if (options.allOrNone && !('saved' in result)) throw new NotAll(index, result)
          results.push(result)
        }
        await options.alsoInTransaction?.(trx)
        const saved = results.flatMap((r) => ('saved' in r ? [r.saved.locationId] : []))
        if (saved.length) await followUp(trx, hooks, saved, now)
        return { ok: true as const, results }
      })
      .catch((error: unknown) => {
        if (error instanceof NotAll) return { ok: false as const, index: error.index, result: error.result }
        throw error
      })
  }

  return { saveOne, saveMany }
}

export type ReturnSaver = ReturnType<typeof createReturnSaver>
