import { sql } from 'kysely'
import type { Db, DbOrTransaction } from '../../db/database.ts'
import type { Clock } from '../../domain/clock.ts'
import { enqueueEmail } from '../comms/index.ts'
import {
  describeEvidence,
  digestSubject,
  groupByRecipient,
  type NewRedAlert,
  redAlertRecipientRoles,
  redAlertTeams,
} from './domain/casework.rules.ts'

// A red alert raised (or turned red) longer ago than this is not e-mailed any more: on the first run
// after an upgrade, old alerts are not sent to anyone.
const lookbackHours = 24

// The periodic job: every red alert that turned red since the last run and has not been e-mailed is
// claimed (one row per alert in alert_notifications, so a second instance cannot claim it too) and
// sent to the owning team — the owning organisation's officers, or the council's officers when the
// case is unowned — as one e-mail per recipient however many alerts fired together.
export async function notifyNewRedAlerts(
  db: Db,
  clock: Clock,
  baseUrl: string,
): Promise<{ alerts: number; emails: number }> {
  const now = clock.now()
  const since = new Date(now.getTime() - lookbackHours * 3_600_000)
  const run = async (trx: DbOrTransaction) => {
    const candidates = await trx
      .selectFrom('alerts')
      .innerJoin('cases', 'cases.id', 'alerts.caseId')
      .innerJoin('locations', 'locations.id', 'alerts.locationId')
      .select([
        'alerts.id',
        'alerts.title',
        'alerts.message',
        'alerts.evidence',
        'alerts.caseId',
        'cases.owningOrganisationId',
        'locations.name as locationName',
        'locations.councilId',
        'locations.id as locationId',
      ])
      .where('alerts.status', '=', 'open')
      .where('alerts.severity', '=', 'red')
      .where('alerts.evidenceUpdatedAt', '>=', since)
      .where((eb) =>
        eb.not(
          eb.exists(
            eb
              .selectFrom('alertNotifications')
              .select(sql`1`.as('one'))
              .whereRef('alertNotifications.alertId', '=', 'alerts.id'),
          ),
        ),
      )
      .orderBy('alerts.raisedAt')
      .limit(5000)
      .execute()
    if (candidates.length === 0) return { alerts: 0, emails: 0 }

    // Who hears about each alert: its team's officers (redAlertTeams).
    const unownedOutOfArea = candidates
      .filter((c) => !c.owningOrganisationId && !c.councilId)
      .map((c) => c.locationId)
    const contracts = unownedOutOfArea.length
      ? await trx
          .selectFrom('councilContracts')
          .select(['locationId', 'councilId'])
          .where('locationId', 'in', unownedOutOfArea)
          .execute()
      : []
    const organisationsFor = (c: (typeof candidates)[number]): string[] =>
      redAlertTeams(
        c,
        contracts.filter((k) => k.locationId === c.locationId).map((k) => k.councilId),
      )
    const organisationIds = [...new Set(candidates.flatMap(organisationsFor))]
    const officers = organisationIds.length
      ? await trx
          .selectFrom('users')
          .select(['email', 'organisationId'])
          .where('organisationId', 'in', organisationIds)
          .where('status', '=', 'active')
          .where('role', 'in', redAlertRecipientRoles)
          .execute()
      : []
    const recipientsFor = (c: (typeof candidates)[number]) => {
      const orgs = organisationsFor(c)
      return officers.filter((o) => orgs.includes(o.organisationId)).map((o) => o.email)
    }

    // Claim: only the alerts this run inserted a row for are sent by it.
    const claimed = new Set(
      (
        await trx
          .insertInto('alertNotifications')
          .values(
            candidates.map((c) => ({ alertId: c.id, notifiedAt: now, recipients: recipientsFor(c).length })),
          )
          .onConflict((oc) => oc.column('alertId').doNothing())
          .returning('alertId')
          .execute()
      ).map((r) => r.alertId),
    )
    const newAlerts: (NewRedAlert & { message: string; evidence: string[] })[] = candidates
      .filter((c) => claimed.has(c.id))
      .map((c) => ({
        alertId: c.id,
        locationName: c.locationName,
        title: c.title,
        caseId: c.caseId,
        recipients: recipientsFor(c),
        message: c.message,
        evidence: describeEvidence(c.evidence),
      }))
    let emails = 0
    for (const [to, alerts] of groupByRecipient(newAlerts)) {
      const lines = alerts.flatMap((a) => {
        const full = newAlerts.find((n) => n.alertId === a.alertId)!
        return [
          `${a.locationName}: ${a.title}`,
          `  ${full.message}`,
          ...full.evidence.map((e) => `  - ${e}`),
          `  ${baseUrl}/cases/${a.caseId}`,
          '',
        ]
      })
      await enqueueEmail(
        trx,
        {
          kind: alerts.length === 1 ? 'red-alert' : 'red-alert-digest',
          to,
          subject: digestSubject(alerts),
          body: [
            alerts.length === 1
              ? 'A new red alert has been raised for a location your team looks after:'
              : `${alerts.length} new red alerts have been raised for locations your team looks after:`,
            '',
            ...lines,
            'Open your worklist to see who owns each case and what has been done:',
            `${baseUrl}/worklist`,
          ].join('\n'),
        },
        now,
      )
      emails++
    }
    return { alerts: claimed.size, emails }
  }
  // One transaction keeps the claim and the e-mails together: both happen, or neither.
  return db.transaction().execute(run)
}

// Of these alerts, the red ones whose red-alert e-mail this officer gets (or got): they are an officer of
// its team, by the same rule as the e-mail job above. Notices "as they happen" leave these out, so
// nobody hears of a red alert twice, whichever job runs first.
export async function redAlertsEmailedTo(
  db: DbOrTransaction,
  officer: { organisationId: string; role: string },
  alertIds: readonly string[],
): Promise<Set<string>> {
  if (alertIds.length === 0 || !redAlertRecipientRoles.includes(officer.role)) return new Set()
  const red = await db
    .selectFrom('alerts')
    .innerJoin('cases', 'cases.id', 'alerts.caseId')
    .innerJoin('locations', 'locations.id', 'alerts.locationId')
    .select(['alerts.id', 'alerts.locationId', 'cases.owningOrganisationId', 'locations.councilId'])
    .where('alerts.id', 'in', alertIds)
    .where('alerts.severity', '=', 'red')
    .execute()
  const outOfArea = red.filter((a) => !a.owningOrganisationId && !a.councilId).map((a) => a.locationId)
  const contracted = new Set(
    outOfArea.length
      ? (
          await db
            .selectFrom('councilContracts')
            .select('locationId')
            .where('locationId', 'in', outOfArea)
            .where('councilId', '=', officer.organisationId)
            .execute()
        ).map((k) => k.locationId)
      : [],
  )
  return new Set(
    red
      .filter((a) =>
        redAlertTeams(a, contracted.has(a.locationId) ? [officer.organisationId] : []).includes(
          officer.organisationId,
        ),
      )
      .map((a) => a.id),
  )
}
