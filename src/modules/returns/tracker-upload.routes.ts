import type { FastifyInstance } from 'fastify'
import { limitsInWords } from '../../domain/spreadsheet-reader.ts'
import { forbidden, notFound } from '../../web/errors.ts'
import { pageNumber, pagination } from '../../web/forms.ts'
import { requireSignIn, signedInActor } from '../../web/session.ts'
import { acceptUploads, receiveUpload } from '../../web/uploads.ts'
import { trackerShapeNames } from './domain/tracker-extract.ts'
import { returnsPaths as paths } from './returns.paths.ts'
import { trackerUploadLimits as limits, type TrackerUploadService } from './tracker-upload.service.ts'

const pageSize = 25
const uploadPage = 'returns/views/tracker-upload.njk'

// What became of a row, in words, for the preview and the import's page.
const outcomeWords = {
  matched: 'Matched',
  unchanged: 'Already imported, unchanged',
  unmatched: 'No location with this CQC ID',
  'other-council': 'Another council’s location: not imported',
  invalid: 'Not imported',
  'already-reported': 'The provider has reported this period: kept',
  'status-only': 'Tracker status only',
}

// A council officer uploads a capacity tracker extract, sees what it would do, then confirms (issue 19).
export async function trackerUploadRoutes(app: FastifyInstance, options: { tracker: TrackerUploadService }) {
  const { tracker } = options
  // Someone not signed in is sent away before any of the body is read; the file is read by the handler.
  app.addHook('onRequest', requireSignIn)
  await acceptUploads(app, { maxBytes: limits.maxBytes, fields: 5 })

  const uploadContext = (errors?: { file: string }) => ({
    pageTitle: 'Upload a capacity tracker extract',
    uploadHint: `CSV or XLSX, ${limitsInWords(limits)}`,
    shapeNames: Object.values(trackerShapeNames),
    errors,
    errorList: errors ? [{ text: errors.file, href: '#file' }] : undefined,
  })

  app.get(paths.trackerImports.pattern, async (request, reply) => {
    const actor = signedInActor(request)
    const page = pageNumber((request.query as Record<string, unknown>).page)
    const result = await tracker.listImports(actor, page, pageSize)
    if (!result) throw forbidden()
    return reply.render('returns/views/tracker-imports.njk', {
      pageTitle: 'Capacity tracker imports',
      imports: result.imports,
      pagination: pagination(paths.trackerImports.build(), {}, page, pageSize, result.total),
    })
  })

  app.get(paths.newTrackerImport.pattern, async (request, reply) => {
    if (!tracker.mayUpload(signedInActor(request))) throw forbidden()
    return reply.render(uploadPage, uploadContext())
  })

  app.post(paths.newTrackerImport.pattern, async (request, reply) => {
    const actor = signedInActor(request)
    if (!tracker.mayUpload(actor)) throw forbidden()
    const upload = await receiveUpload(request, limits.maxBytes)
    let problem: string | null = null
    if (!upload.ok)
      problem =
        upload.problem === 'too-large'
          ? `The file must be smaller than ${limits.maxBytes / 1024 / 1024} MB`
          : 'Select a capacity tracker extract (CSV or XLSX)'
    else if (!/\.(csv|xlsx)$/i.test(upload.fileName)) problem = 'The file must be a CSV or XLSX file'
    if (problem || !upload.ok) return reply.code(400).render(uploadPage, uploadContext({ file: problem! }))
    const outcome = await tracker.preview(actor, { fileName: upload.fileName, content: upload.content })
    if (!outcome) throw forbidden()
    if ('fileProblem' in outcome)
      return reply.code(400).render(uploadPage, uploadContext({ file: outcome.fileProblem }))
    return reply.redirect(paths.trackerImport.build(outcome.id))
  })

  app.get<{ Params: { id: string } }>(paths.trackerImport.pattern, async (request, reply) => {
    const found = await tracker.getImport(signedInActor(request), request.params.id)
    if (!found) throw notFound()
    const problemRows = found.rows.filter((r) => r.outcome !== 'matched' && r.outcome !== 'unchanged')
    return reply.render('returns/views/tracker-import.njk', {
      pageTitle: `Capacity tracker import of ${found.fileName}`,
      trackerImport: found,
      shapeName: trackerShapeNames[found.shape],
      matchedRows: found.rows.filter((r) => r.outcome === 'matched' || r.outcome === 'unchanged'),
      problemRows,
      outcomeWords,
    })
  })

  app.post<{ Params: { id: string } }>(paths.confirmTrackerImport.pattern, async (request, reply) => {
    if (!(await tracker.confirm(signedInActor(request), request.params.id))) throw notFound()
    return reply.redirect(paths.trackerImport.build(request.params.id))
  })
}
