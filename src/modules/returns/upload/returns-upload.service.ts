import type { Db } from '../../../db/database.ts'
import { locationVisible } from '../../../db/scope.ts'
import type { Clock } from '../../../domain/clock.ts'
import { isUuid } from '../../../domain/outcome.ts'
import { type Actor, locationScope } from '../../../domain/policy.ts'
import { type ServiceType, serviceTypeNames } from '../../../domain/service-types.ts'
import { columnLetter } from '../../../domain/spreadsheet-reader.ts'
import { isOpenNow } from '../../directory/index.ts'
import { currentDataset, fieldsFor, templateColumns } from '../domain/dataset.ts'
import { type Frequency, periodContaining, periodStarting } from '../domain/periods.ts'
import { writtenDate } from '../domain/written-dates.ts'
import type { ReturnsService, SubmitOptions } from '../returns.service.ts'
import { fixedColumns, optionalColumns, type TemplateLocation } from './template.ts'
import type { UploadTable } from './upload-file.ts'
import { readUploadOffThread } from './upload-file.worker.ts'

// Bulk upload of situation returns: one spreadsheet row per location and period. Every row is checked
// by the returns service (scope, period, window, amendment reason, the figures) in one submitMany call,
// which saves all of them or none.

export type UploadProblem = {
  row: number
  column: string | null
  columnLetter: string | null
  message: string
  value: string | null
}

export type UploadOutcome =
  | { ok: true; saved: number; leftOut: number[] }
  | { ok: false; problems: UploadProblem[]; rows: number }
  | { ok: false; fileProblem: string }

const notYours = 'Location not found, or not one of yours'

