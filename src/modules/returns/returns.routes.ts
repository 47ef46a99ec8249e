import type { FastifyInstance } from 'fastify'
import {
  currentDataset,
  type DatasetSection,
  type FieldError,
  fieldsFor,
} from '../../domain/returns/dataset.ts'
import type { ServiceType } from '../../domain/service-types.ts'
import { notFound } from '../../web/errors.ts'
import { text } from '../../web/forms.ts'
import { paths } from '../../web/paths.ts'
import { requireSignIn, signedInActor } from '../../web/session.ts'
import type { ReturnsService } from './returns.service.ts'

type Raw = Record<string, string | string[]>

// What the person typed, as strings, so the form and the check-your-answers page can carry it.
function rawValues(body: Record<string, unknown>, serviceType: string): Raw {
  const raw: Raw = {}
  for (const field of fieldsFor(currentDataset, serviceType as ServiceType)) {
    const value = body[field.key]
    if (field.type === 'choice')
      raw[field.key] = Array.isArray(value) ? value.map(String) : value ? [String(value)] : []
    else raw[field.key] = text(value)
  }
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
    action: paths.checkReturn(form.location.id),
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
    '/locations/:id/returns/new',
    async (request, reply) => {
      const form = await returns.formFor(
        signedInActor(request),
        request.params.id,
        periodParam(request.query.period),
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
  app.post<{ Params: { id: string } }>('/locations/:id/returns/check', async (request, reply) => {
    const actor = signedInActor(request)
    const body = request.body as Record<string, unknown>
    const periodStart = periodParam(text(body.periodStart))
    const form = await returns.formFor(actor, request.params.id, periodStart)
    if (!form) throw notFound()
    const raw = rawValues(body, form.location.serviceType)
    const action = text(body.action)
    const amendsVersion = /^\d{1,9}$/.test(text(body.amendsVersion)) ? Number(body.amendsVersion) : undefined
    const kept = amendsVersion === undefined ? {} : { amendsVersion }
    if (action === 'change')
      return reply.render('returns/views/return-form.njk', formContext(form, raw, kept))
    if (action === 'submit') {
      const result = await returns.submit(actor, form.location.id, raw, {
        periodStart: form.period.start,
        amendmentReason: text(body.amendmentReason),
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
      return reply.redirect(`${paths.situationReturn(result.returnId)}?submitted=1`)
    }
    // First pass: validate without saving, then show the answers.
    const check = await returns.validate(actor, form.location.id, raw)
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

  app.get<{ Params: { id: string } }>('/locations/:id/returns/nothing-changed', async (request, reply) => {
    const form = await returns.formFor(signedInActor(request), request.params.id)
    if (!form) throw notFound()
    // Already sent for this period (another tab, the back button): show what was sent.
    if (form.existing) return reply.redirect(paths.situationReturn(form.existing.id))
    if (!form.previous) return reply.redirect(paths.newReturn(form.location.id))
    const raw = fromStored(form.previous.values)
    return reply.render('returns/views/nothing-changed.njk', {
      pageTitle: `Nothing has changed at ${form.location.name}`,
      form,
      answers: answerRows(form.sections, raw),
    })
  })

  app.post<{ Params: { id: string } }>('/locations/:id/returns/nothing-changed', async (request, reply) => {
    const result = await returns.submit(
      signedInActor(request),
      request.params.id,
      {},
      { nothingChanged: true },
    )
    // (Not found; the web makes no claim, so is never `unclaimed`.)
    if (!result.ok && !('errors' in result)) throw notFound()
    if (!result.ok) {
      const form = (await returns.formFor(signedInActor(request), request.params.id))!
      // Sent already (a second tab, a double tap): show the return that was sent, not an error.
      if (form.existing) return reply.redirect(paths.situationReturn(form.existing.id))
      return reply.code(400).render('returns/views/nothing-changed.njk', {
        pageTitle: `Nothing has changed at ${form.location.name}`,
        form,
        answers: form.previous ? answerRows(form.sections, fromStored(form.previous.values)) : [],
        errors: Object.fromEntries(result.errors.map((e) => [e.field, e.message])),
        errorList: result.errors.map((e) => ({ text: e.message, href: '#send' })),
      })
    }
    return reply.redirect(`${paths.situationReturn(result.returnId)}?submitted=1`)
  })

  app.get<{ Params: { id: string } }>('/locations/:id/returns', async (request, reply) => {
    const found = await returns.history(signedInActor(request), request.params.id)
    if (!found) throw notFound()
    return reply.render('returns/views/history.njk', {
      pageTitle: `Returns from ${found.location.name}`,
      ...found,
    })
  })

  app.get<{ Params: { id: string } }>('/returns/:id', async (request, reply) => {
    const found = await returns.getReturn(signedInActor(request), request.params.id)
    if (!found) throw notFound()
    const raw = fromStored(found.ret.values)
    return reply.render('returns/views/return.njk', {
      pageTitle: `Return for ${found.location.name}`,
      ...found,
      answers: answerRows(found.sections, raw),
      submitted: Boolean((request.query as Record<string, unknown>).submitted),
    })
  })

  app.get<{ Params: { id: string } }>('/returns/:id/amend', async (request, reply) => {
    const actor = signedInActor(request)
    const found = await returns.getReturn(actor, request.params.id)
    if (!found?.ret.isCurrent) throw notFound()
    const form = await returns.formFor(actor, found.location.id, found.ret.periodStart)
    if (!form) throw notFound()
    return reply.render('returns/views/return-form.njk', formContext(form, fromStored(found.ret.values)))
  })
}

function periodParam(value: string | undefined): string | undefined {
  return value && /^\d{4}-\d{2}-\d{2}$/.test(value) ? value : undefined
}
