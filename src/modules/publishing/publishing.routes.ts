import type { FastifyInstance, FastifyRequest } from 'fastify'
import { notFound } from '../../web/errors.ts'
import { errorSummary } from '../../web/forms.ts'
import { requireSignIn, signedInActor } from '../../web/session.ts'
import { instantInWords } from './domain/render-html.ts'
import { defaultCheckWorkingDays, versionStatusNames } from './domain/workflow.ts'
import { publishingPaths as paths } from './publishing.paths.ts'
import {
  challengeFormFrom,
  checkFormFrom,
  correctFormFrom,
  resolveFormFrom,
  signOffFormFrom,
  startFormFrom,
} from './publishing.schemas.ts'
import type { PublishingService } from './publishing.service.ts'

type Params = { id: string; version: string; challengeId?: string }
const names = { versionStatusNames }
const body = (request: FastifyRequest) => (request.body ?? {}) as Record<string, string>

// The officers' side of publishing, and providers' check of their own figures (signed in).
export async function publishingRoutes(app: FastifyInstance, deps: { publishing: PublishingService }) {
  const { publishing } = deps
  app.addHook('preHandler', requireSignIn)

  app.get(paths.publications.pattern, async (request, reply) => {
    const found = await publishing.list(signedInActor(request))
    if (!found) throw notFound()
    return reply.render('publishing/views/publications.njk', {
      pageTitle: 'Publications',
      ...found,
      ...names,
    })
  })

  app.post(paths.startPublication.pattern, async (request, reply) => {
    const form = startFormFrom(request.body)
    const result = form.ok ? await publishing.start(signedInActor(request), form.value.kind) : form
    if (!result) throw notFound()
    if (!result.ok) {
      const found = await publishing.list(signedInActor(request))
      return reply.code(400).render('publishing/views/publications.njk', {
        pageTitle: 'Publications',
        ...found,
        ...names,
        errors: result.errors,
        errorList: errorSummary(result.errors),
      })
    }
    return reply.redirect(paths.publicationVersion.build(result.value.id, '1'))
  })

  const versionView = async (request: FastifyRequest, extra: Record<string, unknown> = {}) => {
    const { id, version } = request.params as Params
    const page = await publishing.page(signedInActor(request), id, version)
    if (!page) throw notFound()
    return {
      pageTitle: `${page.publication.title}, version ${page.version.version}`,
      ...page,
      ...names,
      flash: request.query,
      defaultCheckWorkingDays,
      asAtText: instantInWords(page.content.asAt),
      ...extra,
    }
  }

  app.get(paths.publicationVersion.pattern, async (request, reply) =>
    reply.render('publishing/views/version.njk', await versionView(request)),
  )

  app.post(paths.startCheck.pattern, async (request, reply) => {
    const { id, version } = request.params as Params
    const form = checkFormFrom(request.body)
    const result = form.ok
      ? await publishing.startCheck(signedInActor(request), id, version, form.value.checkDays)
      : form
    if (!result) throw notFound()
    if (!result.ok)
      return reply.code(400).render(
        'publishing/views/version.njk',
        await versionView(request, {
          errors: result.errors,
          errorList: errorSummary(result.errors),
          values: body(request),
        }),
      )
    return reply.redirect(`${paths.publicationVersion.build(id, version)}?checking=1`)
  })

  app.post(paths.resolveChallenge.pattern, async (request, reply) => {
    const { id, version, challengeId } = request.params as Params
    const form = resolveFormFrom(request.body)
    const result = form.ok
      ? await publishing.resolve(
          signedInActor(request),
          id,
          version,
          challengeId ?? '',
          form.value.resolution,
        )
      : form
    if (!result) throw notFound()
    if (!result.ok) {
      const errors = {
        [`resolution-${challengeId}`]: result.errors.resolution ?? 'Enter how the challenge was resolved',
      }
      return reply
        .code(400)
        .render(
          'publishing/views/version.njk',
          await versionView(request, { errors, errorList: errorSummary(errors) }),
        )
    }
    return reply.redirect(`${paths.publicationVersion.build(id, version)}?resolved=1`)
  })

  // Check your answers, then publish: the signed-in officer is the named officer who signs it off.
  const signOffPage = async (request: FastifyRequest, confirm: boolean) => {
    const { id, version } = request.params as Params
    const name = request.signedInUser?.displayName ?? ''
    return {
      result: await publishing.signOff(signedInActor(request), id, version, confirm, name),
      id,
      version,
      name,
    }
  }
  app.get(paths.signOff.pattern, async (request, reply) => {
    const { result, id, version, name } = await signOffPage(request, false)
    if (!result) throw notFound()
    if (!result.ok) return reply.redirect(paths.publicationVersion.build(id, version))
    return reply.render('publishing/views/sign-off.njk', {
      pageTitle: 'Check before you publish',
      publication: result.found.publication,
      version: result.found.version,
      name,
    })
  })
  app.post(paths.signOff.pattern, async (request, reply) => {
    const form = signOffFormFrom(request.body)
    const { result, id, version } = await signOffPage(request, form.ok && form.value.confirm === 'yes')
    if (!result) throw notFound()
    if (!result.ok || !result.published) return reply.redirect(paths.publicationVersion.build(id, version))
    return reply.redirect(`${paths.publicationVersion.build(id, version)}?published=1`)
  })

  app.get(paths.correctPublication.pattern, async (request, reply) => {
    const { id } = request.params as Params
    if (!(await publishing.mayCorrect(signedInActor(request), id))) throw notFound()
    return reply.render('publishing/views/correct.njk', {
      pageTitle: 'Correct a published version',
      id,
      values: {},
    })
  })
  app.post(paths.correctPublication.pattern, async (request, reply) => {
    const { id } = request.params as Params
    const form = correctFormFrom(request.body)
    const result = form.ok
      ? await publishing.correct(signedInActor(request), id, form.value.changeNote)
      : form
    if (!result) throw notFound()
    if (!result.ok)
      return reply.code(400).render('publishing/views/correct.njk', {
        pageTitle: 'Correct a published version',
        id,
        values: body(request),
        errors: result.errors,
        errorList: errorSummary(result.errors),
      })
    return reply.redirect(paths.publicationVersion.build(id, String(result.value.version)))
  })

  // A provider manager: their own figures in what is being checked, and their challenges.
  const figuresView = async (request: FastifyRequest, extra: Record<string, unknown> = {}) => {
    const checks = await publishing.figuresToCheck(signedInActor(request))
    if (!checks) throw notFound()
    return {
      pageTitle: 'Check your figures before they are published',
      checks,
      flash: request.query,
      ...extra,
    }
  }
  app.get(paths.yourFigures.pattern, async (request, reply) =>
    reply.render('publishing/views/your-figures.njk', await figuresView(request)),
  )
  app.post(paths.challengeFigure.pattern, async (request, reply) => {
    const { id, version } = request.params as Params
    const form = challengeFormFrom(request.body)
    const result = form.ok
      ? await publishing.challenge(signedInActor(request), id, version, form.value)
      : form
    if (!result) throw notFound()
    if (!result.ok)
      return reply.code(400).render(
        'publishing/views/your-figures.njk',
        await figuresView(request, {
          errors: result.errors,
          errorList: errorSummary(result.errors, ['figure', 'reason']),
          values: body(request),
          formFor: `${id}/${version}`,
        }),
      )
    return reply.redirect(`${paths.yourFigures.build()}?challenged=1`)
  })
}