export function createReturnsUploadService(deps: { db: Db; clock: Clock; returns: ReturnsService }) {
  const { db, clock, returns } = deps

  // Whether the actor may report returns at all: the returns service decides, asked about a location
  // the actor sees. (Someone who sees no location has nothing to upload for either way.)
  async function mayUpload(actor: Actor): Promise<boolean> {
    const first = await db
      .selectFrom('locations')
      .select('id')
      .where(locationVisible(locationScope(actor)))
      .limit(1)
      .executeTakeFirst()
    return !first || (await returns.formFor(actor, first.id)) !== null
  }

  // Open locations the actor may report for, for the template. Whether the actor may report at all is
  // the returns service's decision: it is asked about the first of them.
  async function templateLocations(actor: Actor): Promise<TemplateLocation[] | null> {
    const locations = await db
      .selectFrom('locations')
      .select(['id', 'cqcLocationId', 'name', 'serviceType'])
      .where(locationVisible(locationScope(actor)))
      .where(isOpenNow)
      .orderBy('name')
      .orderBy('id')
      .execute()
    if (locations.length > 0 && !(await returns.formFor(actor, locations[0]!.id))) return null
    return locations
  }

  async function upload(actor: Actor, fileName: string, content: Buffer): Promise<UploadOutcome> {
    // The file is read in a worker thread, within the limits the page states (upload-file.ts).
    const read = await readUploadOffThread(fileName, content)
    if (!read.ok) return fileProblem(read.message)
    const table = read.table
    const header = readHeader(table)
    if (header.problems.length) return { ok: false, problems: header.problems, rows: 0 }
    const { columns } = header
    const cell = (cells: string[], key: string) => {
      const index = columns.get(key)
      return index === undefined ? '' : (cells[index] ?? '').trim()
    }
    const letterOf = (key: string) => {
      const index = columns.get(key)
      return index === undefined ? null : columnLetter(index)
    }
    const datasetKeys = templateColumns(currentDataset).map((c) => c.key)
    const contentKeys = [...datasetKeys, 'periodStart', 'amendmentReason']

    // Rows that name a location but give no figures are left out (rows with nothing in them are not read).
    const rows: { rowNumber: number; cells: string[] }[] = []
    const leftOut: number[] = []
    for (const row of table.rows) {
      if (contentKeys.every((k) => cell(row.cells, k) === '')) leftOut.push(row.rowNumber)
      else rows.push(row)
    }
    if (rows.length === 0)
      return fileProblem(
        leftOut.length
          ? 'The file has no figures in it. Fill in the returns for at least one location'
          : 'The file has no rows under the header row',
      )

    const found = await locationsNamed(actor, rows, (cells) => ({
      cqcLocationId: cell(cells, 'cqcLocationId'),
      locationId: cell(cells, 'locationId'),
    }))
    const frequencies = new Map<string, Frequency>()
    for (const serviceType of new Set([...found.byId.values()].map((l) => l.serviceType))) {
      frequencies.set(serviceType, (await returns.templateFor(serviceType)).frequency)
    }

    // Problems found here, before the returns service sees the rows.
    const problems: UploadProblem[] = []
    const problem = (rowNumber: number, key: string | null, message: string, value: string | null) =>
      problems.push({
        row: rowNumber,
        column: key,
        columnLetter: key ? letterOf(key) : null,
        message,
        value: value || null,
      })
    type Sent = { rowNumber: number; cells: string[]; idColumn: string; ignorePeriodErrors: boolean }
    const sent: Sent[] = []
    const submissions: Parameters<ReturnsService['submitMany']>[1] = []
    const firstRowFor = new Map<string, number>()
    const now = clock.now()

    for (const { rowNumber, cells } of rows) {
      const cqcLocationId = cell(cells, 'cqcLocationId')
      const locationId = cell(cells, 'locationId')
      const idColumn = cqcLocationId || !locationId ? 'cqcLocationId' : 'locationId'
      if (!cqcLocationId && !locationId) {
        problem(rowNumber, 'cqcLocationId', 'Enter the location’s CQC location ID', null)
        continue
      }
      const byCqc = cqcLocationId ? found.byCqcId.get(cqcLocationId) : undefined
      const byId = locationId ? found.byId.get(locationId.toLowerCase()) : undefined
      if (cqcLocationId && locationId && byCqc && byId && byCqc.id !== byId.id) {
        problem(rowNumber, 'locationId', 'cqcLocationId and locationId name different locations', locationId)
        continue
      }
      // With both columns filled in, both must name the same location.
      const location =
        (cqcLocationId && locationId ? (byCqc?.id === byId?.id ? byCqc : null) : byCqc || byId) ?? null
      if (!location) {
        // The returns service says "not found" in its own words, as for any location out of scope.
        const column = cqcLocationId && !byCqc ? 'cqcLocationId' : locationId ? 'locationId' : 'cqcLocationId'
        sent.push({ rowNumber, cells, idColumn: column, ignorePeriodErrors: false })
        submissions.push({ locationId: !cqcLocationId && isUuid(locationId) ? locationId : '', raw: {} })
        continue
      }

      const serviceType = location.serviceType as ServiceType
      const applies = new Set<string>(fieldsFor(currentDataset, serviceType).map((f) => f.key))
      const raw: Record<string, string> = {}
      for (const key of datasetKeys) {
        if (!columns.has(key)) continue
        const value = cell(cells, key)
        if (applies.has(key)) raw[key] = value
        else if (value !== '')
          problem(
            rowNumber,
            key,
            `${key} does not apply to a ${serviceTypeNames[serviceType].toLowerCase()}: leave it blank`,
            value,
          )
      }

      const periodText = cell(cells, 'periodStart')
      const periodStart = periodText ? writtenDate(periodText) : undefined
      if (periodStart === null)
        problem(rowNumber, 'periodStart', 'Enter the period start as a date, like 2020-04-14', periodText)
      const frequency = frequencies.get(location.serviceType)!
      const period = periodStart
        ? periodStarting(frequency, periodStart).start
        : periodContaining(frequency, now).start
      const key = `${location.id}/${period}`
      const first = firstRowFor.get(key)
      // (A row whose period cannot be read is not compared: it is already wrong.)
      if (first !== undefined && periodStart !== null) {
        problem(
          rowNumber,
          idColumn,
          `This location’s return for the period from ${period} is already in row ${first}`,
          idColumn === 'locationId' ? locationId : cqcLocationId,
        )
        continue
      }
      if (periodStart !== null) firstRowFor.set(key, rowNumber)

      const options: SubmitOptions = { source: 'upload', periodStart: periodStart ?? undefined }
      const reason = cell(cells, 'amendmentReason')
      if (reason) options.amendmentReason = reason
      sent.push({ rowNumber, cells, idColumn, ignorePeriodErrors: periodStart === null })
      submissions.push({ locationId: location.id, raw, options })
    }

    // With a problem already found, one submission that can never pass (no location) makes sure that
    // submitMany saves nothing, while it still checks every other row.
    const sentinel = problems.length > 0 ? submissions.length : -1
    if (sentinel >= 0) submissions.push({ locationId: '', raw: {} })
    const result = await returns.submitMany(actor, submissions)
    if (result.ok) return { ok: true, saved: result.saved, leftOut }

    const columnFor = (field: string, s: Sent) =>
      field === 'location' ? s.idColumn : field === 'period' ? 'periodStart' : field
    for (const { index, errors, notFound } of result.problems) {
      if (index === sentinel) continue
      const s = sent[index]!
      const { cells } = s
      if (notFound) {
        problem(s.rowNumber, s.idColumn, notYours, cell(cells, s.idColumn))
        continue
      }
      for (const error of errors) {
        if (s.ignorePeriodErrors && (error.field === 'period' || error.field === 'amendmentReason')) continue
        const column = columnFor(error.field, s)
        const message =
          error.field === 'location' && /appear twice/.test(error.message)
            ? 'The same location and period appear twice in the file'
            : error.message
        problem(s.rowNumber, column, message, columns.has(column) ? cell(cells, column) : null)
      }
    }
    const order = (p: UploadProblem) => (p.column ? (columns.get(p.column) ?? 10_000) : -1)
    problems.sort((a, b) => a.row - b.row || order(a) - order(b))
    return { ok: false, problems, rows: rows.length }
  }

  // The locations the rows name, looked up in the actor's scope: by CQC location ID or CareHub id.
  async function locationsNamed(
    actor: Actor,
    rows: { cells: string[] }[],
    idsOf: (cells: string[]) => { cqcLocationId: string; locationId: string },
  ) {
    const cqcIds = new Set<string>()
    const ids = new Set<string>()
    for (const row of rows) {
      const { cqcLocationId, locationId } = idsOf(row.cells)
      if (cqcLocationId) cqcIds.add(cqcLocationId)
      if (isUuid(locationId)) ids.add(locationId.toLowerCase())
    }
    const byCqcId = new Map<string, { id: string; serviceType: string }>()
    const byId = new Map<string, { id: string; serviceType: string }>()
    if (cqcIds.size === 0 && ids.size === 0) return { byCqcId, byId }
    const found = await db
      .selectFrom('locations')
      .select(['id', 'cqcLocationId', 'serviceType'])
      .where(locationVisible(locationScope(actor)))
      .where((eb) =>
        eb.or([
          ...(cqcIds.size ? [eb('cqcLocationId', 'in', [...cqcIds])] : []),
          ...(ids.size ? [eb('id', 'in', [...ids])] : []),
        ]),
      )
      .execute()
    for (const l of found) {
      if (l.cqcLocationId) byCqcId.set(l.cqcLocationId, l)
      byId.set(l.id, l)
    }
    return { byCqcId, byId }
  }

  return { mayUpload, templateLocations, upload }
}

