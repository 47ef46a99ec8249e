import type { DbOrTransaction } from '../../db/database.ts'
import { contactCategoryNames } from '../../domain/contact-categories.ts'
import { dateInWords, londonDate } from '../../domain/dates.ts'
import { contactLogPaths, followUpsFallenDue } from '../contact-log/index.ts'
import { alertsRaisedForCouncil } from '../early-warning/index.ts'
import { enquiriesPaths, enquiryChangesSince } from '../enquiries/index.ts'

// One thing an officer hears about, in a daily digest or in an e-mail of its own. `key` names it for
// good, so the outbox never queues the same one twice for the same officer; `alertId` is set on an alert.
export type DigestItem = {
  key: string
  at: Date
  line: string
  subject: string
  path: string
  alertId?: string
}

export type DigestOfficer = { id: string; organisationId: string }

const enquiryChangeWords: Record<string, string> = {
  received: 'new enquiry',
  responded: 'answered',
  status_changed: 'status changed',
  owner_changed: 'owner changed',
}

// What an officer has not yet heard about, after `after` and up to `upTo`: alerts (red and amber) raised
// in their council's market, enquiry changes others made, and their own follow-ups falling due. Names of places and references only, never what
// was said: that may be about a person receiving care.
export async function digestItems(
  db: DbOrTransaction,
  officer: DigestOfficer,
  window: { after: Date; upTo: Date },
): Promise<DigestItem[]> {
  const { after, upTo } = window
  const alerts = await alertsRaisedForCouncil(db, { councilId: officer.organisationId, after, upTo })
  const enquiries = await enquiryChangesSince(db, {
    councilId: officer.organisationId,
    exceptUserId: officer.id,
    after,
    upTo,
  })
  const followUps = await followUpsFallenDue(db, {
    officerUserId: officer.id,
    after,
    afterDay: londonDate(after),
    today: londonDate(upTo),
  })
  const items: DigestItem[] = [
    ...alerts.map((a) => ({
      key: `alert:${a.alertId}`,
      at: new Date(a.raisedAt),
      line: `${a.severity} alert: ${a.title} at ${a.locationName}`,
      subject: `${a.severity.charAt(0).toUpperCase()}${a.severity.slice(1)} alert at ${a.locationName}`,
      path: '/worklist',
      alertId: a.alertId,
    })),
    ...enquiries.map((e) => {
      const words = enquiryChangeWords[e.kind] ?? e.kind
      return {
        key: `enquiry-event:${e.eventId}`,
        at: new Date(e.occurredAt),
        line: `Enquiry ${e.reference}: ${words}`,
        subject: `Enquiry ${e.reference}: ${words}`,
        path: enquiriesPaths.enquiry.build(e.enquiryId),
      }
    }),
    ...followUps.map((f) => ({
      key: `follow-up:${f.contactId}:${f.followUpOn}`,
      at: new Date(f.contactAt),
      line: `Follow-up due ${dateInWords(f.followUpOn)}: ${f.locationName} (${contactCategoryNames[f.category]})`,
      subject: `Follow-up due: ${f.locationName}`,
      path: contactLogPaths.followUps.build(),
    })),
  ]
  return items.sort((a, b) => a.at.getTime() - b.at.getTime())
}
