import type { Db } from '../../db/database.ts'
import type { Clock } from '../../domain/clock.ts'
import { isContactCategory } from '../../domain/contact-categories.ts'
import { isUuid, type Outcome } from '../../domain/outcome.ts'
import type { Actor } from '../../domain/policy.ts'
import { AuditAction, recordAudit } from '../audit/index.ts'
import { type FaqForm, mayWorkEnquiries, searchWords, validateFaq } from './domain/enquiry.rules.ts'
import { addEnquiryEvent, findEnquiry } from './enquiries.repository.ts'
import {
  councilsOfProvider,
  faqEntriesOf,
  insertFaqEntry,
  updateFaqEntry as updateFaqEntryRow,
} from './faq.repository.ts'

// The FAQ built from answered enquiries: each council's, read by its own users and by the providers
// whose locations it covers; its officers add answers to it, change them and take them down.
export function createFaqService(deps: { db: Db; clock: Clock }) {
  const { db, clock } = deps

  // The councils whose FAQ the actor reads: its own councils; a provider's, those of its locations.
  async function faqCouncils(actor: Actor): Promise<string[] | 'all'> {
    if (actor.organisationKind === 'region') return 'all'
    if (actor.role !== 'provider_manager') return [...actor.councilIds]
    if (!actor.providerId) return []
    return councilsOfProvider(db, actor.providerId)
  }

  // Officers who work enquiries also see entries taken down; everyone else only published ones.
  const visibleFaq = async (actor: Actor) =>
    faqEntriesOf(db, await faqCouncils(actor), mayWorkEnquiries(actor))

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
    if (!mayWorkEnquiries(actor) || !isUuid(enquiryId)) return null
    const enquiry = await findEnquiry(db, actor, enquiryId)
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
  ): Promise<Outcome<{ id: string }> | null> {
    const context = await faqFormFor(actor, enquiryId)
    if (!context) return null
    const checked = validateFaq(form)
    if (!checked.ok) return checked
    const now = clock.now()
    const { councilId } = context.enquiry
    const id = await db.transaction().execute(async (trx) => {
      const id = await insertFaqEntry(trx, {
        ...checked.value,
        councilId,
        sourceEnquiryId: enquiryId,
        createdBy: actor.userId,
        now,
      })
      await addEnquiryEvent(trx, {
        enquiryId,
        kind: 'faq_created',
        details: { faqEntryId: id },
        actorUserId: actor.userId,
        occurredAt: now,
      })
      await recordAudit(trx, {
        actorUserId: actor.userId,
        organisationId: actor.organisationId,
        action: AuditAction.faqEntryCreated,
        entityType: 'faq-entry',
        entityId: id,
        after: { ...checked.value, sourceEnquiryId: enquiryId, councilId },
        occurredAt: now,
      })
      return id
    })
    return { ok: true, value: { id } }
  }

  async function updateFaqEntry(
    actor: Actor,
    id: string,
    form: FaqForm & { published: string },
  ): Promise<Outcome<{ id: string }> | null> {
    const found = await faqEntry(actor, id)
    if (!found?.mayEdit) return null
    const checked = validateFaq(form)
    if (!checked.ok) return checked
    const now = clock.now()
    const published = form.published !== 'no'
    await db.transaction().execute(async (trx) => {
      await updateFaqEntryRow(trx, id, { ...checked.value, published, updatedAt: now })
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

  return { searchFaq, faqEntry, faqFormFor, createFaqFromEnquiry, updateFaqEntry }
}
