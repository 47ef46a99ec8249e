import { sql } from 'kysely'
import type { Db, DbOrTransaction } from '../../db/database.ts'
import { locationVisible } from '../../db/scope.ts'
import type { Clock } from '../../domain/clock.ts'
import {
  type ContactCategory,
  contactCategoryNames,
  isContactCategory,
} from '../../domain/contact-log/categories.ts'
import type { Validated } from '../../domain/contact-log/contact-log.rules.ts'
import { londonDate, londonInstant } from '../../domain/dates.ts'
import {
  type AskForm,
  type EnquiryStatus,
  enquiryStatuses,
  enquiryStatusNames,
  type FaqForm,
  isOverdue,
  type LogForm,
  mayAskEnquiries,
  mayReadEnquiries,
  mayWorkEnquiries,
  type ResponseForm,
  receivedAtFor,
  type StatusForm,
  searchWords,
  trendTable,
  trendWeeks,
  validateAsk,
  validateFaq,
  validateLog,
  validateResponse,
  validateStatusChange,
} from '../../domain/enquiries/enquiry.rules.ts'
import { enquiryDueAt } from '../../domain/enquiries/working-days.ts'
import { type Actor, locationScope } from '../../domain/policy.ts'
import { isUuid } from '../access/users.service.ts'
import { recordAudit } from '../audit/audit.repository.ts'
import { AuditAction } from '../audit/audit-actions.ts'
import { enqueueEmail } from '../comms/outbox.repository.ts'
import {
  targetWorkingDays as readTarget,
  targetToChange,
  setTargetWorkingDays as writeTarget,
} from './enquiry-target.ts'

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

  // The target of the council a provider's question about this location goes to, when it is known.
  async function askTargetDays(actor: Actor, locationId: string): Promise<number | null> {
    if (!mayAskEnquiries(actor) || !isUuid(locationId)) return null
    const councilId = await councilFor(locationId, actor)
    return councilId ? readTarget(db, councilId) : null
  }

  // Enquiries the actor may read.
  function visibleEnquiries(actor: Actor, trx: DbOrTransaction = db) {
    return trx.selectFrom('enquiries').where((eb) => {
      if (actor.role === 'provider_manager')
        return actor.providerId ? eb('enquiries.providerId', '=', actor.providerId) : eb.val(false)
      if (!mayReadEnquiries(actor)) return eb.val(false)
      if (actor.organisationKind === 'region') return eb.val(true)
      return actor.councilIds.length ? eb('enquiries.councilId', 'in', actor.councilIds) : eb.val(false)
    })
  }

  // The council a location's enquiries go to: the council whose area it is in, or one that contracts it.
  async function councilFor(locationId: string, actor: Actor): Promise<string | null> {
    if (actor.organisationKind === 'council') return actor.organisationId
    const location = await db
      .selectFrom('locations')
      .select('councilId')
      .where('id', '=', locationId)
      .executeTakeFirst()
    if (location?.councilId) return location.councilId
    const contract = await db
      .selectFrom('councilContracts')
      .select('councilId')
      .where('locationId', '=', locationId)
      .orderBy('createdAt')
      .executeTakeFirst()
    return contract?.councilId ?? null
  }

  // The provider manager's locations, to choose the one the question is about.
  async function askFormFor(actor: Actor) {
    if (!mayAskEnquiries(actor)) return null
    return db
      .selectFrom('locations')
      .select(['locations.id', 'locations.name'])
      .where(locationVisible(locationScope(actor)))
      .where('locations.status', '=', 'open')
      .orderBy('locations.name')
      .execute()
  }

  async function insertEnquiry(
    trx: DbOrTransaction,
    actor: Actor,
    values: {
      councilId: string
      locationId: string
      providerId: string
      channel: 'web' | 'phone' | 'email'
      category: ContactCategory
      question: string
      askedByUserId: string | null
      askedByName: string | null
      receivedAt: Date
    },
  ) {
    const now = clock.now()
    const days = await readTarget(trx, values.councilId)
    const row = await trx
      .insertInto('enquiries')
      .values({
        ...values,
        status: 'new',
        ownerUserId: null,
        response: null,
        respondedAt: null,
        respondedBy: null,
        dueAt: enquiryDueAt(values.receivedAt, days),
        closedAt: null,
        updatedAt: now,
      })
      .returning(['id', 'reference'])
      .executeTakeFirstOrThrow()
    await trx
      .insertInto('enquiryEvents')
      .values({
        enquiryId: row.id,
        kind: 'received',
        details: JSON.stringify({ channel: values.channel, targetWorkingDays: days }),
        actorUserId: actor.userId,
        occurredAt: now,
      })
      .execute()
    await recordAudit(trx, {
      actorUserId: actor.userId,
      organisationId: actor.organisationId,
      action: AuditAction.enquiryCreated,
      entityType: 'enquiry',
      entityId: row.id,
      after: { ...values, reference: row.reference },
      occurredAt: now,
    })
    return row
  }

  // Checks a question without saving it, for the check-your-answers page; ask() checks again.
  async function prepareAsk(
    actor: Actor,
    form: AskForm,
  ): Promise<Validated<{
    locationId: string
    locationName: string
    category: ContactCategory
    question: string
    councilId: string
  }> | null> {
    const locations = await askFormFor(actor)
    if (!locations) return null
    const checked = validateAsk(
      form,
      locations.map((l) => l.id),
    )
    if (!checked.ok) return checked
    const councilId = await councilFor(checked.value.locationId, actor)
    if (!councilId)
      return {
        ok: false,
        errors: {
          locationId: 'This location is not linked to a council yet: telephone your council instead',
        },
      }
    const locationName = locations.find((l) => l.id === checked.value.locationId)!.name
    return { ok: true, value: { ...checked.value, councilId, locationName } }
  }

  async function ask(
    actor: Actor,
    form: AskForm,
  ): Promise<Validated<{ id: string; reference: string }> | null> {
    const checked = await prepareAsk(actor, form)
    if (!checked?.ok) return checked
    const councilId = checked.value.councilId
    const row = await db.transaction().execute((trx) =>
      insertEnquiry(trx, actor, {
        councilId,
        locationId: checked.value.locationId,
        providerId: actor.providerId!,
        channel: 'web',
        category: checked.value.category,
        question: checked.value.question,
        askedByUserId: actor.userId,
        askedByName: null,
        receivedAt: clock.now(),
      }),
    )
    return { ok: true, value: row }
  }

  // A location the officer may log an enquiry for (in scope, and the actor works enquiries).
  async function logFormFor(actor: Actor, locationId: string) {
    if (!mayWorkEnquiries(actor) || !isUuid(locationId)) return null
    return (
      (await db
        .selectFrom('locations')
        .select(['locations.id', 'locations.name', 'locations.providerId'])
        .where(locationVisible(locationScope(actor)))
        .where('locations.id', '=', locationId)
        .executeTakeFirst()) ?? null
    )
  }

  async function log(
    actor: Actor,
    locationId: string,
    form: LogForm,
  ): Promise<Validated<{ id: string; reference: string }> | null> {
    const location = await logFormFor(actor, locationId)
    if (!location) return null
    const now = clock.now()
    const checked = validateLog(form, now)
    if (!checked.ok) return checked
    const councilId = await councilFor(locationId, actor)
    if (!councilId) return { ok: false, errors: { channel: 'This location is not linked to a council' } }
    const row = await db.transaction().execute((trx) =>
      insertEnquiry(trx, actor, {
        councilId,
        locationId,
        providerId: location.providerId,
        channel: checked.value.channel,
        category: checked.value.category,
        question: checked.value.question,
        askedByUserId: null,
        askedByName: checked.value.askedByName,
        receivedAt: receivedAtFor(checked.value.receivedOn, now),
      }),
    )
    return { ok: true, value: row }
  }

  function listColumns(actor: Actor, trx: DbOrTransaction = db) {
    return visibleEnquiries(actor, trx)
      .leftJoin('locations', 'locations.id', 'enquiries.locationId')
      .leftJoin('providers', 'providers.id', 'enquiries.providerId')
      .leftJoin('users as owner', 'owner.id', 'enquiries.ownerUserId')
      .select([
        'enquiries.id',
        'enquiries.reference',
        'enquiries.locationId',
        'locations.name as locationName',
        'providers.name as providerName',
        'enquiries.channel',
        'enquiries.category',
        'enquiries.question',
        'enquiries.status',
        'enquiries.receivedAt',
        'enquiries.dueAt',
        'enquiries.respondedAt',
        'owner.displayName as ownerName',
      ])
  }

  const withOverdue = <T extends { status: EnquiryStatus; dueAt: Date }>(rows: T[], now: Date) =>
    rows.map((r) => ({ ...r, overdue: isOverdue(r, now) }))

  async function list(actor: Actor, filter: EnquiryFilter & { page: number; pageSize: number }) {
    if (!mayReadEnquiries(actor) && actor.role !== 'provider_manager') return null
    const now = clock.now()
    let query = listColumns(actor)
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
    const rows = await query
      // Open ones first, soonest due first; then the rest, newest first.
      .orderBy(sql`case when enquiries.status in ('new', 'in_progress') then 0 else 1 end`)
      .orderBy(sql`case when enquiries.status in ('new', 'in_progress') then enquiries.due_at end`, 'asc')
      .orderBy('enquiries.receivedAt', 'desc')
      .orderBy('enquiries.id')
      .limit(filter.pageSize)
      .offset((filter.page - 1) * filter.pageSize)
      .execute()
    return { enquiries: withOverdue(rows, now), total: Number(countRow.count) }
  }

  // A location's enquiries, for its page and the single view of a provider; null when it is not visible.
  async function listForLocation(actor: Actor, locationId: string) {
    if (!isUuid(locationId)) return null
    const location = await db
      .selectFrom('locations')
      .select('locations.id')
      .where(locationVisible(locationScope(actor)))
      .where('locations.id', '=', locationId)
      .executeTakeFirst()
    if (!location) return null
    const rows = await listColumns(actor)
      .where('enquiries.locationId', '=', locationId)
      .orderBy('enquiries.receivedAt', 'desc')
      .limit(200)
      .execute()
    return withOverdue(rows, clock.now())
  }

  async function owners(councilId: string) {
    return db
      .selectFrom('users')
      .select(['id', 'displayName'])
      .where('organisationId', '=', councilId)
      .where('role', 'in', ['admin', 'council_officer'])
      .where('status', '=', 'active')
      .orderBy('displayName')
      .execute()
  }

  async function find(actor: Actor, id: string, trx: DbOrTransaction = db) {
    if (!isUuid(id)) return null
    const row = await listColumns(actor, trx)
      .leftJoin('users as asker', 'asker.id', 'enquiries.askedByUserId')
      .leftJoin('users as responder', 'responder.id', 'enquiries.respondedBy')
      .select([
        'enquiries.councilId',
        'enquiries.askedByName',
        'enquiries.askedByUserId',
        'asker.displayName as askerName',
        'asker.email as askerEmail',
        'enquiries.ownerUserId',
        'enquiries.response',
        'responder.displayName as responderName',
        'enquiries.closedAt',
      ])
      .where('enquiries.id', '=', id)
      .executeTakeFirst()
    return row ?? null
  }

  async function get(actor: Actor, id: string) {
    const enquiry = await find(actor, id)
    if (!enquiry) return null
    const mayWork = mayWorkEnquiries(actor) && actor.role !== 'provider_manager'
    const events = await db
      .selectFrom('enquiryEvents')
      .leftJoin('users', 'users.id', 'enquiryEvents.actorUserId')
      .select([
        'enquiryEvents.id',
        'enquiryEvents.kind',
        'enquiryEvents.details',
        'enquiryEvents.occurredAt',
        'users.displayName as actorName',
      ])
      .where('enquiryEvents.enquiryId', '=', id)
      .orderBy('enquiryEvents.id')
      .execute()
    const faq = await db
      .selectFrom('faqEntries')
      .select(['id'])
      .where('sourceEnquiryId', '=', id)
      .executeTakeFirst()
    return {
      enquiry: { ...enquiry, overdue: isOverdue(enquiry, clock.now()) },
      // The provider sees the question, the answer and the status; the working history is the council's.
      events: actor.role === 'provider_manager' ? [] : events,
      mayWork,
      owners: mayWork ? await owners(enquiry.councilId) : [],
      faqId: faq?.id ?? null,
    }
  }

  async function respond(
    actor: Actor,
    id: string,
    form: ResponseForm,
  ): Promise<Validated<{ id: string; emailed: boolean }> | null> {
    if (!mayWorkEnquiries(actor)) return null
    const enquiry = await find(actor, id)
    if (!enquiry) return null
    const checked = validateResponse(form, enquiry.askerEmail ?? null)
    if (!checked.ok) return checked
    const now = clock.now()
    const { response, sendTo } = checked.value
    await db.transaction().execute(async (trx) => {
      await trx
        .updateTable('enquiries')
        .set({
          response,
          respondedAt: now,
          respondedBy: actor.userId,
          status: 'answered',
          ownerUserId: enquiry.ownerUserId ?? actor.userId,
          updatedAt: now,
        })
        .where('id', '=', id)
        .execute()
      await trx
        .insertInto('enquiryEvents')
        .values({
          enquiryId: id,
          kind: 'responded',
          details: JSON.stringify({ response, sentTo: sendTo, previousStatus: enquiry.status }),
          actorUserId: actor.userId,
          occurredAt: now,
        })
        .execute()
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
              ...(deps.baseUrl ? ['', `See it in CareHub: ${deps.baseUrl}/enquiries/${id}`] : []),
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
  ): Promise<Validated<{ id: string }> | null> {
    if (!mayWorkEnquiries(actor)) return null
    const enquiry = await find(actor, id)
    if (!enquiry) return null
    const ownerList = await owners(enquiry.councilId)
    const checked = validateStatusChange(form, {
      hasResponse: enquiry.response !== null,
      ownerIds: ownerList.map((o) => o.id),
    })
    if (!checked.ok) return checked
    const { status, ownerUserId } = checked.value
    if (status === enquiry.status && ownerUserId === enquiry.ownerUserId) return { ok: true, value: { id } }
    const now = clock.now()
    await db.transaction().execute(async (trx) => {
      await trx
        .updateTable('enquiries')
        .set({ status, ownerUserId, closedAt: status === 'closed' ? now : null, updatedAt: now })
        .where('id', '=', id)
        .execute()
      if (status !== enquiry.status)
        await trx
          .insertInto('enquiryEvents')
          .values({
            enquiryId: id,
            kind: 'status_changed',
            details: JSON.stringify({
              from: enquiryStatusNames[enquiry.status],
              to: enquiryStatusNames[status],
            }),
            actorUserId: actor.userId,
            occurredAt: now,
          })
          .execute()
      if (ownerUserId !== enquiry.ownerUserId)
        await trx
          .insertInto('enquiryEvents')
          .values({
            enquiryId: id,
            kind: 'owner_changed',
            details: JSON.stringify({
              from: enquiry.ownerName,
              to: ownerList.find((o) => o.id === ownerUserId)?.displayName ?? null,
            }),
            actorUserId: actor.userId,
            occurredAt: now,
          })
          .execute()
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
    const rows = await visibleEnquiries(actor)
      .select(['enquiries.category', 'enquiries.receivedAt'])
      .where('enquiries.receivedAt', '>=', londonInstant(weeks[0]!))
      .execute()
    return trendTable(rows, weeks)
  }

  // ---- FAQ ----

  // The councils whose FAQ the actor reads: its own councils; a provider's, those of its locations.
  async function faqCouncils(actor: Actor): Promise<string[] | 'all'> {
    if (actor.organisationKind === 'region') return 'all'
    if (actor.role !== 'provider_manager') return [...actor.councilIds]
    if (!actor.providerId) return []
    const own = await db
      .selectFrom('locations')
      .select('councilId')
      .distinct()
      .where('providerId', '=', actor.providerId)
      .where('councilId', 'is not', null)
      .execute()
    const contracted = await db
      .selectFrom('councilContracts')
      .innerJoin('locations', 'locations.id', 'councilContracts.locationId')
      .select('councilContracts.councilId')
      .distinct()
      .where('locations.providerId', '=', actor.providerId)
      .execute()
    return [...new Set([...own.map((r) => r.councilId!), ...contracted.map((r) => r.councilId)])]
  }

  async function visibleFaq(actor: Actor) {
    const councils = await faqCouncils(actor)
    const mayEdit = mayWorkEnquiries(actor)
    return db
      .selectFrom('faqEntries')
      .where((eb) =>
        eb.and([
          councils === 'all'
            ? eb.val(true)
            : councils.length
              ? eb('faqEntries.councilId', 'in', councils)
              : eb.val(false),
          mayEdit ? eb.val(true) : eb('faqEntries.published', '=', true),
        ]),
      )
  }

  // Every word must appear in the question or the answer (ILIKE: the same on PGlite and PostgreSQL).
  async function searchFaq(actor: Actor, search: { q?: string; category?: string }) {
    const words = searchWords(search.q ?? '')
    let query = (await visibleFaq(actor)).select([
      'faqEntries.id',
      'faqEntries.category',
      'faqEntries.question',
      'faqEntries.answer',
      'faqEntries.published',
      'faqEntries.updatedAt',
    ])
    for (const word of words) {
      const pattern = `%${word.replace(/[\\%_]/g, (c) => `\\${c}`)}%`
      query = query.where((eb) =>
        eb.or([eb('faqEntries.question', 'ilike', pattern), eb('faqEntries.answer', 'ilike', pattern)]),
      )
    }
    if (search.category && isContactCategory(search.category))
      query = query.where('faqEntries.category', '=', search.category)
    return query.orderBy('faqEntries.updatedAt', 'desc').orderBy('faqEntries.id').limit(100).execute()
  }

  async function faqEntry(actor: Actor, id: string) {
    if (!isUuid(id)) return null
    const entry = await (await visibleFaq(actor))
      .selectAll('faqEntries')
      .where('faqEntries.id', '=', id)
      .executeTakeFirst()
    if (!entry) return null
    return { entry, mayEdit: mayWorkEnquiries(actor) }
  }

  // An answered enquiry, prefilled into the FAQ form for the officer to edit and anonymise.
  async function faqFormFor(actor: Actor, enquiryId: string) {
    if (!mayWorkEnquiries(actor)) return null
    const enquiry = await find(actor, enquiryId)
    if (!enquiry?.response) return null
    return {
      enquiry,
      values: { category: enquiry.category, question: enquiry.question, answer: enquiry.response },
    }
  }

  async function createFaqFromEnquiry(
    actor: Actor,
    enquiryId: string,
    form: FaqForm,
  ): Promise<Validated<{ id: string }> | null> {
    const context = await faqFormFor(actor, enquiryId)
    if (!context) return null
    const checked = validateFaq(form)
    if (!checked.ok) return checked
    const now = clock.now()
    const id = await db.transaction().execute(async (trx) => {
      const row = await trx
        .insertInto('faqEntries')
        .values({
          councilId: context.enquiry.councilId,
          category: checked.value.category,
          question: checked.value.question,
          answer: checked.value.answer,
          sourceEnquiryId: enquiryId,
          published: true,
          createdBy: actor.userId,
          createdAt: now,
          updatedAt: now,
        })
        .returning('id')
        .executeTakeFirstOrThrow()
      await trx
        .insertInto('enquiryEvents')
        .values({
          enquiryId,
          kind: 'faq_created',
          details: JSON.stringify({ faqEntryId: row.id }),
          actorUserId: actor.userId,
          occurredAt: now,
        })
        .execute()
      await recordAudit(trx, {
        actorUserId: actor.userId,
        organisationId: actor.organisationId,
        action: AuditAction.faqEntryCreated,
        entityType: 'faq-entry',
        entityId: row.id,
        after: { ...checked.value, sourceEnquiryId: enquiryId, councilId: context.enquiry.councilId },
        occurredAt: now,
      })
      return row.id
    })
    return { ok: true, value: { id } }
  }

  async function updateFaqEntry(
    actor: Actor,
    id: string,
    form: FaqForm & { published: string },
  ): Promise<Validated<{ id: string }> | null> {
    const found = await faqEntry(actor, id)
    if (!found?.mayEdit) return null
    const checked = validateFaq(form)
    if (!checked.ok) return checked
    const now = clock.now()
    const published = form.published !== 'no'
    await db.transaction().execute(async (trx) => {
      await trx
        .updateTable('faqEntries')
        .set({ ...checked.value, published, updatedAt: now })
        .where('id', '=', id)
        .execute()
      await recordAudit(trx, {
        actorUserId: actor.userId,
        organisationId: actor.organisationId,
        action: AuditAction.faqEntryChanged,
        entityType: 'faq-entry',
        entityId: id,
        before: {
          category: found.entry.category,
          question: found.entry.question,
          answer: found.entry.answer,
          published: found.entry.published,
        },
        after: { ...checked.value, published },
        occurredAt: now,
      })
    })
    return { ok: true, value: { id } }
  }

  return {
    targetWorkingDays,
    setTargetWorkingDays,
    targetToChange: (actor: Actor, requested?: string) => targetToChange(db, actor, requested),
    targetDaysFor,
    askTargetDays,
    askFormFor,
    prepareAsk,
    ask,
    logFormFor,
    log,
    list,
    listForLocation,
    get,
    respond,
    changeStatus,
    trends,
    searchFaq,
    faqEntry,
    faqFormFor,
    createFaqFromEnquiry,
    updateFaqEntry,
    categoryNames: contactCategoryNames,
    today: () => londonDate(clock.now()),
  }
}

export type EnquiryService = ReturnType<typeof createEnquiryService>
