import type { FastifyInstance, FastifyReply } from 'fastify'
import type { Actor } from '../../../domain/policy.ts'
import { limitsInWords } from '../../../domain/spreadsheet-reader.ts'
import { forbidden } from '../../../web/errors.ts'
import { requireSignIn, signedInActor } from '../../../web/session.ts'
import { acceptUploads, receiveUpload } from '../../../web/uploads.ts'
import { currentDataset } from '../domain/dataset.ts'
import { returnsPaths as paths } from '../returns.paths.ts'
import type { ReturnsUploadService } from './returns-upload.service.ts'
import { columnGuide, templateCsv, templateXlsx } from './template.ts'
import { returnsUploadLimits } from './upload-file.ts'

const limits = returnsUploadLimits
const summaryLength = 10
const page = 'returns/upload/views/upload.njk'

export async function returnsUploadRoutes(app: FastifyInstance, options: { upload: ReturnsUploadService }) {
  const { upload } = options
  // Someone not signed in is sent away before any of the body is read; the file is read by the handler.
  app.addHook('onRequest', requireSignIn)
  await acceptUploads(app, { maxBytes: limits.maxBytes, fields: 5 })

  const guide = columnGuide(currentDataset)
  const pageContext = async (actor: Actor, extra: Record<string, unknown> = {}) => {
    const locations = await upload.templateLocations(actor)
    if (!locations) throw forbidden()
    return {
      pageTitle: 'Upload returns for several locations',
      locationCount: locations.length,
      isProvider: actor.role === 'provider_manager',
      guide,
      uploadHint: `CSV or XLSX, ${limitsInWords(limits)}`,
      ...extra,
    }
  }

  app.get(paths.returnsUpload.pattern, async (request, reply) => {
    return reply.render(page, await pageContext(signedInActor(request)))
  })

  for (const format of ['csv', 'xlsx'] as const) {
    app.get(paths.returnsUploadTemplate[format].pattern, async (request, reply) => {
      const locations = await upload.templateLocations(signedInActor(request))
      if (!locations) throw forbidden()
      if (format === 'csv')
        return reply
          .header('content-type', 'text/csv; charset=utf-8')
          .header('content-disposition', 'attachment; filename="situation-returns.csv"')
          .send(templateCsv(currentDataset, locations))
      return reply
        .header('content-type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
        .header('content-disposition', 'attachment; filename="situation-returns.xlsx"')
        .send(await templateXlsx(currentDataset, locations))
    })
  }

  // Checks every row and saves all of them, or none and shows every problem by row and column.
  app.post(paths.returnsUpload.pattern, async (request, reply) => {
    const actor = signedInActor(request)
    if (!(await upload.mayUpload(actor))) throw forbidden()
    const received = await receiveUpload(request, limits.maxBytes)
    if (!received.ok)
      return fileError(
        reply,
        actor,
        received.problem === 'too-large'
          ? `The file must be smaller than ${limits.maxBytes / 1024 / 1024} MB`
          : 'Select a spreadsheet of returns (CSV or XLSX)',
      )
    const { fileName, content } = received
    const outcome = await upload.upload(actor, fileName, content)
    if ('fileProblem' in outcome) return fileError(reply, actor, outcome.fileProblem)
    if (!outcome.ok) {
      const rowCount = new Set(outcome.problems.map((p) => p.row)).size
      const summary = outcome.problems.slice(0, summaryLength).map((p, i) => ({
        text: `Row ${p.row}${p.column ? `, ${p.column}` : ''}: ${p.message}`,
        href: `#problem-${i + 1}`,
      }))
      if (outcome.problems.length > summaryLength)
        summary.push({
          text: `And ${outcome.problems.length - summaryLength} more: see the list of problems`,
          href: '#problems',
        })
      return reply.code(400).render(
        page,
        await pageContext(actor, {
          errors: { file: 'Fix the problems in your spreadsheet, then upload it again' },
          errorList: summary,
          problems: outcome.problems.map((p, i) => ({ ...p, id: `problem-${i + 1}` })),
          problemCount: outcome.problems.length,
          problemRowCount: rowCount,
          fileName,
        }),
      )
    }
    return reply.render('returns/upload/views/uploaded.njk', {
      pageTitle: `${outcome.saved.toLocaleString('en-GB')} ${outcome.saved === 1 ? 'return' : 'returns'} saved`,
      saved: outcome.saved,
      leftOut: outcome.leftOut.length,
      leftOutRows: rowRanges(outcome.leftOut),
      fileName,
    })
  })

  async function fileError(reply: FastifyReply, actor: Actor, message: string) {
    return reply.code(400).render(
      page,
      await pageContext(actor, {
        errors: { file: message },
        errorList: [{ text: message, href: '#file' }],
      }),
    )
  }
}

// Row numbers as a person reads them: "2 to 5, 7, 9 to 504".
function rowRanges(rows: number[]): string {
  const ranges: [number, number][] = []
  for (const row of [...rows].sort((a, b) => a - b)) {
    const last = ranges.at(-1)
    if (last && row === last[1] + 1) last[1] = row
    else ranges.push([row, row])
  }
  return ranges
    .map(([a, b]) => (a === b ? String(a) : b === a + 1 ? `${a}, ${b}` : `${a} to ${b}`))
    .join(', ')
}
