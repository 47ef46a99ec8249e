import { sql } from 'kysely'
import type { Db } from '../../db/database.ts'
import type { Clock } from '../../domain/clock.ts'
import { londonDate, londonTime } from '../../domain/dates.ts'
import { type Actor, can } from '../../domain/policy.ts'
import { recordAudit } from '../audit/index.ts'
import { enqueueEmailsOnce } from '../comms/index.ts'
import { bulletinsAuditActions as actions } from './bulletins.audit-actions.ts'

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

type DigestLine = { at: Date; line: string }

// The daily job: for each officer on a daily digest not yet sent one today, one e-mail listing each
// alert raised and each enquiry changed in their councils' market since their last digest, then the
// window moves on, so nothing is listed twice. The e-mail is keyed by officer and day: queued once.
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
    const alerts = await sql<DigestLine>`
      select a.raised_at as at, a.severity || ' alert: ' || a.title || ' at ' || l.name as line
      from alerts a join locations l on l.id = a.location_id
      where a.raised_at > ${since} and a.raised_at <= ${now}
        and (l.council_id = ${officer.organisationId} or exists (select 1 from council_contracts c
          where c.location_id = l.id and c.council_id = ${officer.organisationId}))
      order by a.raised_at`.execute(db)
    const enquiries = await sql<DigestLine>`
      select e.occurred_at as at, 'Enquiry ' || q.reference || ': ' || e.kind as line
      from enquiry_events e join enquiries q on q.id = e.enquiry_id
      where e.occurred_at > ${since} and e.occurred_at <= ${now} and q.council_id = ${officer.organisationId}
      order by e.occurred_at`.execute(db)
    // Follow-ups of their own contacts that fell due since the last digest, each in one digest.
    const followUps = await sql<DigestLine>`
      select c.contact_at as at, 'Follow-up due ' || c.follow_up_on || ': ' || l.name || ', ' || left(c.summary, 80) as line
      from contact_log_entries c join locations l on l.id = c.location_id
      where c.officer_user_id = ${officer.id} and c.follow_up_done_at is null
        and c.follow_up_on > ${londonDate(since)}::date and c.follow_up_on <= ${today}::date`.execute(db)
    const lines = [...alerts.rows, ...enquiries.rows, ...followUps.rows].sort(
      (a, b) => new Date(a.at).getTime() - new Date(b.at).getTime(),
    )
    await db.transaction().execute(async (trx) => {
      if (lines.length) {
        const body = [
          `Since ${londonDate(since)} ${londonTime(since)}:`,
          '',
          ...lines.map((l) => `- ${l.line}`),
          '',
          `See them in CareHub: ${baseUrl}/`,
        ].join('\n')
        sent += await enqueueEmailsOnce(
          trx,
          'digest',
          sql`select ${`digest:${officer.id}:${today}`}::text as dedupe_key, ${officer.email}::text as to_address,
            ${`CareHub daily digest: ${lines.length} new`}::text as subject, ${body}::text as body`,
          now,
        )
      }
      await trx
        .updateTable('digestPreferences')
        .set({ lastDigestAt: now })
        .where('userId', '=', officer.id)
        .execute()
    })
  }
  return sent
}
