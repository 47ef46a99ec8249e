import { sql } from 'kysely'
import type { Db } from '../../db/database.ts'
import type { Clock } from '../../domain/clock.ts'
import { londonDate, londonTime } from '../../domain/dates.ts'
import { type Actor, can } from '../../domain/policy.ts'
import { recordAudit } from '../audit/index.ts'
import { enqueueEmailsOnce } from '../comms/index.ts'
import { bulletinsAuditActions as actions } from './bulletins.audit-actions.ts'
import { digestItems } from './digest-items.ts'

export type DigestService = ReturnType<typeof createDigestService>
export type DigestMode = 'immediate' | 'daily'

// Each officer chooses: new alerts, follow-ups due and enquiry changes as they happen, or in one
// e-mail a day listing everything since the last.
export function createDigestService(deps: { db: Db; clock: Clock }) {
  const { db, clock } = deps
  const mayChoose = (actor: Actor) => can(actor, 'cases:read') && actor.role !== 'provider_manager'

  async function preference(actor: Actor): Promise<DigestMode | null> {
    if (!mayChoose(actor)) return null
    const row = await db
      .selectFrom('digestPreferences')
      .select('mode')
      .where('userId', '=', actor.userId)
      .executeTakeFirst()
    return row?.mode ?? 'immediate'
  }

  async function choose(actor: Actor, mode: string): Promise<boolean | null> {
    if (!mayChoose(actor)) return null
    if (mode !== 'immediate' && mode !== 'daily') return false
    const now = clock.now()
    await db.transaction().execute(async (trx) => {
      await trx
        .insertInto('digestPreferences')
        .values({ userId: actor.userId, mode, lastDigestAt: now })
        .onConflict((oc) => oc.column('userId').doUpdateSet({ mode }))
        .execute()
      await recordAudit(trx, {
        actorUserId: actor.userId,
        organisationId: actor.organisationId,
        action: actions.digestPreferenceChanged,
        entityType: 'user',
        entityId: actor.userId,
        after: { mode },
        occurredAt: now,
      })
    })
    return true
  }

  return { preference, choose }
}

// The daily job: for each officer on a daily digest not yet sent one today, one e-mail listing each
// alert raised, each enquiry changed in their council and each of their follow-ups fallen due since
// their last digest, then the window moves on, so nothing is listed twice. The e-mail is keyed by
// officer and day: queued once.
export async function sendDailyDigests(db: Db, clock: Clock, baseUrl: string): Promise<number> {
  const now = clock.now()
  const today = londonDate(now)
  const due = await db
    .selectFrom('digestPreferences')
    .innerJoin('users', 'users.id', 'digestPreferences.userId')
    .select(['users.id', 'users.email', 'users.organisationId', 'digestPreferences.lastDigestAt'])
    .where('digestPreferences.mode', '=', 'daily')
    .where('users.status', '=', 'active')
    .execute()
  let sent = 0
  for (const officer of due) {
    if (londonDate(officer.lastDigestAt) >= today) continue
    const since = officer.lastDigestAt
    const items = await digestItems(db, officer, { after: since, upTo: now })
    await db.transaction().execute(async (trx) => {
      if (items.length) {
        const body = [
          `Since ${londonDate(since)} ${londonTime(since)}:`,
          '',
          ...items.map((l) => `- ${l.line}`),
          '',
          `See them in CareHub: ${baseUrl}/`,
        ].join('\n')
        sent += await enqueueEmailsOnce(
          trx,
          'digest',
          sql`select ${`digest:${officer.id}:${today}`}::text as dedupe_key, ${officer.email}::text as to_address,
            ${`CareHub daily digest: ${items.length} new`}::text as subject, ${body}::text as body`,
          now,
        )
      }
      await trx
        .updateTable('digestPreferences')
        .set({ lastDigestAt: now })
        .where('userId', '=', officer.id)
        .where('mode', '=', 'daily')
        .execute()
    })
  }
  return sent
}
