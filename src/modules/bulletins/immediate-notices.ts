import { sql } from 'kysely'
import type { Db } from '../../db/database.ts'
import type { Clock } from '../../domain/clock.ts'
import { redAlertsEmailedTo } from '../casework/index.ts'
import { enqueueEmailsOnce } from '../comms/index.ts'
import { bulletinsPaths } from './bulletins.paths.ts'
import { digestItems } from './digest-items.ts'

// However long an officer's mark has stood still (switched back from daily, inactive a while), an
// immediate e-mail is about something recent: older things are left to the pages.
const lookbackHours = 48

// A change's time is taken when its request starts, and it may commit after a run has moved the mark
// past it: each run looks this far behind the mark too. The outbox's keys stop a second e-mail.
const overlapMinutes = 5

// Officers who never chose are on "as they happen", like the red-alert e-mails' recipients.
const defaultRecipientRoles = ['council_officer', 'partner_officer']

// The periodic job for officers on "as they happen": each thing the daily digest would list (each alert
// raised, red or amber, each enquiry change, each follow-up fallen due) is e-mailed on its own, once. A
// red alert whose red-alert e-mail casework sends this officer is left to that e-mail, so it is not told
// twice. Each officer's digest mark is the high-water mark: the job lists what is new since it (and
// a little before), queues one e-mail per thing keyed by officer and thing (so a second instance, or a
// run that crashed before moving the mark, queues nothing twice), then moves the mark on in the same
// transaction.
export async function sendImmediateNotices(db: Db, clock: Clock, baseUrl: string): Promise<number> {
  const now = clock.now()
  // An officer who never chose starts now: nothing from before is sent (no burst after an upgrade).
  // Not an audited choice of theirs, only where the job starts for them.
  await db
    .insertInto('digestPreferences')
    .columns(['userId', 'mode', 'lastDigestAt'])
    .expression((eb) =>
      eb
        .selectFrom('users')
        .select((s) => ['users.id', sql.lit('immediate').as('mode'), s.val(now).as('lastDigestAt')])
        .where('users.status', '=', 'active')
        .where('users.role', 'in', defaultRecipientRoles),
    )
    .onConflict((oc) => oc.column('userId').doNothing())
    .execute()
  const officers = await db
    .selectFrom('digestPreferences')
    .innerJoin('users', 'users.id', 'digestPreferences.userId')
    .select([
      'users.id',
      'users.email',
      'users.organisationId',
      'users.role',
      'digestPreferences.lastDigestAt',
    ])
    .where('digestPreferences.mode', '=', 'immediate')
    .where('digestPreferences.lastDigestAt', '<', now)
    .where('users.status', '=', 'active')
    .execute()
  const earliest = new Date(now.getTime() - lookbackHours * 3_600_000)
  let sent = 0
  for (const officer of officers) {
    const mark = new Date(officer.lastDigestAt.getTime() - overlapMinutes * 60_000)
    const after = mark > earliest ? mark : earliest
    const listed = await digestItems(db, officer, { after, upTo: now })
    const emailedAlready = await redAlertsEmailedTo(
      db,
      officer,
      listed.flatMap((i) => (i.alertId ? [i.alertId] : [])),
    )
    const items = listed.filter((i) => !i.alertId || !emailedAlready.has(i.alertId))
    await db.transaction().execute(async (trx) => {
      for (const item of items) {
        const body = [
          item.line,
          '',
          `See it in CareHub: ${baseUrl}${item.path}`,
          '',
          'You get an e-mail like this as each thing happens. To have them in one e-mail a day instead,',
          `choose a daily digest: ${baseUrl}${bulletinsPaths.digestSettings.build()}`,
        ].join('\n')
        sent += await enqueueEmailsOnce(
          trx,
          'notice',
          sql`select ${`notice:${officer.id}:${item.key}`}::text as dedupe_key,
            ${officer.email}::text as to_address, ${`CareHub: ${item.subject}`}::text as subject,
            ${body}::text as body`,
          now,
        )
      }
      // Only forward, and only while still on "as they happen".
      await trx
        .updateTable('digestPreferences')
        .set({ lastDigestAt: now })
        .where('userId', '=', officer.id)
        .where('mode', '=', 'immediate')
        .where('lastDigestAt', '<', now)
        .execute()
    })
  }
  return sent
}
