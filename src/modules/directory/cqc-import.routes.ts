import multipart from '@fastify/multipart'
import type { FastifyInstance } from 'fastify'
import { can } from '../../domain/policy.ts'
import { forbidden, notFound } from '../../web/errors.ts'
import { errorSummary, pageNumber, pagination, text } from '../../web/forms.ts'
import { paths } from '../../web/paths.ts'
import { requireSignIn, signedInActor } from '../../web/session.ts'
import type { CqcImportService } from './cqc-import.service.ts'

const maxFileBytes = 100 * 1024 * 1024
const pageSize = 25

export async function cqcImportRoutes(app: FastifyInstance, options: { imports: CqcImportService }) {
  const { imports } = options
  // The whole form, file included, is read before the CSRF check, which finds the token among the fields.
  await app.register(multipart, {
    attachFieldsToBody: true,
    limits: { fileSize: maxFileBytes, files: 1, fields: 10 },
    onFile: async (part) => {
      ;(part as unknown as { value: Buffer }).value = await part.toBuffer()
    },
  })
  app.addHook('preHandler', requireSignIn)

  app.get('/imports', async (request, reply) => {
    const actor = signedInActor(request)
    const page = pageNumber((request.query as Record<string, unknown>).page)
    const result = await imports.listImports(actor, page, pageSize)
    if (!result) throw forbidden()
    return reply.render('directory/views/imports.njk', {
      pageTitle: 'CQC imports',
      imports: result.imports,
      pagination: pagination(paths.imports(), {}, page, pageSize, result.total),
    })
  })

  async function uploadForm(
    actor: ReturnType<typeof signedInActor>,
    values: Record<string, string>,
    errors?: Record<string, string>,
  ) {
    const councils = await imports.councilNamesFor(actor)
    const choices = imports.areaChoices(actor, councils)
    const areaItems = [
      ...choices.own.map((name) => ({
        value: name,
        text: `Only locations in ${name}`,
        checked: values.area === name || (!values.area && name === choices.own[0]),
      })),
      ...(choices.all
        ? [
            {
              value: '*',
              text: 'Every location in the file',
              checked: values.area === '*' || (!values.area && choices.own.length === 0),
            },
          ]
        : []),
    ]
    return {
      pageTitle: 'Import a CQC file',
      areaItems,
      values,
      errors,
      errorList: errors ? errorSummary(errors, ['file', 'area']) : undefined,
    }
  }

  app.get('/imports/new', async (request, reply) => {
    const actor = signedInActor(request)
    if (!can(actor, 'locations:import')) throw forbidden()
    return reply.render('directory/views/import-upload.njk', await uploadForm(actor, {}))
  })

  app.post('/imports/new', async (request, reply) => {
    const actor = signedInActor(request)
    if (!can(actor, 'locations:import')) throw forbidden()
    const body = (request.body ?? {}) as Record<string, { value?: unknown; filename?: string } | undefined>
    const upload = body.file
    const content = upload?.value
    const fileName = upload?.filename ?? ''
    const values = { area: text(body.area?.value), closeMissing: text(body.closeMissing?.value) }
    const errors: Record<string, string> = {}
    if (!Buffer.isBuffer(content) || content.length === 0 || !fileName)
      errors.file = 'Select a CQC file (CSV, XLSX or JSON lines)'
    else if (!/\.(csv|xlsx|jsonl|json)$/i.test(fileName))
      errors.file = 'The file must be a CSV, XLSX or JSON lines (.jsonl) file'
    if (!values.area) errors.area = 'Select which locations to import'
    if (Object.keys(errors).length)
      return reply
        .code(400)
        .render('directory/views/import-upload.njk', await uploadForm(actor, values, errors))
    const preview = await imports.preview(actor, {
      fileName,
      content: content as Buffer,
      areaName: values.area === '*' ? null : values.area,
      closeMissing: values.closeMissing === 'yes',
    })
    if (!preview) throw forbidden()
    return reply.redirect(paths.cqcImport(preview.id))
  })

  app.get<{ Params: { id: string } }>('/imports/:id', async (request, reply) => {
    const found = await imports.getImport(signedInActor(request), request.params.id)
    if (!found) throw notFound()
    const percent =
      found.progress && found.progress.total > 0
        ? Math.floor((100 * found.progress.done) / found.progress.total)
        : 0
    return reply.render('directory/views/import.njk', {
      pageTitle: `Import of ${found.fileName}`,
      cqcImport: found,
      percent,
    })
  })

  app.post<{ Params: { id: string } }>('/imports/:id/confirm', async (request, reply) => {
    if (!(await imports.confirm(signedInActor(request), request.params.id, request.log))) throw notFound()
    return reply.redirect(paths.cqcImport(request.params.id))
  })

  app.post<{ Params: { id: string } }>('/imports/:id/run-again', async (request, reply) => {
    const again = await imports.runAgain(signedInActor(request), request.params.id)
    if (!again) throw notFound()
    return reply.redirect(paths.cqcImport(again.id))
  })

  app.get<{ Params: { id: string } }>('/imports/:id/problems.csv', async (request, reply) => {
    const found = await imports.problemsCsv(signedInActor(request), request.params.id)
    if (!found) throw notFound()
    const name = `problems-${found.fileName.replace(/[^\w.-]+/g, '_').replace(/\.\w+$/, '')}.csv`
    return reply
      .header('content-type', 'text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="${name}"`)
      .send(found.problemsCsv)
  })
}
