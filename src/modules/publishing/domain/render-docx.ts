import {
  Document,
  HeadingLevel,
  Packer,
  PageOrientation,
  Paragraph,
  Table,
  TableCell,
  TableRow,
  TextRun,
  WidthType,
} from 'docx'
import type { Cell, PublishedBlock, PublishedContent, VersionFacts } from './content.ts'
import { instantInWords } from './render-html.ts'

// A published version as a Word document (A4 landscape, so a four-column table reads well), made with
// the `docx` package; stored as bytes when the version is published.

const cellParagraphs = (cell: Cell | undefined): Paragraph[] => {
  const text = (cell?.text ?? '').split(/\n+/).filter((p) => p.trim() !== '')
  const paragraphs = text.map((p) => new Paragraph({ text: p }))
  for (const f of cell?.figures ?? [])
    paragraphs.push(
      new Paragraph({
        children: [
          new TextRun({ text: `${f.name}: ${f.shown}`, bold: true }),
          new TextRun({ text: ` (at ${instantInWords(f.asAt)}). ${f.definition}` }),
        ],
      }),
    )
  return paragraphs.length ? paragraphs : [new Paragraph({ text: '' })]
}

const row = (cells: Paragraph[][], header = false) =>
  new TableRow({
    tableHeader: header,
    children: cells.map((children) => new TableCell({ children })),
  })

const bold = (text: string) => [new Paragraph({ children: [new TextRun({ text, bold: true })] })]

function blockChildren(block: PublishedBlock): (Paragraph | Table)[] {
  switch (block.type) {
    case 'heading':
      return [
        new Paragraph({
          text: block.text,
          heading: block.level === 2 ? HeadingLevel.HEADING_2 : HeadingLevel.HEADING_3,
        }),
      ]
    case 'paragraph':
      return [new Paragraph({ text: block.text })]
    case 'list':
      return block.items.map((item) => new Paragraph({ text: item, bullet: { level: 0 } }))
    case 'table':
      return [
        new Paragraph({ children: [new TextRun({ text: block.caption, bold: true })] }),
        new Table({
          width: { size: 100, type: WidthType.PERCENTAGE },
          rows: [
            row(
              block.columns.map((c) => bold(c.label)),
              true,
            ),
            ...block.rows.map((r) => row(block.columns.map((c) => cellParagraphs(r[c.key])))),
          ],
        }),
      ]
    case 'suppressed': {
      const t = block.table
      const text = (s: string) => [new Paragraph({ text: s })]
      return [
        new Paragraph({ children: [new TextRun({ text: block.caption, bold: true })] }),
        new Table({
          width: { size: 100, type: WidthType.PERCENTAGE },
          rows: [
            row(['', ...t.columnLabels, 'Total'].map(bold), true),
            ...t.rowLabels.map((label, r) =>
              row([bold(label), ...[...t.cells[r]!, t.rowTotals[r]!].map((c) => text(c.shown))]),
            ),
            row([bold('Total'), ...[...t.columnTotals, t.total].map((c) => text(c.shown))]),
          ],
        }),
        new Paragraph({ text: block.note }),
      ]
    }
  }
}

// `facts` null: the report as it stands now, not a published version (the live report's download).
export async function renderDocx(content: PublishedContent, facts: VersionFacts | null): Promise<Buffer> {
  const about = facts
    ? [
        new Paragraph({
          text: `Version ${facts.version}, published ${instantInWords(facts.publishedAt)}, signed off by ${facts.signedOffName}. Figures as at ${instantInWords(content.asAt)}.`,
        }),
        ...(facts.changeNote ? [new Paragraph({ text: `Correction. ${facts.changeNote}` })] : []),
        new Paragraph({ text: `Permanent address: ${facts.address}` }),
      ]
    : [
        new Paragraph({
          text: `Not published: the report as it stood at ${instantInWords(content.asAt)}, with small numbers withheld as they would be when published.`,
        }),
      ]
  const document = new Document({
    title: content.title,
    creator: 'CareHub',
    sections: [
      {
        properties: { page: { size: { orientation: PageOrientation.LANDSCAPE } } },
        children: [
          new Paragraph({ text: content.title, heading: HeadingLevel.HEADING_1 }),
          ...about,
          new Paragraph({ text: content.summary }),
          ...content.blocks.flatMap(blockChildren),
        ],
      },
    ],
  })
  return Packer.toBuffer(document)
}
