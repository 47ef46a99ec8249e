import type { FastifyInstance } from 'fastify'
import { notFound } from '../../web/errors.ts'
import { flashFrom } from '../../web/flash.ts'
import { errorSummary, toFirstDateField } from '../../web/forms.ts'
import { requireSignIn, signedInActor } from '../../web/session.ts'
import { acceptUploads, receiveUpload } from '../../web/uploads.ts'
import {
  offerFields,
  trainerRatingNames,
  trainerRatings,
  trainingKindNames,
  trainingKinds,
  uptakeStatuses,
  uptakeStatusNames,
} from './domain/training.rules.ts'
import { trainingPaths as paths } from './training.paths.ts'
import { feedbackFormFrom, offerFormFrom, uptakeFormFrom } from './training.schemas.ts'
import type { TrainingService } from './training.service.ts'

const names = { trainingKindNames, uptakeStatusNames, trainerRatingNames }
const licenceFileLimit = 2 * 1024 * 1024

export async function trainingRoutes(app: FastifyInstance, deps: { training: TrainingService }) {
  const { training } = deps
  app.addHook('preHandler', requireSignIn)

  app.get(paths.training.pattern, async (request, reply) => {
    const offers = await training.list(signedInActor(request))
    if (!offers) throw notFound()
    return reply.render('training/views/offers.njk', {
      pageTitle: 'Training offers',
      offers,
      ...names,
      mayAddOffer: training.mayAddOffer(signedInActor(request)),
    })
  })

  const newOfferView = (values: Record<string, string>, errors?: Record<string, string>) => ({
    pageTitle: 'Add a training offer',
    values,
    errors,
    errorList: errors ? toFirstDateField(errorSummary(errors, offerFields)) : undefined,
    kindItems: trainingKinds.map((k) => ({
      value: k,
      text: trainingKindNames[k],
      checked: values.kind === k,
    })),
  })
  app.get(paths.newTrainingOffer.pattern, async (request, reply) => {
    if (!training.mayAddOffer(signedInActor(request))) throw notFound()
    return reply.render('training/views/new-offer.njk', newOfferView({}))
  })
  app.post(paths.newTrainingOffer.pattern, async (request, reply) => {
    const form = offerFormFrom(request.body)
    const result = form.ok ? await training.addOffer(signedInActor(request), form.value) : form
    if (!result) throw notFound()
    if (!result.ok)
      return reply
        .code(400)
        .render(
          'training/views/new-offer.njk',
          newOfferView((request.body ?? {}) as Record<string, string>, result.errors),
        )
    return reply.redirect(`${paths.trainingOffer.build(result.value.id)}?added=1`)
  })

  const offerPage = async (
    request: Parameters<typeof signedInActor>[0],
    id: string,
    forms: {
      uptake?: Record<string, string>
      uptakeErrors?: Record<string, string>
      feedback?: Record<string, string>
      feedbackErrors?: Record<string, string>
      importProblems?: string[]
    } = {},
  ) => {
    const page = await training.offer(signedInActor(request), id)
    if (!page) throw notFound()
    const uptake = forms.uptake ?? {}
    const feedback = forms.feedback ?? {}
    const radios = (name: string, values: Record<string, string>) =>
      ['yes', 'no'].map((v) => ({ value: v, text: v === 'yes' ? 'Yes' : 'No', checked: values[name] === v }))
    return {
      pageTitle: page.offer.title,
      ...page,
      ...names,
      flash: flashFrom(request.query),
      uptake,
      uptakeErrors: forms.uptakeErrors,
      providerItems: [
        { value: '', text: 'Choose a provider' },
        ...page.providers.map((p) => ({ value: p.id, text: p.name, selected: p.id === uptake.providerId })),
      ],
      statusItems: uptakeStatuses.map((s) => ({
        value: s,
        text: uptakeStatusNames[s],
        checked: uptake.status === s,
      })),
      feedback,
      feedbackErrors: forms.feedbackErrors,
      ratingItems: trainerRatings.map((r) => ({
        value: r,
        text: trainerRatingNames[r],
        checked: feedback.trainerKnowledge === r,
      })),
      responsiveItems: radios('responsive', feedback),
      increasedItems: radios('knowledgeIncreased', feedback),
      errorList: forms.uptakeErrors
        ? errorSummary(forms.uptakeErrors, ['providerId', 'status', 'declineReason', 'attendees'])
        : forms.feedbackErrors
          ? errorSummary(forms.feedbackErrors, ['trainerKnowledge', 'responsive', 'knowledgeIncreased'])
          : forms.importProblems
            ? forms.importProblems.map((text) => ({ text, href: '#licenceFile' }))
            : undefined,
    }
  }

  app.get(paths.trainingOffer.pattern, async (request, reply) => {
    const { id } = request.params as { id: string }
    return reply.render('training/views/offer.njk', await offerPage(request, id))
  })

  app.post(paths.recordUptake.pattern, async (request, reply) => {
    const { id } = request.params as { id: string }
    const form = uptakeFormFrom(request.body)
    const result = form.ok ? await training.recordUptake(signedInActor(request), id, form.value) : form
    if (!result) throw notFound()
    if (!result.ok) {
      const values = (form.ok ? form.value : request.body) as Record<string, string>
      return reply
        .code(400)
        .render(
          'training/views/offer.njk',
          await offerPage(request, id, { uptake: values, uptakeErrors: result.errors }),
        )
    }
    return reply.redirect(`${paths.trainingOffer.build(id)}?uptake=1`)
  })

  app.post(paths.recordFeedback.pattern, async (request, reply) => {
    const { id } = request.params as { id: string }
    const form = feedbackFormFrom(request.body)
    const result = form.ok ? await training.recordFeedback(signedInActor(request), id, form.value) : form
    if (!result) throw notFound()
    if (!result.ok) {
      const values = (form.ok ? form.value : request.body) as Record<string, string>
      return reply
        .code(400)
        .render(
          'training/views/offer.njk',
          await offerPage(request, id, { feedback: values, feedbackErrors: result.errors }),
        )
    }
    return reply.redirect(`${paths.trainingOffer.build(id)}?feedback=1`)
  })

  // The learning platform's CSV, uploaded as a file (its own plugin: only this route takes files).
  await app.register(async (uploads) => {
    await acceptUploads(uploads, { maxBytes: licenceFileLimit, fields: 4 })
    uploads.post(paths.importLicences.pattern, async (request, reply) => {
      const { id } = request.params as { id: string }
      if (!(await training.mayImportLicences(signedInActor(request), id))) throw notFound()
      const upload = await receiveUpload(request, licenceFileLimit)
      const result = upload.ok
        ? await training.importLicences(signedInActor(request), id, upload)
        : {
            ok: false as const,
            problems: [
              upload.problem === 'too-large'
                ? 'The selected file must be smaller than 2 MB'
                : 'Select the learning platform’s CSV file',
            ],
          }
      if (!result) throw notFound()
      if (!result.ok)
        return reply
          .code(400)
          .render(
            'training/views/offer.njk',
            await offerPage(request, id, { importProblems: result.problems }),
          )
      return reply.redirect(`${paths.trainingOffer.build(id)}?imported=${result.organisations}`)
    })
  })
}