// The permanent public addresses of published versions: anyone may read them, signed in or not. The
// files are the bytes stored when the version was published.
export async function publishedRoutes(app: FastifyInstance, deps: { publishing: PublishingService }) {
  const { publishing } = deps
  app.get(paths.published.pattern, async (request, reply) => {
    const { id } = request.params as Params
    const found = await publishing.publishedVersions(id)
    if (!found) throw notFound()
    return reply.render('publishing/views/published.njk', { pageTitle: found.publication.title, ...found })
  })
  const file =
    (kind: 'html' | 'docx' | 'csv', type: string, name?: string) =>
    async (request: FastifyRequest, reply: import('fastify').FastifyReply) => {
      const { id, version } = request.params as Params
      const bytes = await publishing.publishedBytes(id, version, kind)
      if (!bytes) throw notFound()
      reply.header('content-type', type)
      if (name)
        reply.header('content-disposition', `attachment; filename="${name}-version-${version}.${kind}"`)
      return reply.send(bytes)
    }
  app.get(paths.publishedVersion.pattern, file('html', 'text/html; charset=utf-8'))
  app.get(
    paths.publishedDocx.pattern,
    file('docx', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', 'report'),
  )
  app.get(paths.publishedCsv.pattern, file('csv', 'text/csv; charset=utf-8', 'report'))
  app.get(paths.publishedData.pattern, async (request, reply) => {
    const { id, version } = request.params as Params
    const data = await publishing.publishedData(id, version)
    if (!data) throw notFound()
    const [stem, extension] = data.name.split(/\.(?=[^.]+$)/)
    reply.header('content-type', data.mediaType)
    reply.header(
      'content-disposition',
      `attachment; filename="${stem}-version-${version}${extension ? `.${extension}` : ''}"`,
    )
    return reply.send(data.bytes)
  })
}
