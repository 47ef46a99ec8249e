import type { Db } from '../../db/database.ts'
import type { Clock } from '../../domain/clock.ts'
import { contactCategoryNames, isContactCategory } from '../../domain/contact-categories.ts'
import { londonDate, londonInstant } from '../../domain/dates.ts'
import { isUuid, type Outcome } from '../../domain/outcome.ts'
import type { Actor } from '../../domain/policy.ts'
import { AuditAction, recordAudit } from '../audit/index.ts'
import { enqueueEmail } from '../comms/index.ts'
import {
  type EnquiryStatus,
  enquiryStatuses,
  enquiryStatusNames,
  isOverdue,
  mayReadEnquiries,
  mayWorkEnquiries,
  type ResponseForm,
  type StatusForm,
  trendTable,
  trendWeeks,
  validateResponse,
  validateStatusChange,
} from './domain/enquiry.rules.ts'
import { enquiriesPaths } from './enquiries.paths.ts'
import {
  addEnquiryEvent,
  enquiryColumns,
  enquiryEvents,
  enquiryOwners,
  findEnquiry,
  inListOrder,
  locationInScope,
  updateEnquiry,
  visibleEnquiries,
} from './enquiries.repository.ts'
import { createEnquiryIntake } from './enquiry-intake.ts'
import {
  targetWorkingDays as readTarget,
  targetToChange,
  setTargetWorkingDays as writeTarget,
} from './enquiry-target.ts'
import { faqEntryFromEnquiry } from './faq.repository.ts'
import { createFaqService } from './faq.service.ts'

export const trendWeekCount = 12

export type EnquiryFilter = { status?: string; category?: string; overdue?: string }

