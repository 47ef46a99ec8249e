import type ExcelJS from 'exceljs'
import { csvText } from '../../../domain/csv.ts'
import { type ServiceType, serviceTypeNames, serviceTypes } from '../../../domain/service-types.ts'
import { type DatasetDefinition, type DatasetField, fieldsFor, templateColumns } from '../domain/dataset.ts'

// The bulk-upload template, generated from the dataset definition: a few fixed columns that say which
// location and period a row is about, then one column per field of the dataset, headed by its key.

export type TemplateLocation = {
  id: string
  cqcLocationId: string | null
  name: string
  serviceType: string
}

// Columns an upload may have besides the dataset's own. `locationId` (CareHub's id) is only in the
// template when a location has no CQC location ID; `amendmentReason` is added by whoever corrects returns.
export const fixedColumns = ['cqcLocationId', 'locationName', 'periodStart'] as const
export const optionalColumns = ['locationId', 'amendmentReason'] as const

export function templateHeader(definition: DatasetDefinition, locations: readonly TemplateLocation[]) {
  const needsLocationId = locations.some((l) => !l.cqcLocationId)
  return [
    'cqcLocationId',
    ...(needsLocationId ? ['locationId'] : []),
    'locationName',
    'periodStart',
    ...templateColumns(definition).map((c) => c.key),
  ]
}

function templateRow(header: readonly string[], location: TemplateLocation): string[] {
  return header.map((column) =>
    column === 'cqcLocationId'
      ? (location.cqcLocationId ?? '')
      : column === 'locationId'
        ? location.cqcLocationId
          ? ''
          : location.id
        : column === 'locationName'
          ? location.name
          : '',
  )
}

export function templateCsv(definition: DatasetDefinition, locations: readonly TemplateLocation[]): string {
  const header = templateHeader(definition, locations)
  // A location named "=…" is made harmless by the writer, like every other cell.
  return csvText([header, ...locations.map((l) => templateRow(header, l))], { bom: true })
}

const typeDescriptions: Record<DatasetField['type'], (f: DatasetField) => string> = {
  'whole-number': (f) =>
    `Whole number, 0${f.max !== undefined ? ` to ${f.max.toLocaleString('en-GB')}` : ' or more'}`,
  'yes-no': () => 'yes or no',
  choice: (f) => `Any of ${(f.choices ?? []).map((c) => c.value).join(', ')}, separated by commas`,
  text: (f) => `Text${f.max !== undefined ? `, up to ${f.max.toLocaleString('en-GB')} characters` : ''}`,
}

export type ColumnGuide = {
  column: string
  label: string
  hint: string
  type: string
  unit: string
  appliesTo: string
  required: string
}

// What each column means: shown on the upload page and in the workbook's "Guidance" sheet.
export function columnGuide(definition: DatasetDefinition): ColumnGuide[] {
  const fields = new Map<string, DatasetField>()
  for (const field of definition.sections.flatMap((s) => s.fields))
    if (!fields.has(field.key)) fields.set(field.key, field)
  const fixed: ColumnGuide[] = [
    {
      column: 'cqcLocationId',
      label: 'CQC location ID',
      hint: 'Which location the row is about, like 1-123456789',
      type: 'Text',
      unit: '',
      appliesTo: 'All services',
      required: 'Yes (or locationId)',
    },
    {
      column: 'locationId',
      label: 'CareHub location ID',
      hint: 'Only for a location with no CQC location ID',
      type: 'Text',
      unit: '',
      appliesTo: 'All services',
      required: 'Only without a CQC location ID',
    },
    {
      column: 'locationName',
      label: 'Location name',
      hint: 'For you to read. CareHub ignores it',
      type: 'Text',
      unit: '',
      appliesTo: 'All services',
      required: 'No',
    },
    {
      column: 'periodStart',
      label: 'First day of the period the return is for',
      hint: 'Leave blank for the current period: today for a daily return, this week for a weekly one',
      type: 'Date, like 2020-04-14',
      unit: '',
      appliesTo: 'All services',
      required: 'No',
    },
    {
      column: 'amendmentReason',
      label: 'Why you are changing a return already sent',
      hint: 'Add this column only to correct returns. Needed on each row for a period that already has a return',
      type: 'Text',
      unit: '',
      appliesTo: 'All services',
      required: 'Only to correct a return',
    },
  ]
  return [
    ...fixed,
    ...templateColumns(definition).map(({ key }) => {
      const field = fields.get(key)!
      const types = serviceTypes.filter((t) => fieldsFor(definition, t).some((f) => f.key === key))
      return {
        column: key,
        label: field.label,
        hint: field.hint ?? '',
        type: typeDescriptions[field.type](field),
        unit: field.unit ?? '',
        appliesTo:
          types.length === serviceTypes.length
            ? 'All services'
            : types.map((t) => serviceTypeNames[t]).join(', '),
        required: field.required ? 'Yes, where it applies' : 'No',
      }
    }),
  ]
}

