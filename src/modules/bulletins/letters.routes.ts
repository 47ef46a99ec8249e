import type { FastifyInstance } from 'fastify'
import { notFound } from '../../web/errors.ts'
import { errorSummary, text } from '../../web/forms.ts'
import { requireSignIn, signedInActor } from '../../web/session.ts'
import { bulletinsPaths as paths } from './bulletins.paths.ts'
import type { DigestService } from './digests.service.ts'
import { mergeFields } from './domain/letter.ts'
import type { LetterService } from './letters.service.ts'

// Letters to people who receive care (the council's text, a provider's DOCX) and officers' digests.
export async function letterRoutes(
  app: FastifyInstance,
  deps: { letters: LetterService; digests: DigestService },
) {
  const { letters, digests } = deps
  app.addHook('preHandler', requireSignIn)

  app.get(paths.letters.pattern, async (request, reply) => {
    const actor = signedInActor(request)
    const page = await letters.officerPage(actor)
    if (page)
      return reply.render('bulletins/views/letters.njk', {
        pageTitle: 'Letters to people who receive care',
        ...page,
        mergeFields,
        flash: request.query,
      })
    const councils = await letters.lettersForProvider(actor)
    if (actor.role !== 'provider_manager') throw notFound()
    return reply.render('bulletins/views/letters.njk', {
      pageTitle: 'Letters to people who receive care',
      councils,
      providerId: actor.providerId,
      mergeFields,
    })
  })

  app.post(paths.letters.pattern, async (request, reply) => {
    const actor = signedInActor(request)
    const body = (request.body ?? {}) as Record<string, unknown>
    const form = {
      body: text(body.body),
      phone: text(body.phone),
      outOfHoursPhone: text(body.outOfHoursPhone),
    }
    const result = await letters.save(actor, form)
    if (!result) throw notFound()
    if (!result.ok) {
      const page = await letters.officerPage(actor)
      return reply.code(400).render('bulletins/views/letters.njk', {
        pageTitle: 'Letters to people who receive care',
        ...page,
        values: form,
        mergeFields,
        errors: result.errors,
        errorList: errorSummary(result.errors, ['body', 'phone', 'outOfHoursPhone']),
      })
    }
    return reply.redirect(`${paths.letters.build()}?saved=1`)
  })

  app.get<{ Params: { providerId: string } }>(paths.letterDocx.pattern, async (request, reply) => {
    const found = await letters.letterFile(signedInActor(request), request.params.providerId, 'docx')
    if (!found) throw notFound()
    return reply
      .header('content-disposition', 'attachment; filename="letter-to-people-who-receive-care.docx"')
      .type('application/vnd.openxmlformats-officedocument.wordprocessingml.document')
      .send(found.file)
  })

  app.get<{ Params: { providerId: string } }>(paths.letterPdf.pattern, async (request, reply) => {
    const found = await letters.letterFile(signedInActor(request), request.params.providerId, 'pdf')
    if (!found) throw notFound()
    return reply
      .header('content-disposition', 'attachment; filename="letter-to-people-who-receive-care.pdf"')
      .type('application/pdf')
      .send(found.file)
  })

  app.get(paths.digestSettings.pattern, async (request, reply) => {
    const mode = await digests.preference(signedInActor(request))
    if (!mode) throw notFound()
    return reply.render('bulletins/views/digests.njk', {
      pageTitle: 'How you hear about new alerts',
      mode,
      flash: request.query,
    })
  })

  app.post(paths.digestSettings.pattern, async (request, reply) => {
    const actor = signedInActor(request)
    const chosen = text(((request.body ?? {}) as Record<string, unknown>).mode)
    const done = await digests.choose(actor, chosen)
    if (done === null) throw notFound()
    if (!done) {
      const errors = { mode: 'Select how you want to hear about new alerts' }
      return reply.code(400).render('bulletins/views/digests.njk', {
        pageTitle: 'How you hear about new alerts',
        mode: await digests.preference(actor),
        errors,
        errorList: errorSummary(errors),
      })
    }
    return reply.redirect(`${paths.digestSettings.build()}?saved=1`)
  })
}
