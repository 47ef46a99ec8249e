import type { FastifyInstance } from 'fastify'
import { isIsoDate } from '../../domain/dates.ts'
import type { ServiceType } from '../../domain/service-types.ts'
import { notFound } from '../../web/errors.ts'
import { parseForm } from '../../web/form-schema.ts'
import { requireSignIn, signedInActor } from '../../web/session.ts'
import {
  carriedForward,
  countsSinceLastReturn,
  currentDataset,
  type DatasetSection,
  type FieldError,
  fieldsFor,
} from './domain/dataset.ts'
import { returnForm, returnFormMessages } from './returns.forms.ts'
import { returnsPaths as paths } from './returns.paths.ts'
import type { ReturnsService } from './returns.service.ts'

type Raw = Record<string, string | string[]>

// What the person typed for the location's service type, as strings, so the form and the
// check-your-answers page can carry it.
function rawValues(typed: Record<string, unknown>, serviceType: string): Raw {
  const raw: Raw = {}
  for (const field of fieldsFor(currentDataset, serviceType as ServiceType))
    raw[field.key] = typed[field.key] as string | string[]
  return raw
}

function fromStored(values: Record<string, unknown>): Raw {
  const raw: Raw = {}
  for (const [k, v] of Object.entries(values)) {
    if (v === null || v === undefined) raw[k] = ''
    else if (typeof v === 'boolean') raw[k] = v ? 'yes' : 'no'
    else if (typeof v === 'string' && k === 'helpRequested') raw[k] = v.split(',')
    else raw[k] = String(v)
  }
  return raw
}

function errorMap(errors: FieldError[]) {
  return Object.fromEntries(errors.map((e) => [e.field, e.message]))
}

// Answers as the check-your-answers page shows them: "Not reported" for blanks, never a silent zero.
function answerRows(sections: DatasetSection[], raw: Raw) {
  return sections.map((section) => ({
    title: section.title,
    rows: section.fields.map((field) => {
      const value = raw[field.key]
      let shown: string
      if (field.type === 'choice') {
        const chosen = (Array.isArray(value) ? value : []).map(
          (v) => field.choices?.find((c) => c.value === v)?.label ?? v,
        )
        shown = chosen.length ? chosen.join(', ') : 'None'
      } else if (value === '' || value === undefined) shown = 'Not reported'
      else if (field.type === 'yes-no') shown = value === 'yes' ? 'Yes' : 'No'
      else shown = `${value}${field.unit ? ` ${field.unit}` : ''}`
      return { key: field.key, label: field.label, value: shown }
    }),
  }))
}

const hiddenPairs = (raw: Raw) =>
  Object.entries(raw).flatMap(([k, v]) =>
    Array.isArray(v) ? v.map((x) => ({ name: k, value: x })) : [{ name: k, value: v }],
  )

