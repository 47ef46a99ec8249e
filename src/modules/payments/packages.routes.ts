import type { FastifyInstance } from 'fastify'
import { can } from '../../domain/policy.ts'
import { serviceTypeNames } from '../../domain/service-types.ts'
import { forbidden, notFound } from '../../web/errors.ts'
import { errorSummary, pageNumber, pagination } from '../../web/forms.ts'
import { requireSignIn, signedInActor } from '../../web/session.ts'
import { acceptUploads, receiveUpload } from '../../web/uploads.ts'
import { hoursText, percentText, pounds } from './domain/money.ts'
import { packageFields } from './domain/package-rows.ts'
import { funderNames } from './domain/schemes.ts'
import type { PackageService } from './packages.service.ts'
import { paymentsPaths as paths } from './payments.paths.ts'
import { importKindFrom, packageFormFrom } from './payments.schemas.ts'
import { paymentUploadLimits } from './read-sheet.ts'
import type { RunService } from './runs.service.ts'

const pageSize = 50
const money = { pounds, hoursText, percentText }

// The payments' overview and commissioned packages (the list and the form).
export async function packageRoutes(
  app: FastifyInstance,
  deps: { packages: PackageService; runs: RunService },
) {
  const { packages, runs } = deps
  app.addHook('preHandler', requireSignIn)

  app.get(paths.payments.pattern, async (request, reply) => {
    const actor = signedInActor(request)
    const list = await runs.list(actor)
    if (!list) throw forbidden()
    return reply.render('payments/views/payments.njk', {
      pageTitle: 'Payments to providers',
      runs: list,
      mayPrepare: can(actor, 'payments:prepare'),
      ...money,
    })
  })

  app.get(paths.packages.pattern, async (request, reply) => {
    const actor = signedInActor(request)
    const page = pageNumber((request.query as Record<string, unknown>).page)
    const found = await packages.list(actor, page, pageSize)
    if (!found) throw forbidden()
    return reply.render('payments/views/packages.njk', {
      pageTitle: 'Commissioned packages and beds',
      packages: found.rows,
      pagination: pagination(paths.packages.build(), {}, page, pageSize, found.total),
      mayPrepare: can(actor, 'payments:prepare'),
      serviceTypeNames,
      funderNames,
      ...money,
    })
  })

  const fieldOrder = Object.keys(packageFields)
  const packageForm = (values: Record<string, string>, errors?: Record<string, string>) => ({
    pageTitle: 'Add a commissioned package',
    values,
    errors,
    errorList: errors ? errorSummary(errors, fieldOrder) : undefined,
    fields: packageFields,
  })

  app.get(paths.newPackage.pattern, async (request, reply) => {
    if (!can(signedInActor(request), 'payments:prepare')) throw forbidden()
    return reply.render('payments/views/package-form.njk', packageForm({ funder: 'council' }))
  })

  // Check your answers first; then saved ("save"), or back to the form ("change").
  app.post(paths.newPackage.pattern, async (request, reply) => {
    const actor = signedInActor(request)
    if (!can(actor, 'payments:prepare')) throw forbidden()
    const form = packageFormFrom(request.body)
    if (!form.ok)
      return reply.code(400).render('payments/views/package-form.njk', packageForm({}, form.errors))
    const { action, ...input } = form.value
    if (action === 'change') return reply.render('payments/views/package-form.njk', packageForm(form.value))
    const checked = await packages.add(actor, input, action === 'save')
    if (!checked) throw forbidden()
    if (!checked.ok)
      return reply
        .code(400)
        .render('payments/views/package-form.njk', packageForm(form.value, checked.errors))
    if (action === 'save') return reply.redirect(paths.packages.build())
    return reply.render('payments/views/package-check.njk', {
      pageTitle: 'Check the package before saving it',
      values: form.value,
      checked: checked.value,
      fields: packageFields,
      funderNames,
      ...money,
    })
  })
}

// Uploads of packages and delivered hours: the file, then the preview with every problem, then the save.
export async function importRoutes(app: FastifyInstance, deps: { packages: PackageService }) {
  const { packages } = deps
  app.addHook('onRequest', requireSignIn)
  await acceptUploads(app, { maxBytes: paymentUploadLimits.maxBytes, fields: 5 })

  const uploadPage = (kind: string, errors?: Record<string, string>) => ({
    pageTitle: 'Upload packages or delivered hours',
    kind,
    columns:
      kind === 'delivered_hours'
        ? ['Reference', 'Week starting', 'Hours delivered']
        : kind === 'void_beds'
          ? ['Reference', 'Void beds', 'From', 'To']
          : Object.values(packageFields),
    errors,
    errorList: errors ? errorSummary(errors, ['kind', 'file']) : undefined,
  })

  app.get(paths.newPaymentImport.pattern, async (request, reply) => {
    if (!can(signedInActor(request), 'payments:prepare')) throw forbidden()
    const asked = (request.query as Record<string, string>).kind
    const kind = asked === 'delivered_hours' || asked === 'void_beds' ? asked : 'packages'
    return reply.render('payments/views/import-upload.njk', uploadPage(kind))
  })

  app.post(paths.newPaymentImport.pattern, async (request, reply) => {
    const actor = signedInActor(request)
    if (!can(actor, 'payments:prepare')) throw forbidden()
    const upload = await receiveUpload(request, paymentUploadLimits.maxBytes)
    const kind = importKindFrom(upload.fields)
    const errors: Record<string, string> = kind.ok ? {} : { ...kind.errors }
    if (!upload.ok)
      errors.file =
        upload.problem === 'too-large'
          ? 'The file must be smaller than 10 MB'
          : 'Select a CSV or Excel (.xlsx) file'
    if (!upload.ok || !kind.ok)
      return reply
        .code(400)
        .render('payments/views/import-upload.njk', uploadPage(upload.fields.kind ?? '', errors))
    const preview = await packages.preview(actor, kind.value.kind, upload)
    if (!preview) throw forbidden()
    if (!preview.ok)
      return reply
        .code(400)
        .render('payments/views/import-upload.njk', uploadPage(kind.value.kind, preview.errors))
    return reply.redirect(paths.paymentImport.build(preview.value.id))
  })

  app.get<{ Params: { id: string } }>(paths.paymentImport.pattern, async (request, reply) => {
    const found = await packages.getImport(signedInActor(request), request.params.id)
    if (!found) throw notFound()
    return reply.render('payments/views/import-preview.njk', {
      pageTitle: `Upload of ${found.fileName}`,
      upload: found,
      sample: found.values.slice(0, 20),
      ...money,
    })
  })

  app.post<{ Params: { id: string } }>(paths.confirmPaymentImport.pattern, async (request, reply) => {
    const actor = signedInActor(request)
    const done = await packages.confirm(actor, request.params.id)
    if (!done) throw notFound()
    if (!done.ok) {
      const found = await packages.getImport(actor, request.params.id)
      return reply.code(400).render('payments/views/import-preview.njk', {
        pageTitle: `Upload of ${found!.fileName}`,
        upload: found,
        sample: found!.values.slice(0, 20),
        errors: done.errors,
        errorList: errorSummary(done.errors),
        ...money,
      })
    }
    return reply.redirect(paths.paymentImport.build(request.params.id))
  })
}
