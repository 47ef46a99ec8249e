import type { FastifyInstance } from 'fastify'
import { can } from '../../domain/policy.ts'
import { FileRefused, limitsInWords } from '../../domain/spreadsheet-reader.ts'
import { forbidden, notFound } from '../../web/errors.ts'
import { parseForm } from '../../web/form-schema.ts'
import { errorSummary, pageNumber, pagination } from '../../web/forms.ts'
import { requireSignIn, signedInActor } from '../../web/session.ts'
import { acceptUploads, receiveUpload } from '../../web/uploads.ts'
import { importUploadForm, importUploadMessages } from './cqc-import.schemas.ts'
import type { CqcImportService } from './cqc-import.service.ts'
import { directoryPaths } from './directory.paths.ts'
import { postedText } from './directory.schemas.ts'
import type { CqcFileFormat } from './domain/cqc-import/cqc-location.ts'
import { cqcImportLimits } from './domain/cqc-import/file-limits.ts'
import { formatFacts } from './domain/cqc-import/plan.ts'

const limits = cqcImportLimits
const pageSize = 25

export async function cqcImportRoutes(app: FastifyInstance, options: { imports: CqcImportService }) {
  const { imports } = options
  // Someone not signed in is sent away before any of the body is read; the file is read by the handler.
  app.addHook('onRequest', requireSignIn)
  await acceptUploads(app, { maxBytes: limits.maxBytes, fields: 10 })

  app.get(directoryPaths.imports.pattern, async (request, reply) => {
    const actor = signedInActor(request)
    const page = pageNumber((request.query as Record<string, unknown>).page)
    const result = await imports.listImports(actor, page, pageSize)
    if (!result) throw forbidden()
    return reply.render('directory/views/imports.njk', {
      pageTitle: 'CQC imports',
      imports: result.imports,
      pagination: pagination(directoryPaths.imports.build(), {}, page, pageSize, result.total),
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
      uploadHint: `CSV, XLSX or JSON lines, ${limitsInWords(limits)}`,
      areaItems,
      values,
      errors,
      errorList: errors ? errorSummary(errors, ['file', 'area']) : undefined,
    }
  }

  app.get(directoryPaths.newImport.pattern, async (request, reply) => {
    const actor = signedInActor(request)
    if (!can(actor, 'locations:import')) throw forbidden()
    return reply.render('directory/views/import-upload.njk', await uploadForm(actor, {}))
  })

  app.post(directoryPaths.newImport.pattern, async (request, reply) => {
    const actor = signedInActor(request)
    if (!can(actor, 'locations:import')) throw forbidden()
    const upload = await receiveUpload(request, limits.maxBytes)
    const form = parseForm(importUploadForm, upload.fields, importUploadMessages)
    const values = {
      area: postedText(upload.fields.area),
      closeMissing: postedText(upload.fields.closeMissing),
    }
    const errors: Record<string, string> = {}
    const tooLarge = !upload.ok && upload.problem === 'too-large'
    if (tooLarge) errors.file = `The file must be smaller than ${limits.maxBytes / 1024 / 1024} MB`
    else if (!upload.ok) errors.file = 'Select a CQC file (CSV, XLSX or JSON lines)'
    else if (!/\.(csv|xlsx|jsonl|json)$/i.test(upload.fileName))
      errors.file = 'The file must be a CSV, XLSX or JSON lines (.jsonl) file'
    // (The questions after a file that is too large are not read.)
    if (!form.ok && !tooLarge) Object.assign(errors, form.errors)
    if (!upload.ok || !form.ok || Object.keys(errors).length)
      return reply
        .code(400)
        .render('directory/views/import-upload.njk', await uploadForm(actor, values, errors))
    let preview: Awaited<ReturnType<typeof imports.preview>>
    try {
      preview = await imports.preview(actor, {
        fileName: upload.fileName,
        content: upload.content,
        areaName: form.value.area,
        closeMissing: form.value.closeMissing,
      })
    } catch (error) {
      // A file past the limits is refused on the form, and nothing of it is kept.
      if (!(error instanceof FileRefused)) throw error
      return reply
        .code(400)
        .render('directory/views/import-upload.njk', await uploadForm(actor, values, { file: error.message }))
    }
    if (!preview) throw forbidden()
    return reply.redirect(directoryPaths.cqcImport.build(preview.id))
  })

  app.get<{ Params: { id: string } }>(directoryPaths.cqcImport.pattern, async (request, reply) => {
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
      // Which of a location's facts this format sets, and which it leaves as they are (issue 17, item 2).
      facts: isCqcFileFormat(found.format) ? formatFacts(found.format) : null,
    })
  })

  app.post<{ Params: { id: string } }>(directoryPaths.confirmImport.pattern, async (request, reply) => {
    if (!(await imports.confirm(signedInActor(request), request.params.id, request.log))) throw notFound()
    return reply.redirect(directoryPaths.cqcImport.build(request.params.id))
  })

  app.post<{ Params: { id: string } }>(directoryPaths.runImportAgain.pattern, async (request, reply) => {
    const again = await imports.runAgain(signedInActor(request), request.params.id)
    if (!again) throw notFound()
    return reply.redirect(directoryPaths.cqcImport.build(again.id))
  })

  app.get<{ Params: { id: string } }>(directoryPaths.importProblems.pattern, async (request, reply) => {
    const found = await imports.problemsCsv(signedInActor(request), request.params.id)
    if (!found) throw notFound()
    const name = `problems-${found.fileName.replace(/[^\w.-]+/g, '_').replace(/\.\w+$/, '')}.csv`
    return reply
      .header('content-type', 'text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="${name}"`)
      .send(found.problemsCsv)
  })
}

const formats: readonly string[] = [
  'care-directory',
  'care-directory-with-filters',
  'cqc-api-jsonl',
] satisfies CqcFileFormat[]
const isCqcFileFormat = (format: string | null): format is CqcFileFormat =>
  format !== null && formats.includes(format)
