import { londonDate, londonTime, partsFromIsoDate } from '../../domain/dates.ts'
import type { Actor } from '../../domain/policy.ts'
import type { ContactLogService } from '../contact-log/index.ts'

// An IPC visit's entry in the shared contact log, through the contact log's own service (its rules,
// scope and audit): planned when the visit is planned, so that nobody else books one, then marked
// happened or cancelled with the visit.

type ContactForm = Parameters<ContactLogService['create']>[2]

const blankForm = {
  method: 'visit',
  direction: 'outgoing',
  category: 'infection_control',
  spokeTo: '',
  actionsAgreed: '',
  followUpDay: '',
  followUpMonth: '',
  followUpYear: '',
  restricted: '',
  alertIds: [] as string[],
}

export const visitSummary = (purpose: string) => `IPC visit: ${purpose}`.slice(0, 2000)

export async function logPlannedVisit(
  contactLog: ContactLogService,
  actor: Actor,
  locationId: string,
  plan: { visitOn: string; time: string; purpose: string },
) {
  const date = partsFromIsoDate(plan.visitOn)
  const form: ContactForm = {
    ...blankForm,
    state: 'planned',
    contactDay: date.day,
    contactMonth: date.month,
    contactYear: date.year,
    contactTime: plan.time,
    summary: visitSummary(plan.purpose),
  }
  return contactLog.create(actor, locationId, form)
}

// Marks the visit's contact as happened (with what was agreed) or cancelled. Only officers of the
// organisation that logged it may change a contact; for anyone else the contact is left as it was.
export async function settleVisitContact(
  contactLog: ContactLogService,
  actor: Actor,
  contactId: string,
  change: { state: 'done' | 'cancelled'; actionsAgreed: string | null },
) {
  const found = await contactLog.get(actor, contactId)
  if (!found?.mayChange) return false
  const c = found.contact
  const day = partsFromIsoDate(londonDate(c.contactAt))
  const follow = partsFromIsoDate(c.followUpOn)
  const form: ContactForm = {
    ...blankForm,
    method: c.method,
    direction: c.direction,
    category: c.category,
    state: change.state,
    contactDay: day.day,
    contactMonth: day.month,
    contactYear: day.year,
    contactTime: londonTime(c.contactAt),
    spokeTo: c.spokeTo ?? '',
    summary: c.summary,
    actionsAgreed: (change.actionsAgreed ?? c.actionsAgreed ?? '').slice(0, 2000),
    followUpDay: follow.day,
    followUpMonth: follow.month,
    followUpYear: follow.year,
    restricted: c.restricted ? 'yes' : '',
    alertIds: found.alerts.map((a) => a.id),
  }
  const result = await contactLog.update(actor, contactId, form)
  return Boolean(result?.ok)
}