export type ReturnsUploadService = ReturnType<typeof createReturnsUploadService>

function fileProblem(message: string): UploadOutcome {
  return { ok: false, fileProblem: message }
}

// The header row: every heading must be one CareHub knows (in any case), once; a location column is needed.
function readHeader(table: UploadTable): { columns: Map<string, number>; problems: UploadProblem[] } {
  const known = new Map(
    [...fixedColumns, ...optionalColumns, ...templateColumns(currentDataset).map((c) => c.key)].map((k) => [
      k.toLowerCase(),
      k,
    ]),
  )
  const columns = new Map<string, number>()
  const problems: UploadProblem[] = []
  const at = (index: number, message: string, value: string | null) =>
    problems.push({
      row: table.headerRowNumber,
      column: value,
      columnLetter: columnLetter(index),
      message,
      value,
    })
  const width = table.rows.reduce((w, r) => Math.max(w, r.cells.length), table.header.length)
  for (let index = 0; index < width; index++) {
    const heading = (table.header[index] ?? '').trim()
    if (heading === '') {
      if (table.rows.some((r) => (r.cells[index] ?? '').trim() !== ''))
        at(index, 'This column has figures but no heading. Give it the heading from the template', null)
      continue
    }
    const key = known.get(heading.toLowerCase())
    if (!key) at(index, `${heading} is not a column of the returns template. Check the heading`, heading)
    else if (columns.has(key))
      at(index, `${heading} is in the file twice (also column ${columnLetter(columns.get(key)!)})`, heading)
    else columns.set(key, index)
  }
  if (problems.length === 0 && !columns.has('cqcLocationId') && !columns.has('locationId'))
    problems.push({
      row: table.headerRowNumber,
      column: 'cqcLocationId',
      columnLetter: null,
      message: 'The file needs a cqcLocationId column saying which location each row is about',
      value: null,
    })
  return { columns, problems }
}
