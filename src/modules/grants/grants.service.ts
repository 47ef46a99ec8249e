import { randomUUID } from 'node:crypto'
import { sql } from 'kysely'
import type { Db } from '../../db/database.ts'
import type { Clock } from '../../domain/clock.ts'
import { londonDate } from '../../domain/dates.ts'
import { isUuid, type Outcome } from '../../domain/outcome.ts'
import { type Actor, can } from '../../domain/policy.ts'
import { auditRow, recordAudit } from '../audit/index.ts'
import { addWorkingDays } from '../enquiries/index.ts'
import { computeAllocation, previewChanges } from './domain/allocation.ts'
import { councilPot, defaultFundColumn, readFundTable } from './domain/fund-table.ts'
import { pounds } from './domain/money.ts'
import type { RoundDraft, RoundForm } from './domain/round-rules.ts'
import { validateRound } from './domain/round-rules.ts'
import { spendSummary } from './domain/spend.ts'
import { createGrantAllocationService } from './grant-allocations.service.ts'
import { grantsAuditActions as actions } from './grants.audit-actions.ts'
import {
  allocationsOf,
  candidatesFor,
  findRound,
  insertRound,
  latestPreviews,
  type RoundRow,
  roundsOf,
  termsOf,
  tranchesOf,
  updateRound,
} from './grants.repository.ts'

type Round = NonNullable<RoundRow>

// Who may read a council's rounds, and who may set them up, preview, commit and pay them.
export const mayReadGrants = (actor: Actor) => can(actor, 'grants:read') && actor.councilIds.length > 0
export const mayManageGrants = (actor: Actor) =>
  can(actor, 'grants:manage') && actor.organisationKind === 'council'
const readable = (actor: Actor, round: Round) =>
  mayReadGrants(actor) && actor.councilIds.includes(round.councilId)
const manageable = (actor: Actor, round: Round) =>
  mayManageGrants(actor) && actor.organisationId === round.councilId

// What an audit record says about a round (money as text: the trail is JSON).
const auditedRound = (draft: RoundDraft) => ({
  ...draft,
  potPence: String(draft.potPence),
  retainedPence: String(draft.retainedPence),
})

