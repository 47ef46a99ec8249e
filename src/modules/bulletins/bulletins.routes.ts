import type { FastifyInstance } from 'fastify'
import type { Clock } from '../../domain/clock.ts'
import { isIsoDate } from '../../domain/dates.ts'
import { notFound } from '../../web/errors.ts'
import { errorSummary, text } from '../../web/forms.ts'
import { requireSignIn, signedInActor } from '../../web/session.ts'
import { acceptUploads, receiveUpload } from '../../web/uploads.ts'
import type { AttachmentService } from './attachments.service.ts'
import { audienceItems } from './audience.view-model.ts'
import { bulletinsPaths as paths } from './bulletins.paths.ts'
import { bulletinFormFrom, listFormFrom, resendFormFrom, sendFormFrom } from './bulletins.schemas.ts'
import type { BulletinService } from './bulletins.service.ts'
import { attachmentMaxBytes } from './domain/attachment.ts'
import { type Audience, audienceFrom, everyone } from './domain/audience.ts'

// The bulletins' pages: an officer's archive, compose, check and send, and who read it; a provider's
// bulletins, unread first. The link in the mail needs no sign-in: it only marks the bulletin read.
export async function bulletinRoutes(
  app: FastifyInstance,
  deps: { bulletins: BulletinService; attachments: AttachmentService; clock: Clock },
) {
  const { bulletins, attachments, clock } = deps

  app.get<{ Params: { token: string } }>(paths.bulletinReadLink.pattern, async (request, reply) => {
    const id = await bulletins.readByLink(request.params.token)
    if (!id) throw notFound()
    return reply.redirect(paths.bulletin.build(id))
  })

  app.register(async (signedIn) => {
    signedIn.addHook('preHandler', requireSignIn)

    signedIn.get(paths.bulletins.pattern, async (request, reply) => {
      const actor = signedInActor(request)
      const query = request.query as Record<string, unknown>
      const date = (v: unknown) => (isIsoDate(text(v)) ? text(v) : null)
      const search = { q: text(query.q).slice(0, 200), from: date(query.from), to: date(query.to) }
      const archive = await bulletins.archive(actor, search)
      return reply.render('bulletins/views/bulletins.njk', {
        pageTitle: 'Bulletins',
        archive,
        inbox: archive ? [] : await bulletins.inbox(actor),
        search: { q: search.q, from: search.from ?? '', to: search.to ?? '' },
        searched: Boolean(search.q || search.from || search.to),
      })
    })

    const formView = async (
      actor: ReturnType<typeof signedInActor>,
      values: Record<string, string>,
      audience: Audience,
      errors?: Record<string, string>,
      resourceIds: string[] = [],
    ) => {
      const choices = await bulletins.formChoices(actor)
      if (!choices) throw notFound()
      return {
        pageTitle: 'New bulletin',
        values,
        errors,
        errorList: errors ? errorSummary(errors, ['title', 'body']) : undefined,
        ...audienceItems(audience, choices),
        resourceItems: choices.resources.map((r) => ({
          value: r.id,
          text: r.title,
          checked: resourceIds.includes(r.id),
        })),
      }
    }

    signedIn.get(paths.newBulletin.pattern, async (request, reply) => {
      const actor = signedInActor(request)
      return reply.render('bulletins/views/bulletin-form.njk', await formView(actor, {}, everyone))
    })

    signedIn.post(paths.newBulletin.pattern, async (request, reply) => {
      const actor = signedInActor(request)
      const body = (request.body ?? {}) as Record<string, unknown>
      const form = bulletinFormFrom(body)
      const audience = audienceFrom(body)
      const raw = body.resourceItemIds
      const resourceIds = (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]).map(String)
      if (!form.ok) {
        const values = { title: text(body.title), body: text(body.body) }
        return reply
          .code(400)
          .render(
            'bulletins/views/bulletin-form.njk',
            await formView(actor, values, audience, form.errors, resourceIds),
          )
      }
      const created = await bulletins.draft(actor, form.value, audience, resourceIds)
      if (!created) throw notFound()
      return reply.redirect(paths.checkBulletin.build(created.id))
    })

    const checkView = async (actor: ReturnType<typeof signedInActor>, id: string, extra = {}) => {
      const found = await bulletins.check(actor, id)
      if (!found) throw notFound()
      return { pageTitle: 'Check the bulletin before sending it', ...found, values: {}, ...extra }
    }

    signedIn.get<{ Params: { id: string } }>(paths.checkBulletin.pattern, async (request, reply) => {
      const view = await checkView(signedInActor(request), request.params.id, { flash: request.query })
      if (view.bulletin.status !== 'draft') return reply.redirect(paths.bulletin.build(request.params.id))
      return reply.render('bulletins/views/bulletin-check.njk', view)
    })

    signedIn.post<{ Params: { id: string } }>(paths.sendBulletin.pattern, async (request, reply) => {
      const actor = signedInActor(request)
      const form = sendFormFrom(request.body, clock.now())
      const result = form.ok ? await bulletins.send(actor, request.params.id, form.value.sendAt) : form
      if (!result) throw notFound()
      if (!result.ok) {
        const view = await checkView(actor, request.params.id, {
          errors: result.errors,
          errorList: errorSummary(result.errors),
          values: request.body,
        })
        return reply.code(400).render('bulletins/views/bulletin-check.njk', view)
      }
      return reply.redirect(`${paths.bulletin.build(request.params.id)}?sent=1`)
    })

    // A file for a draft, one per form: its type is checked from its content; the check page again.
    await signedIn.register(async (uploads) => {
      await acceptUploads(uploads, { maxBytes: attachmentMaxBytes, fields: 2 })
      uploads.post<{ Params: { id: string } }>(paths.bulletinAttachments.pattern, async (request, reply) => {
        const actor = signedInActor(request)
        const upload = await receiveUpload(request, attachmentMaxBytes)
        const result = await attachments.add(
          actor,
          request.params.id,
          upload.ok ? upload : null,
          upload.ok ? null : upload.problem,
        )
        if (!result) throw notFound()
        if (result.error) {
          const errors = { file: result.error }
          const view = await checkView(actor, request.params.id, {
            fileErrors: errors,
            errorList: errorSummary(errors),
          })
          return reply.code(400).render('bulletins/views/bulletin-check.njk', view)
        }
        return reply.redirect(`${paths.checkBulletin.build(request.params.id)}?attached=1`)
      })
    })

    signedIn.post<{ Params: { id: string; attachmentId: string } }>(
      paths.removeBulletinAttachment.pattern,
      async (request, reply) => {
        const { id, attachmentId } = request.params
        if (!(await attachments.remove(signedInActor(request), id, attachmentId))) throw notFound()
        return reply.redirect(`${paths.checkBulletin.build(id)}?removed=1`)
      },
    )

    // Sent as a download, never shown inline, under the type its content was checked to be.
    signedIn.get<{ Params: { id: string; attachmentId: string } }>(
      paths.bulletinAttachment.pattern,
      async (request, reply) => {
        const { id, attachmentId } = request.params
        const file = await attachments.download(signedInActor(request), id, attachmentId)
        if (!file) throw notFound()
        const ascii = file.fileName.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_')
        return reply
          .header(
            'content-disposition',
            `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(file.fileName)}`,
          )
          .header('x-content-type-options', 'nosniff')
          .type(file.contentType)
          .send(file.content)
      },
    )

    signedIn.post<{ Params: { id: string } }>(paths.saveBulletinList.pattern, async (request, reply) => {
      const actor = signedInActor(request)
      const form = listFormFrom(request.body)
      if (!form.ok) {
        const view = await checkView(actor, request.params.id, {
          listErrors: form.errors,
          errorList: errorSummary(form.errors),
        })
        return reply.code(400).render('bulletins/views/bulletin-check.njk', view)
      }
      const saved = await bulletins.saveList(actor, request.params.id, form.value.name)
      if (!saved) throw notFound()
      return reply.redirect(`${paths.checkBulletin.build(request.params.id)}?listSaved=1`)
    })

    signedIn.get<{ Params: { id: string } }>(paths.bulletin.pattern, async (request, reply) => {
      const found = await bulletins.view(signedInActor(request), request.params.id)
      if (!found) throw notFound()
      return reply.render('bulletins/views/bulletin.njk', {
        pageTitle: found.bulletin.title,
        ...found,
        flash: request.query,
      })
    })

    signedIn.post<{ Params: { id: string } }>(paths.resendBulletin.pattern, async (request, reply) => {
      const actor = signedInActor(request)
      if (!(await bulletins.maySend(actor, request.params.id))) throw notFound()
      const form = resendFormFrom(request.body)
      if (!form.ok) {
        const found = await bulletins.view(actor, request.params.id)
        if (!found) throw notFound()
        return reply.code(400).render('bulletins/views/bulletin.njk', {
          pageTitle: found.bulletin.title,
          ...found,
          flash: {},
          errors: form.errors,
          errorList: errorSummary(form.errors),
        })
      }
      const queued = await bulletins.resend(actor, request.params.id, form.value.days)
      if (queued === null) throw notFound()
      return reply.redirect(`${paths.bulletin.build(request.params.id)}?resent=${queued}`)
    })
  })
}
