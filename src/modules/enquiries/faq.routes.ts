import type { FastifyInstance } from 'fastify'
import { notFound } from '../../web/errors.ts'
import { errorSummary, text } from '../../web/forms.ts'
import { requireSignIn, signedInActor } from '../../web/session.ts'
import { mayAskEnquiries, mayReadEnquiries } from './domain/enquiry.rules.ts'
import { enquiriesPaths as paths } from './enquiries.paths.ts'
import { faqEditFormFrom, faqFormFrom } from './enquiries.schemas.ts'
import type { EnquiryService } from './enquiries.service.ts'
import { categoryOptions, categoryRadios, names } from './enquiries.view-model.ts'

// The FAQ: searched by everyone who may read it, made from answered enquiries and kept by the council.
export async function faqRoutes(app: FastifyInstance, deps: { enquiries: EnquiryService }) {
  const { enquiries } = deps
  app.addHook('preHandler', requireSignIn)

  const faqFormView = (
    action: string,
    back: string,
    values: Record<string, string>,
    extra: Record<string, unknown> = {},
  ) => ({
    action,
    back,
    values,
    categoryItems: categoryRadios(values.category ?? ''),
    ...extra,
  })

  app.get<{ Params: { id: string } }>(paths.enquiryToFaq.pattern, async (request, reply) => {
    const actor = signedInActor(request)
    const context = await enquiries.faqFormFor(actor, request.params.id)
    if (!context) throw notFound()
    return reply.render(
      'enquiries/views/faq-form.njk',
      faqFormView(
        paths.enquiryToFaq.build(request.params.id),
        paths.enquiry.build(request.params.id),
        context.values,
        {
          pageTitle: 'Add this answer to the FAQ',
          fromEnquiry: context.enquiry.reference,
        },
      ),
    )
  })

  app.post<{ Params: { id: string } }>(paths.enquiryToFaq.pattern, async (request, reply) => {
    const actor = signedInActor(request)
    const form = faqFormFrom(request.body)
    const values = form.ok ? form.value : {}
    const result = form.ok ? await enquiries.createFaqFromEnquiry(actor, request.params.id, form.value) : form
    if (!result) throw notFound()
    if (!result.ok) {
      const context = await enquiries.faqFormFor(actor, request.params.id)
      if (!context) throw notFound()
      return reply.code(400).render(
        'enquiries/views/faq-form.njk',
        faqFormView(
          paths.enquiryToFaq.build(request.params.id),
          paths.enquiry.build(request.params.id),
          values,
          {
            pageTitle: 'Add this answer to the FAQ',
            fromEnquiry: context.enquiry.reference,
            errors: result.errors,
            errorList: errorSummary(result.errors, ['category', 'question', 'answer']),
          },
        ),
      )
    }
    return reply.redirect(`${paths.faqEntry.build(result.value.id)}?created=1`)
  })

  app.get(paths.faq.pattern, async (request, reply) => {
    const actor = signedInActor(request)
    const query = request.query as Record<string, unknown>
    const search = { q: text(query.q).slice(0, 200), category: text(query.category) }
    const entries = await enquiries.searchFaq(actor, search)
    return reply.render('enquiries/views/faq.njk', {
      pageTitle: 'Frequently asked questions',
      search,
      searched: Boolean(search.q || search.category),
      categoryItems: categoryOptions('All categories', search.category),
      entries,
      mayAsk: mayAskEnquiries(actor),
      ...names,
    })
  })

  app.get<{ Params: { id: string } }>(paths.faqEntry.pattern, async (request, reply) => {
    const actor = signedInActor(request)
    const found = await enquiries.faqEntry(actor, request.params.id)
    if (!found) throw notFound()
    return reply.render('enquiries/views/faq-entry.njk', {
      pageTitle: found.entry.question.slice(0, 80),
      ...found,
      mayReadEnquiries: mayReadEnquiries(actor),
      flash: request.query,
      ...names,
    })
  })

  app.get<{ Params: { id: string } }>(paths.editFaqEntry.pattern, async (request, reply) => {
    const actor = signedInActor(request)
    const found = await enquiries.faqEntry(actor, request.params.id)
    if (!found?.mayEdit) throw notFound()
    const e = found.entry
    return reply.render(
      'enquiries/views/faq-form.njk',
      faqFormView(
        paths.editFaqEntry.build(e.id),
        paths.faqEntry.build(e.id),
        {
          category: e.category,
          question: e.question,
          answer: e.answer,
          published: e.published ? 'yes' : 'no',
        },
        { pageTitle: 'Change an FAQ entry', isEdit: true },
      ),
    )
  })

  app.post<{ Params: { id: string } }>(paths.editFaqEntry.pattern, async (request, reply) => {
    const actor = signedInActor(request)
    const form = faqEditFormFrom(request.body)
    const values = form.ok ? form.value : {}
    const result = form.ok ? await enquiries.updateFaqEntry(actor, request.params.id, form.value) : form
    if (!result) throw notFound()
    // Only the entry's editors see what was wrong with a change.
    if (!result.ok && !(await enquiries.faqEntry(actor, request.params.id))?.mayEdit) throw notFound()
    if (!result.ok)
      return reply.code(400).render(
        'enquiries/views/faq-form.njk',
        faqFormView(
          paths.editFaqEntry.build(request.params.id),
          paths.faqEntry.build(request.params.id),
          values,
          {
            pageTitle: 'Change an FAQ entry',
            isEdit: true,
            errors: result.errors,
            errorList: errorSummary(result.errors, ['category', 'question', 'answer']),
          },
        ),
      )
    return reply.redirect(`${paths.faqEntry.build(request.params.id)}?saved=1`)
  })
}
