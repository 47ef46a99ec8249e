import { Document, Packer, Paragraph, TextRun } from 'docx'
import type { PDFFont } from 'pdf-lib'

// A merged letter as a file a provider prints or sends: Word (DOCX) or PDF. The text is the letter's,
// line by line; nothing else is added.

export async function letterAsDocx(letter: string, councilName: string): Promise<Buffer> {
  const document = new Document({
    creator: councilName,
    title: `Letter from ${councilName}`,
    sections: [
      {
        children: letter
          .split('\n')
          .map((line) => new Paragraph({ children: [new TextRun({ text: line, size: 24 })] })),
      },
    ],
  })
  return Packer.toBuffer(document)
}

// A4 in points, with 2.5 cm margins; 12 pt Helvetica (one of the PDF standard fonts, so nothing is
// embedded or downloaded).
const page = { width: 595.28, height: 841.89, margin: 72 }
const fontSize = 12
const lineHeight = 16

// Helvetica covers Windows-1252 only: any other character is shown as "?" rather than failing.
function printable(font: PDFFont, text: string): string {
  return [...text]
    .map((c) => {
      try {
        font.encodeText(c)
        return c
      } catch {
        return '?'
      }
    })
    .join('')
}

// Breaks a paragraph into lines no wider than the page, at spaces (a word longer than a line is cut).
function wrap(font: PDFFont, paragraph: string, width: number): string[] {
  const lines: string[] = []
  let line = ''
  for (const word of paragraph.split(/ +/)) {
    const candidate = line ? `${line} ${word}` : word
    if (font.widthOfTextAtSize(candidate, fontSize) <= width) {
      line = candidate
      continue
    }
    if (line) lines.push(line)
    line = word
    while (font.widthOfTextAtSize(line, fontSize) > width && line.length > 1) {
      let cut = line.length - 1
      while (cut > 1 && font.widthOfTextAtSize(line.slice(0, cut), fontSize) > width) cut--
      lines.push(line.slice(0, cut))
      line = line.slice(cut)
    }
  }
  lines.push(line)
  return lines
}

export async function letterAsPdf(letter: string, councilName: string): Promise<Buffer> {
  // Loaded when a letter is printed: a quarter of a second of every start otherwise.
  const { PDFDocument, StandardFonts } = await import('pdf-lib')
  const pdf = await PDFDocument.create()
  pdf.setTitle(`Letter from ${councilName}`)
  pdf.setAuthor(councilName)
  pdf.setCreator('CareHub')
  const font = await pdf.embedFont(StandardFonts.Helvetica)
  const width = page.width - 2 * page.margin
  let current = pdf.addPage([page.width, page.height])
  let y = page.height - page.margin
  for (const paragraph of letter.split('\n')) {
    for (const line of wrap(font, printable(font, paragraph), width)) {
      if (y < page.margin) {
        current = pdf.addPage([page.width, page.height])
        y = page.height - page.margin
      }
      current.drawText(line, { x: page.margin, y, size: fontSize, font })
      y -= lineHeight
    }
  }
  return Buffer.from(await pdf.save())
}
