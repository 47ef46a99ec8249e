import {
  AlignmentType,
  Document,
  HeadingLevel,
  Packer,
  Paragraph,
  Table,
  TableCell,
  TableRow,
  TextRun,
  WidthType,
} from 'docx'
import { type CsvCell, csvText } from '../../domain/csv.ts'
import { pounds, poundsPlain } from './domain/money.ts'
import { type SupportCategory, supportCategories, supportCategoryNames } from './domain/schemes.ts'
import type { SupportReturnService, SupportSide } from './support-return.service.ts'

// The provider-support return as files: a DOCX to publish and a CSV of its figures; and the
// Transparency Code spending file.

type SupportReturn = NonNullable<Awaited<ReturnType<SupportReturnService['build']>>>

export const sideTitle = (contracted: boolean) =>
  contracted
    ? 'Support to providers the council has contracts with'
    : 'Support to providers the council does not have contracts with'
export const spentTitle = (contracted: boolean) =>
  `Total spent to date on supporting providers the council ${contracted ? 'has' : 'does not have'} contracts with (not including personal protective equipment or the Infection Control grant)`
export const ppeTitle =
  'Total spent to date on personal protective equipment for providers the council does and does not contract with'
export const spentNote = 'Spent means the money has reached the provider.'
export const ppeNote = (r: SupportReturn) => (r.ppe.recorded ? '' : ' (not recorded here)')

const cell = (text: string, bold = false) =>
  new TableCell({
    width: { size: 25, type: WidthType.PERCENTAGE },
    children: [new Paragraph({ children: [new TextRun({ text, bold })] })],
  })

function sideTable(side: SupportSide) {
  const header = new TableRow({
    tableHeader: true,
    children: [cell('', true), ...supportCategories.map((c) => cell(supportCategoryNames[c], true))],
  })
  const offered = new TableRow({
    children: [cell('Support being offered', true), ...supportCategories.map((c) => cell(side.wording[c]))],
  })
  const spent = new TableRow({
    children: [cell('Spent', true), ...supportCategories.map((c) => cell(pounds(side.byCategory[c])))],
  })
  return new Table({ width: { size: 100, type: WidthType.PERCENTAGE }, rows: [header, offered, spent] })
}

export async function supportReturnDocx(r: SupportReturn): Promise<Buffer> {
  const para = (text: string, bold = false) => new Paragraph({ children: [new TextRun({ text, bold })] })
  const sections = [true, false].flatMap((contracted) => {
    const side = contracted ? r.contracted : r.notContracted
    return [
      new Paragraph({ text: sideTitle(contracted), heading: HeadingLevel.HEADING_2 }),
      sideTable(side),
      para(spentTitle(contracted)),
      new Paragraph({
        alignment: AlignmentType.LEFT,
        children: [new TextRun({ text: pounds(side.totalPence), bold: true })],
      }),
    ]
  })
  const doc = new Document({
    title: `COVID-19 provider support, ${r.councilName}`,
    creator: 'CareHub',
    sections: [
      {
        children: [
          new Paragraph({ text: 'COVID-19 provider support', heading: HeadingLevel.HEADING_1 }),
          para(r.councilName),
          para(`As at ${r.asAtWords}`),
          ...sections,
          new Paragraph({ text: 'Personal protective equipment', heading: HeadingLevel.HEADING_2 }),
          para(ppeTitle),
          new Paragraph({
            children: [new TextRun({ text: `${pounds(r.ppe.pence)}${ppeNote(r)}`, bold: true })],
          }),
          para(spentNote),
        ],
      },
    ],
  })
  return Packer.toBuffer(doc)
}

export function supportReturnCsv(r: SupportReturn): string {
  const rows: CsvCell[][] = [['As at', 'Providers', 'Service type', 'Support being offered', 'Spent (£)']]
  for (const side of [r.contracted, r.notContracted]) {
    const who = side.contracted ? 'Contracted' : 'Not contracted'
    for (const c of supportCategories as readonly SupportCategory[])
      rows.push([r.asAt, who, supportCategoryNames[c], side.wording[c], poundsPlain(side.byCategory[c])])
    rows.push([
      r.asAt,
      who,
      'All',
      'Total (not including PPE or the Infection Control grant)',
      poundsPlain(side.totalPence),
    ])
  }
  rows.push([r.asAt, 'All', 'All', `Personal protective equipment${ppeNote(r)}`, poundsPlain(r.ppe.pence)])
  return csvText(rows)
}

// The Local Government Transparency Code 2015's columns for expenditure over £500.
export const transparencyColumns = [
  'Date the expenditure was incurred',
  'Local authority department which incurred the expenditure',
  'Beneficiary',
  'Summary of the purpose of the expenditure',
  'Amount',
  'Value Added Tax that cannot be recovered',
  'Merchant category',
] as const

export function transparencyCsv(
  rows: {
    paidOn: string | null
    runReference: string
    beneficiary: string
    pence: string
    purposes: string
  }[],
): string {
  return csvText([
    transparencyColumns,
    ...rows.map((r) => [
      r.paidOn,
      'Adult Social Care',
      r.beneficiary,
      `COVID-19 provider support (payment run ${r.runReference}): ${r.purposes}`,
      poundsPlain(r.pence),
      '0.00',
      'Social care providers',
    ]),
  ])
}