// Provider enquiries to the council and the FAQ built from them. The council (admins and officers)
// works them; council users and regions read them; a provider manager sees only its own provider's.
export function createEnquiryService(deps: { db: Db; clock: Clock; baseUrl?: string }) {
  const { db, clock } = deps

  // The enquiry target of a council, or the install's default (null); see enquiry-target.ts.
  const targetWorkingDays = (councilId: string | null = null) => readTarget(db, councilId)
  const setTargetWorkingDays = (actor: Actor, raw: string, requested?: string) =>
    writeTarget(db, actor, raw, clock.now(), requested)

  // The target a council's staff work to: their council's; for a regional reader, none in particular.
  const targetDaysFor = async (actor: Actor) =>
    actor.organisationKind === 'council' ? readTarget(db, actor.organisationId) : null

  const withOverdue = <T extends { status: EnquiryStatus; dueAt: Date }>(rows: T[], now: Date) =>
    rows.map((r) => ({ ...r, overdue: isOverdue(r, now) }))

  async function list(actor: Actor, filter: EnquiryFilter & { page: number; pageSize: number }) {
    if (!mayReadEnquiries(actor) && actor.role !== 'provider_manager') return null
    const now = clock.now()
    let query = enquiryColumns(db, actor)
    if (filter.status && (enquiryStatuses as readonly string[]).includes(filter.status))
      query = query.where('enquiries.status', '=', filter.status as EnquiryStatus)
    if (filter.category && isContactCategory(filter.category))
      query = query.where('enquiries.category', '=', filter.category)
    if (filter.overdue === 'yes')
      query = query.where('enquiries.status', 'in', ['new', 'in_progress']).where('enquiries.dueAt', '<', now)
    const countRow = await query
      .clearSelect()
      .select((eb) => eb.fn.countAll<string>().as('count'))
      .executeTakeFirstOrThrow()
    const rows = await inListOrder(query)
      .limit(filter.pageSize)
      .offset((filter.page - 1) * filter.pageSize)
      .execute()
    return { enquiries: withOverdue(rows, now), total: Number(countRow.count) }
  }

  // A location's enquiries, for its page and the single view of a provider; null when it is not visible.
  async function listForLocation(actor: Actor, locationId: string) {
    if (!isUuid(locationId) || !(await locationInScope(db, actor, locationId))) return null
    const rows = await enquiryColumns(db, actor)
      .where('enquiries.locationId', '=', locationId)
      .orderBy('enquiries.receivedAt', 'desc')
      .limit(200)
      .execute()
    return withOverdue(rows, clock.now())
  }

  const find = async (actor: Actor, id: string) =>
    isUuid(id) ? ((await findEnquiry(db, actor, id)) ?? null) : null

  async function get(actor: Actor, id: string) {
    const enquiry = await find(actor, id)
    if (!enquiry) return null
    const mayWork = mayWorkEnquiries(actor) && actor.role !== 'provider_manager'
    const events = await enquiryEvents(db, id)
    const faq = await faqEntryFromEnquiry(db, id)
    return {
      enquiry: { ...enquiry, overdue: isOverdue(enquiry, clock.now()) },
      // The provider sees the question, the answer and the status; the working history is the council's.
      events: actor.role === 'provider_manager' ? [] : events,
      mayWork,
      owners: mayWork ? await enquiryOwners(db, enquiry.councilId) : [],
      faqId: faq?.id ?? null,
    }
  }

  async function respond(
    actor: Actor,
    id: string,
    form: ResponseForm,
  ): Promise<Outcome<{ id: string; emailed: boolean }> | null> {
    if (!mayWorkEnquiries(actor)) return null
    const enquiry = await find(actor, id)
    if (!enquiry) return null
    const checked = validateResponse(form, enquiry.askerEmail ?? null)
    if (!checked.ok) return checked
    const now = clock.now()
    const { response, sendTo } = checked.value
    await db.transaction().execute(async (trx) => {
      await updateEnquiry(trx, id, {
        response,
        respondedAt: now,
        respondedBy: actor.userId,
        status: 'answered',
        ownerUserId: enquiry.ownerUserId ?? actor.userId,
        updatedAt: now,
      })
      await addEnquiryEvent(trx, {
        enquiryId: id,
        kind: 'responded',
        details: { response, sentTo: sendTo, previousStatus: enquiry.status },
        actorUserId: actor.userId,
        occurredAt: now,
      })
      if (sendTo)
        await enqueueEmail(
          trx,
          {
            kind: 'enquiry-response',
            to: sendTo,
            subject: `Answer to your question ${enquiry.reference}`,
            body: [
              `Your question about ${enquiry.locationName ?? 'your service'} (${enquiry.reference}):`,
              '',
              enquiry.question,
              '',
              'Our answer:',
              '',
              response,
              ...(deps.baseUrl
                ? ['', `See it in CareHub: ${deps.baseUrl}${enquiriesPaths.enquiry.build(id)}`]
                : []),
            ].join('\n'),
          },
          now,
        )
      await recordAudit(trx, {
        actorUserId: actor.userId,
        organisationId: actor.organisationId,
        action: AuditAction.enquiryResponded,
        entityType: 'enquiry',
        entityId: id,
        before: { status: enquiry.status, response: enquiry.response },
        after: { status: 'answered', response, sentTo: sendTo },
        occurredAt: now,
      })
    })
    return { ok: true, value: { id, emailed: sendTo !== null } }
  }

  async function changeStatus(
    actor: Actor,
    id: string,
    form: StatusForm,
  ): Promise<Outcome<{ id: string }> | null> {
    if (!mayWorkEnquiries(actor)) return null
    const enquiry = await find(actor, id)
    if (!enquiry) return null
    const ownerList = await enquiryOwners(db, enquiry.councilId)
    const checked = validateStatusChange(form, {
      hasResponse: enquiry.response !== null,
      ownerIds: ownerList.map((o) => o.id),
    })
    if (!checked.ok) return checked
    const { status, ownerUserId } = checked.value
    if (status === enquiry.status && ownerUserId === enquiry.ownerUserId) return { ok: true, value: { id } }
    const now = clock.now()
    await db.transaction().execute(async (trx) => {
      await updateEnquiry(trx, id, {
        status,
        ownerUserId,
        closedAt: status === 'closed' ? now : null,
        updatedAt: now,
      })
      const event = { enquiryId: id, actorUserId: actor.userId, occurredAt: now }
      if (status !== enquiry.status)
        await addEnquiryEvent(trx, {
          ...event,
          kind: 'status_changed',
          details: { from: enquiryStatusNames[enquiry.status], to: enquiryStatusNames[status] },
        })
      if (ownerUserId !== enquiry.ownerUserId)
        await addEnquiryEvent(trx, {
          ...event,
          kind: 'owner_changed',
          details: {
            from: enquiry.ownerName,
            to: ownerList.find((o) => o.id === ownerUserId)?.displayName ?? null,
          },
        })
      await recordAudit(trx, {
        actorUserId: actor.userId,
        organisationId: actor.organisationId,
        action: AuditAction.enquiryChanged,
        entityType: 'enquiry',
        entityId: id,
        before: { status: enquiry.status, ownerUserId: enquiry.ownerUserId },
        after: { status, ownerUserId },
        occurredAt: now,
      })
    })
    return { ok: true, value: { id } }
  }

  // Enquiries received in each of the last 12 weeks (Monday to Sunday, London time), by category.
  async function trends(actor: Actor) {
    if (!mayReadEnquiries(actor)) return null
    const weeks = trendWeeks(clock.now(), trendWeekCount)
    const rows = await visibleEnquiries(db, actor)
      .select(['enquiries.category', 'enquiries.receivedAt'])
      .where('enquiries.receivedAt', '>=', londonInstant(weeks[0]!))
      .execute()
    return trendTable(rows, weeks)
  }

  // The councils whose FAQ the actor reads: its own councils; a provider's, those of its locations.
  return {
    targetWorkingDays,
    setTargetWorkingDays,
    targetToChange: (actor: Actor, requested?: string) => targetToChange(db, actor, requested),
    targetDaysFor,
    ...createEnquiryIntake({ db, clock }),
    list,
    listForLocation,
    get,
    respond,
    changeStatus,
    trends,
    ...createFaqService({ db, clock }),
    categoryNames: contactCategoryNames,
    today: () => londonDate(clock.now()),
  }
}

export type EnquiryService = ReturnType<typeof createEnquiryService>
