import type { FastifyInstance, FastifyReply } from 'fastify'
import { svgChart } from '../../domain/charts.ts'
import { csvText } from '../../domain/csv.ts'
import { xlsxStream } from '../../domain/xlsx.ts'
import { notFound } from '../../web/errors.ts'
import { errorSummary, text } from '../../web/forms.ts'
import { requireSignIn, signedInActor } from '../../web/session.ts'
import { audienceFrom, audienceItems, type BulletinService, everyone } from '../bulletins/index.ts'
import { answerInWords, type SurveyQuestion } from './domain/survey.rules.ts'
import { surveysPaths as paths } from './surveys.paths.ts'
import { surveyFormFrom } from './surveys.schemas.ts'
import type { SurveyService } from './surveys.service.ts'

// An answer as the question's page shows it in its field.
function fieldValue(question: SurveyQuestion, value: unknown): string {
  if (value === null || value === undefined) return ''
  if (question.type === 'yes-no') return value ? 'yes' : 'no'
  return String(value)
}

// The surveys' pages: an officer's list, new survey and results; a provider's questions one per page.
export async function surveyRoutes(
  app: FastifyInstance,
  deps: { surveys: SurveyService; bulletins: BulletinService },
) {
  const { surveys, bulletins } = deps
  app.addHook('preHandler', requireSignIn)

  app.get(paths.surveys.pattern, async (request, reply) => {
    const listed = await surveys.list(signedInActor(request))
    return reply.render('surveys/views/surveys.njk', { pageTitle: 'Surveys', ...listed })
  })

  const formView = async (
    actor: ReturnType<typeof signedInActor>,
    values: Record<string, unknown>,
    errors?: Record<string, string>,
  ) => {
    const choices = await bulletins.formChoices(actor)
    if (!choices) throw notFound()
    return {
      pageTitle: 'New survey',
      values,
      errors,
      errorList: errors ? errorSummary(errors, ['title', 'opensOn', 'closesOn', 'questions']) : undefined,
      ...audienceItems(audienceFrom(values), choices),
    }
  }

  app.get(paths.newSurvey.pattern, async (request, reply) =>
    reply.render('surveys/views/survey-form.njk', await formView(signedInActor(request), { ...everyone })),
  )

  app.post(paths.newSurvey.pattern, async (request, reply) => {
    const actor = signedInActor(request)
    const body = (request.body ?? {}) as Record<string, unknown>
    const form = surveyFormFrom(body)
    if (!form.ok)
      return reply.code(400).render('surveys/views/survey-form.njk', await formView(actor, body, form.errors))
    const created = await surveys.create(actor, form.value, audienceFrom(body))
    if (!created) throw notFound()
    return reply.redirect(`${paths.surveyResults.build(created.id)}?created=1`)
  })

  // A provider's start page: what it asks, and whether it is open.
  app.get<{ Params: { id: string } }>(paths.survey.pattern, async (request, reply) => {
    const found = await surveys.providerSurvey(signedInActor(request), request.params.id)
    if (!found) throw notFound()
    return reply.render('surveys/views/survey-start.njk', { pageTitle: found.survey.title, ...found })
  })

  const questionView = (
    found: NonNullable<Awaited<ReturnType<SurveyService['providerSurvey']>>>,
    n: number,
    extra = {},
  ) => {
    const question = found.survey.questions[n - 1]
    if (!question || !found.open || found.submitted) throw notFound()
    return {
      pageTitle: question.label,
      survey: found.survey,
      n,
      count: found.survey.questions.length,
      question,
      value: fieldValue(question, found.answers[question.key]),
      back:
        n > 1
          ? paths.surveyQuestion.build(found.survey.id, String(n - 1))
          : paths.survey.build(found.survey.id),
      ...extra,
    }
  }

  app.get<{ Params: { id: string; n: string } }>(paths.surveyQuestion.pattern, async (request, reply) => {
    const found = await surveys.providerSurvey(signedInActor(request), request.params.id)
    if (!found) throw notFound()
    return reply.render('surveys/views/survey-question.njk', questionView(found, Number(request.params.n)))
  })

  app.post<{ Params: { id: string; n: string } }>(paths.surveyQuestion.pattern, async (request, reply) => {
    const actor = signedInActor(request)
    const n = Number(request.params.n)
    const body = (request.body ?? {}) as Record<string, unknown>
    const result = await surveys.answer(actor, request.params.id, n, body.answer)
    if (!result) throw notFound()
    if (!result.ok) {
      const found = await surveys.providerSurvey(actor, request.params.id)
      if (!found) throw notFound()
      return reply.code(400).render(
        'surveys/views/survey-question.njk',
        questionView(found, n, {
          value: text(body.answer),
          errors: result.errors,
          errorList: errorSummary(result.errors),
        }),
      )
    }
    const next = result.value.next
    const checking = text((request.query as Record<string, unknown>).change) === '1'
    return reply.redirect(
      next && !checking
        ? paths.surveyQuestion.build(request.params.id, String(next))
        : paths.checkSurveyAnswers.build(request.params.id),
    )
  })

  const checkView = (
    found: NonNullable<Awaited<ReturnType<SurveyService['providerSurvey']>>>,
    extra = {},
  ) => ({
    pageTitle: 'Check your answers before sending them',
    survey: found.survey,
    rows: found.survey.questions.map((q, i) => ({
      key: { text: q.label },
      value: { text: answerInWords(q, found.answers[q.key]) || 'Not answered' },
      actions: {
        items: [
          {
            href: `${paths.surveyQuestion.build(found.survey.id, String(i + 1))}?change=1`,
            text: 'Change',
            visuallyHiddenText: q.label,
          },
        ],
      },
    })),
    ...extra,
  })

  app.get<{ Params: { id: string } }>(paths.checkSurveyAnswers.pattern, async (request, reply) => {
    const found = await surveys.providerSurvey(signedInActor(request), request.params.id)
    if (!found?.open || found.submitted) throw notFound()
    return reply.render('surveys/views/survey-check.njk', checkView(found))
  })

  app.post<{ Params: { id: string } }>(paths.checkSurveyAnswers.pattern, async (request, reply) => {
    const actor = signedInActor(request)
    const result = await surveys.submit(actor, request.params.id)
    if (!result) throw notFound()
    if (!result.ok) {
      const found = await surveys.providerSurvey(actor, request.params.id)
      if (!found) throw notFound()
      const errorList = Object.entries(result.errors).map(([key, message]) => ({
        text: message,
        href: `${paths.surveyQuestion.build(request.params.id, key.slice(1))}?change=1`,
      }))
      return reply.code(400).render('surveys/views/survey-check.njk', checkView(found, { errorList }))
    }
    return reply.redirect(paths.surveyDone.build(request.params.id))
  })

  app.get<{ Params: { id: string } }>(paths.surveyDone.pattern, async (request, reply) => {
    const found = await surveys.providerSurvey(signedInActor(request), request.params.id)
    if (!found?.submitted) throw notFound()
    return reply.render('surveys/views/survey-done.njk', { pageTitle: 'Answers sent', survey: found.survey })
  })

  app.get<{ Params: { id: string } }>(paths.surveyResults.pattern, async (request, reply) => {
    const found = await surveys.results(signedInActor(request), request.params.id)
    if (!found) throw notFound()
    const charts = found.results.map((r, i) =>
      r.kind === 'text'
        ? null
        : svgChart(r.points, {
            id: `question-${i + 1}`,
            title: r.question.label,
            description: `Number of providers giving each answer to: ${r.question.label}`,
            unit: 'providers',
          }),
    )
    return reply.render('surveys/views/survey-results.njk', {
      pageTitle: `Results: ${found.survey.title}`,
      ...found,
      charts,
      flash: request.query,
    })
  })

  async function exportOf(request: { params: { id: string } } & Parameters<typeof signedInActor>[0]) {
    const found = await surveys.exportRows(signedInActor(request), request.params.id)
    if (!found) throw notFound()
    return found
  }
  const attachment = (reply: FastifyReply, format: string) =>
    reply.header('content-disposition', `attachment; filename="survey-results.${format}"`)

  app.get<{ Params: { id: string } }>(paths.surveyResultsCsv.pattern, async (request, reply) => {
    const found = await exportOf(request)
    return attachment(reply, 'csv')
      .type('text/csv; charset=utf-8')
      .send(csvText([found.header, ...found.rows], { bom: true }))
  })

  app.get<{ Params: { id: string } }>(paths.surveyResultsXlsx.pattern, async (request, reply) => {
    const found = await exportOf(request)
    async function* batches() {
      yield found.rows
    }
    return attachment(reply, 'xlsx')
      .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
      .send(xlsxStream(found.header, batches(), (row) => row, 'Results'))
  })

  app.post<{ Params: { id: string } }>(paths.remindSurvey.pattern, async (request, reply) => {
    const queued = await surveys.remind(signedInActor(request), request.params.id)
    if (queued === null) throw notFound()
    return reply.redirect(`${paths.surveyResults.build(request.params.id)}?reminded=${queued}`)
  })
}