// Grant rounds: set up by finance, allocated by the formula as a what-if until finance commits it.
export function createGrantsService(deps: { db: Db; clock: Clock }) {
  const { db, clock } = deps
  const allocations = createGrantAllocationService(deps)

  const roundFor = async (actor: Actor, id: string) => {
    if (!isUuid(id)) return null
    const round = await findRound(db, id)
    return round && readable(actor, round) ? round : null
  }

  async function list(actor: Actor) {
    if (!mayReadGrants(actor)) return null
    return { rounds: await roundsOf(db, actor.councilIds), mayManage: mayManageGrants(actor) }
  }

  async function createRound(actor: Actor, form: RoundForm): Promise<Outcome<{ id: string }> | null> {
    if (!mayManageGrants(actor)) return null
    const checked = validateRound(form)
    if (!checked.ok) return checked
    const now = clock.now()
    const id = await db.transaction().execute(async (trx) => {
      const id = await insertRound(trx, actor.organisationId, checked.value, actor.userId, now)
      await recordAudit(trx, {
        actorUserId: actor.userId,
        organisationId: actor.organisationId,
        councilId: actor.organisationId,
        action: actions.roundCreated,
        entityType: 'grant-round',
        entityId: id,
        after: auditedRound(checked.value),
        occurredAt: now,
      })
      return id
    })
    return { ok: true, value: { id } }
  }

  // A draft round changed: its previews stay, so the next one shows what the change did.
  async function changeRound(
    actor: Actor,
    id: string,
    form: RoundForm,
  ): Promise<Outcome<{ id: string }> | null> {
    const round = await roundFor(actor, id)
    if (!round || !manageable(actor, round) || round.status !== 'draft') return null
    const checked = validateRound(form)
    if (!checked.ok) return checked
    const now = clock.now()
    await db.transaction().execute(async (trx) => {
      await updateRound(trx, id, checked.value, now)
      await recordAudit(trx, {
        actorUserId: actor.userId,
        organisationId: actor.organisationId,
        councilId: round.councilId,
        action: actions.roundChanged,
        entityType: 'grant-round',
        entityId: id,
        before: { name: round.name, potPence: String(round.potPence), snapshotDate: round.snapshotDate },
        after: auditedRound(checked.value),
        occurredAt: now,
      })
    })
    return { ok: true, value: { id } }
  }

  // The pot from a table shaped like the government's fund file: the council's row, by ONS code or name.
  async function importPot(
    actor: Actor,
    id: string,
    file: { fileName: string; content: Buffer } | null,
    column: string,
  ): Promise<Outcome<{ potPence: bigint }> | null> {
    const round = await roundFor(actor, id)
    if (!round || !manageable(actor, round) || round.status !== 'draft') return null
    if (!file) return { ok: false, errors: { file: 'Select the fund table' } }
    const table = readFundTable(file.content, column.trim() || defaultFundColumn)
    if (!table.ok) return { ok: false, errors: { file: table.problem } }
    const row = councilPot(table.rows, { onsCode: round.councilOnsCode, name: round.councilName })
    if (!row) return { ok: false, errors: { file: `The fund table has no row for ${round.councilName}` } }
    if (row.pence <= round.retainedPence)
      return {
        ok: false,
        errors: { file: `The council’s amount, ${pounds(row.pence)}, is not more than the retained sum` },
      }
    const now = clock.now()
    const source = `${file.fileName}, ${table.column}, ${row.onsCode} ${row.name}`
    await db.transaction().execute(async (trx) => {
      await trx
        .updateTable('grantRounds')
        .set({ potPence: row.pence, potSource: source, updatedAt: now })
        .where('id', '=', id)
        .execute()
      await recordAudit(trx, {
        actorUserId: actor.userId,
        organisationId: actor.organisationId,
        councilId: round.councilId,
        action: actions.potImported,
        entityType: 'grant-round',
        entityId: id,
        before: { potPence: String(round.potPence) },
        after: { potPence: String(row.pence), source },
        occurredAt: now,
      })
    })
    return { ok: true, value: { potPence: row.pence } }
  }

  // The allocation as the formula gives it today, kept as a preview; what changed since the last.
  // Three round trips whatever the round's size: the round, the candidates (one query), and one
  // statement that keeps the preview (numbered after the last) and its audit record together.
  // That statement's commit does not wait for the disk (synchronous_commit off for it alone): a
  // preview is a what-if, made again at will. Committing waits, and so makes every preview before it
  // durable; a preview lost in a crash cannot be committed unseen, as commit takes only the preview
  // the officer saw (seenPreviewId) and that must still be the latest.
  async function preview(actor: Actor, id: string) {
    const round = await roundFor(actor, id)
    if (!round || !manageable(actor, round) || round.status !== 'draft') return null
    const now = clock.now()
    const allocation = computeAllocation(termsOf(round), await candidatesFor(db, round))
    const lines = allocation.lines.map((l) => ({ ...l, amountPence: String(l.amountPence) }))
    const previewId = randomUUID()
    let eligible = 0
    for (const l of allocation.lines) if (l.eligible) eligible++
    await db
      .with('kept', (q) =>
        q
          .insertInto('grantPreviews')
          .values({
            id: previewId,
            roundId: id,
            number: sql<number>`(select coalesce(max(p.number), 0) + 1 from grant_previews p
              where p.round_id = ${id} and set_config('synchronous_commit', 'off', true) is not null)`,
            lines: JSON.stringify(lines),
            // What the formulas share out (per bed, and per person supported to home care): the lines'
            // sum, to the penny.
            formulaPence: allocation.formulaPence + allocation.homeCarePence,
            discretionaryPence: allocation.discretionaryPence,
            totalBasis: String(allocation.totalBasis),
            createdBy: actor.userId,
            createdAt: now,
          })
          .returning('id'),
      )
      .insertInto('auditEvents')
      .values(
        auditRow({
          actorUserId: actor.userId,
          organisationId: actor.organisationId,
          councilId: round.councilId,
          action: actions.roundPreviewed,
          entityType: 'grant-round',
          entityId: id,
          after: {
            previewId,
            formulaPence: String(allocation.formulaPence + allocation.homeCarePence),
            eligible,
            totalBasis: allocation.totalBasis,
          },
          occurredAt: now,
        }),
      )
      .execute()
    return { previewId }
  }

  // Finance commits the preview it saw, which must still be the latest: the allocation is then the
  // round's. Another preview since (by a colleague, or after a change) is shown before it is committed.
  async function commit(
    actor: Actor,
    id: string,
    seenPreviewId: string | undefined,
  ): Promise<Outcome<{ allocations: number }> | null> {
    const round = await roundFor(actor, id)
    if (!round || !manageable(actor, round)) return null
    if (round.status !== 'draft') return { ok: false, errors: { commit: 'The round is already committed' } }
    const [latest] = await latestPreviews(db, id, 1)
    if (!latest) return { ok: false, errors: { commit: 'Preview the allocation before committing it' } }
    if (latest.id !== seenPreviewId)
      return {
        ok: false,
        errors: { commit: 'The allocation has been previewed again since you checked it: check it again' },
      }
    if (latest.createdAt < round.updatedAt)
      return {
        ok: false,
        errors: { commit: 'The round has changed since the last preview: preview it again' },
      }
    const now = clock.now()
    await db.transaction().execute(async (trx) => {
      for (let i = 0; i < latest.lines.length; i += 1000) {
        await trx
          .insertInto('grantAllocations')
          .values(
            latest.lines.slice(i, i + 1000).map((l) => ({
              roundId: id,
              locationId: l.locationId,
              providerId: l.providerId,
              basisValue: l.basisValue,
              eligible: l.eligible,
              reason: l.reason,
              amountPence: l.amountPence,
              explanation: l.explanation,
            })),
          )
          .execute()
      }
      await trx
        .updateTable('grantRounds')
        .set({ status: 'committed', committedBy: actor.userId, committedAt: now, updatedAt: now })
        .where('id', '=', id)
        .execute()
      await recordAudit(trx, {
        actorUserId: actor.userId,
        organisationId: actor.organisationId,
        councilId: round.councilId,
        action: actions.roundCommitted,
        entityType: 'grant-round',
        entityId: id,
        after: {
          previewId: latest.id,
          allocations: latest.lines.length,
          formulaPence: String(latest.formulaPence),
        },
        occurredAt: now,
      })
    })
    return { ok: true, value: { allocations: latest.lines.length } }
  }

  // Everything the round's page shows.
  async function round(actor: Actor, id: string) {
    const found = await roundFor(actor, id)
    if (!found) return null
    const tranches = await tranchesOf(db, id)
    const [latest, previous] = found.status === 'draft' ? await latestPreviews(db, id, 2) : []
    const committed = found.status === 'committed' ? await allocationsOf(db, id) : []
    const passOnBy = addWorkingDays(found.roundDate, found.passOnWorkingDays)
    const today = londonDate(clock.now())
    const accepted = committed.filter((a) => a.decision === 'accepted')
    const summary = spendSummary(
      found.measuresAllowed,
      committed.flatMap((a) => (a.spendAmounts ? [{ amounts: a.spendAmounts }] : [])),
    )
    return {
      round: found,
      tranches,
      preview: latest ?? null,
      changes: latest && previous ? previewChanges(previous.lines, latest.lines) : null,
      previewIsCurrent: latest ? latest.createdAt >= found.updatedAt : false,
      allocations: committed,
      accepted,
      passOnBy,
      passOnOverdue: today > passOnBy && accepted.some((a) => a.paidPence === 0n),
      summary,
      mayManage: manageable(actor, found),
    }
  }

  return {
    list,
    createRound,
    changeRound,
    importPot,
    preview,
    commit,
    round,
    roundFor,
    today: () => londonDate(clock.now()),
    ...allocations,
  }
}

export type GrantsService = ReturnType<typeof createGrantsService>