export async function returnsRoutes(app: FastifyInstance, options: { returns: ReturnsService }) {
  const { returns } = options
  app.addHook('preHandler', requireSignIn)

  type Form = NonNullable<Awaited<ReturnType<ReturnsService['formFor']>>>
  // `amendsVersion`: the version of the return the person is changing, as the form first showed it
  // (0: none), carried through every step so that a version saved meanwhile is noticed.
  const formContext = (form: Form, raw: Raw, extra: Record<string, unknown> = {}) => ({
    pageTitle: `${form.existing ? 'Change the' : 'Report'} ${form.frequency} return for ${form.location.name}`,
    form,
    raw,
    amendsVersion: form.existing?.version ?? 0,
    action: paths.checkReturn.build(form.location.id),
    choiceItems: (field: DatasetSection['fields'][number], values: Raw) =>
      (field.choices ?? []).map((c, i) => ({
        value: c.value,
        text: c.label,
        id: i === 0 ? field.key : undefined,
        checked: (Array.isArray(values[field.key]) ? (values[field.key] as string[]) : []).includes(c.value),
      })),
    ...extra,
  })

  app.get<{ Params: { id: string }; Querystring: { period?: string } }>(
    paths.newReturn.pattern,
    async (request, reply) => {
      const form = await returns.formFor(
        signedInActor(request),
        request.params.id,
        isIsoDate(request.query.period ?? '') ? request.query.period : undefined,
      )
      if (!form) throw notFound()
      const raw = form.existing ? fromStored(form.existing.values) : {}
      // Figures the capacity tracker already gave are shown filled in, and marked, for the provider to check.
      const importedFields =
        form.existing?.source === 'import'
          ? Object.entries(form.existing.values)
              .filter(([, v]) => v !== null)
              .map(([k]) => k)
          : []
      return reply.render('returns/views/return-form.njk', formContext(form, raw, { importedFields }))
    },
  )

  // The form posts here: with errors it comes back; without, the answers are shown to check.
  app.post<{ Params: { id: string } }>(paths.checkReturn.pattern, async (request, reply) => {
    const actor = signedInActor(request)
    // (The schema takes the form's shape only, so it always parses: the figures are checked below.)
    const parsed = parseForm(returnForm, request.body, returnFormMessages)
    if (!parsed.ok) throw new Error('the return form’s schema refuses nothing')
    const { periodStart, action, amendsVersion, amendmentReason, ...typed } = parsed.value
    const form = await returns.formFor(actor, request.params.id, periodStart)
    if (!form) throw notFound()
    const raw = rawValues(typed, form.location.serviceType)
    const kept = amendsVersion === undefined ? {} : { amendsVersion }
    if (action === 'change')
      return reply.render('returns/views/return-form.njk', formContext(form, raw, kept))
    if (action === 'submit') {
      const result = await returns.submit(actor, form.location.id, raw, {
        periodStart: form.period.start,
        amendmentReason,
        amendsVersion,
      })
      if (!result.ok && 'conflict' in result) {
        // Someone else saved a version meanwhile: nothing was saved; show theirs beside these answers.
        const changed = await returns.formFor(actor, form.location.id, form.period.start)
        const latest = changed?.existing ? await returns.getReturn(actor, changed.existing.id) : null
        if (!changed || !latest) throw notFound()
        return reply.code(409).render('returns/views/return-changed.njk', {
          ...formContext(changed, raw),
          pageTitle: 'Someone else changed this return',
          latest: latest.ret,
          answers: answerRows(changed.sections, raw),
          hidden: hiddenPairs(raw),
        })
      }
      // (Not found; the web makes no claim, so is never `unclaimed`.)
      if (!result.ok && !('errors' in result)) throw notFound()
      if (!result.ok) {
        const errors = errorMap(result.errors)
        const onlyReason = result.errors.every((e) => e.field === 'amendmentReason' || e.field === 'period')
        return reply
          .code(400)
          .render(onlyReason ? 'returns/views/check-answers.njk' : 'returns/views/return-form.njk', {
            ...formContext(form, raw, kept),
            answers: answerRows(form.sections, raw),
            hidden: hiddenPairs(raw),
            errors,
            errorList: result.errors.map((e) => ({ text: e.message, href: `#${e.field}` })),
          })
      }
      return reply.redirect(paths.situationReturn.build(result.returnId, { submitted: true }))
    }
    // First pass: validate without saving, then show the answers.
    const check = await returns.validate(actor, form.location.id, raw, { periodStart: form.period.start })
    if (check.length) {
      return reply.code(400).render('returns/views/return-form.njk', {
        ...formContext(form, raw, kept),
        errors: errorMap(check),
        errorList: check.map((e) => ({ text: e.message, href: `#${e.field}` })),
      })
    }
    return reply.render('returns/views/check-answers.njk', {
      ...formContext(form, raw, kept),
      pageTitle: 'Check your answers before sending your return',
      answers: answerRows(form.sections, raw),
      hidden: hiddenPairs(raw),
    })
  })

  app.get<{ Params: { id: string } }>(paths.nothingChanged.pattern, async (request, reply) => {
    const form = await returns.formFor(signedInActor(request), request.params.id)
    if (!form) throw notFound()
    // Already sent for this period (another tab, the back button): show what was sent.
    if (form.existing) return reply.redirect(paths.situationReturn.build(form.existing.id))
    if (!form.previous) return reply.redirect(paths.newReturn.build(form.location.id))
    return reply.render('returns/views/nothing-changed.njk', nothingChangedPage(form))
  })

  app.post<{ Params: { id: string } }>(paths.nothingChanged.pattern, async (request, reply) => {
    // The period the page offered (the one before, while this one's return is not open yet).
    const offered = await returns.formFor(signedInActor(request), request.params.id)
    if (!offered) throw notFound()
    const result = await returns.submit(
      signedInActor(request),
      request.params.id,
      {},
      { nothingChanged: true, periodStart: offered.period.start },
    )
    // (Not found; the web makes no claim, so is never `unclaimed`.)
    if (!result.ok && !('errors' in result)) throw notFound()
    if (!result.ok) {
      const form = (await returns.formFor(signedInActor(request), request.params.id))!
      // Sent already (a second tab, a double tap): show the return that was sent, not an error.
      if (form.existing) return reply.redirect(paths.situationReturn.build(form.existing.id))
      return reply.code(400).render('returns/views/nothing-changed.njk', {
        ...nothingChangedPage(form),
        errors: Object.fromEntries(result.errors.map((e) => [e.field, e.message])),
        errorList: result.errors.map((e) => ({ text: e.message, href: '#send' })),
      })
    }
    return reply.redirect(paths.situationReturn.build(result.returnId, { submitted: true }))
  })

  app.get<{ Params: { id: string } }>(paths.locationReturns.pattern, async (request, reply) => {
    const found = await returns.history(signedInActor(request), request.params.id)
    if (!found) throw notFound()
    return reply.render('returns/views/history.njk', {
      pageTitle: `Returns from ${found.location.name}`,
      ...found,
    })
  })

  app.get<{ Params: { id: string } }>(paths.situationReturn.pattern, async (request, reply) => {
    const actor = signedInActor(request)
    const found = await returns.getReturn(actor, request.params.id)
    if (!found) throw notFound()
    const raw = fromStored(found.ret.values)
    const submitted = Boolean((request.query as Record<string, unknown>).submitted)
    return reply.render('returns/views/return.njk', {
      pageTitle: `Return for ${found.location.name}`,
      ...found,
      answers: answerRows(found.sections, raw),
      submitted,
      // Just sent by a provider manager: their other locations still to report for today (null: none of theirs).
      stillDue: submitted ? await stillDueElsewhere(returns, actor, found.location.id) : null,
    })
  })

  app.get<{ Params: { id: string } }>(paths.amendReturn.pattern, async (request, reply) => {
    const actor = signedInActor(request)
    const found = await returns.getReturn(actor, request.params.id)
    if (!found?.ret.isCurrent) throw notFound()
    const form = await returns.formFor(actor, found.location.id, found.ret.periodStart)
    if (!form) throw notFound()
    return reply.render('returns/views/return-form.njk', formContext(form, fromStored(found.ret.values)))
  })
}

// "Nothing changed": the figures that will be sent (the last return's, with the counts of what happened
// since it set to 0) and which counts those are, so the page can say so.
function nothingChangedPage(form: NonNullable<Awaited<ReturnType<ReturnsService['formFor']>>>) {
  return {
    pageTitle: `Nothing has changed at ${form.location.name}`,
    form,
    answers: form.previous
      ? answerRows(form.sections, fromStored(carriedForward(currentDataset, form.previous.values)))
      : [],
    sentAsZero: countsSinceLastReturn(currentDataset, form.location.serviceType as ServiceType).map(
      (f) => f.label,
    ),
  }
}

// A provider manager's other locations whose return for the current period is still to send (due, or
// overdue), for the page after sending one; null for anyone with no locations of their own.
async function stillDueElsewhere(
  returns: ReturnsService,
  actor: Parameters<ReturnsService['todaysReturns']>[0],
  sentFor: string,
) {
  const own = await returns.todaysReturns(actor)
  if (own.length === 0) return null
  return own.filter((l) => l.id !== sentFor && (l.state === 'due' || l.state === 'missing'))
}