const greyFill: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFD9D9D9' } }

// The same rows as the CSV on a first sheet, cells that do not apply to a location greyed out, and a
// second sheet, "Guidance", describing every column.
export async function templateXlsx(
  definition: DatasetDefinition,
  locations: readonly TemplateLocation[],
): Promise<Buffer> {
  const header = templateHeader(definition, locations)
  const guide = columnGuide(definition)
  const labels = new Map(guide.map((g) => [g.column, g.label]))
  // Loaded when a template is asked for: a third of a second of every start otherwise.
  const { default: ExcelJS } = await import('exceljs')
  const workbook = new ExcelJS.Workbook()
  const sheet = workbook.addWorksheet('Returns', { views: [{ state: 'frozen', ySplit: 1, xSplit: 1 }] })
  sheet.columns = header.map((column) => ({
    header: column,
    key: column,
    width: column === 'locationName' ? 36 : Math.max(12, column.length + 2),
  }))
  const headerRow = sheet.getRow(1)
  headerRow.font = { bold: true }
  header.forEach((column, i) => {
    const label = labels.get(column)
    if (label) headerRow.getCell(i + 1).note = label
  })
  for (const column of ['cqcLocationId', 'locationId', 'periodStart']) {
    if (header.includes(column)) sheet.getColumn(column).numFmt = '@'
  }
  for (const location of locations) {
    const row = sheet.addRow(templateRow(header, location).map((v) => (v === '' ? null : v)))
    const applicable = new Set(
      fieldsFor(definition, location.serviceType as ServiceType).map((f) => f.key) as string[],
    )
    header.forEach((column, i) => {
      if (!(fixedColumns as readonly string[]).includes(column) && column !== 'locationId') {
        if (!applicable.has(column)) row.getCell(i + 1).fill = greyFill
      }
    })
  }
  const guidance = workbook.addWorksheet('Guidance', { views: [{ state: 'frozen', ySplit: 1 }] })
  guidance.columns = [
    { header: 'Column', key: 'column', width: 26 },
    { header: 'What it is', key: 'label', width: 50 },
    { header: 'Type', key: 'type', width: 34 },
    { header: 'Unit', key: 'unit', width: 8 },
    { header: 'Applies to', key: 'appliesTo', width: 48 },
    { header: 'Required', key: 'required', width: 26 },
    { header: 'Notes', key: 'hint', width: 60 },
  ]
  guidance.getRow(1).font = { bold: true }
  for (const g of guide) guidance.addRow(g)
  guidance.addRow({})
  guidance.addRow({
    column: 'Blank cells',
    label:
      'Leave a cell blank if you do not know. Enter 0 when the answer is none: a blank is not the same as 0. Grey cells do not apply to that location and must stay blank.',
  })
  return Buffer.from(await workbook.xlsx.writeBuffer())
}
