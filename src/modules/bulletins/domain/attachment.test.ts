import { describe, expect, it } from 'vitest'
import { attachmentSize, checkAttachment, cleanFileName } from './attachment.ts'

const pdf = Buffer.from('%PDF-1.7\n%âãÏÓ\n1 0 obj\n<<>>\nendobj\n')
const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13])
const docx = Buffer.concat([
  Buffer.from([0x50, 0x4b, 0x03, 0x04]),
  Buffer.from('..[Content_Types].xml..word/document.xml'),
])

describe('bulletin attachments', () => {
  it('accepts PDF, DOCX and images whose content matches their name', () => {
    expect(checkAttachment('Guide.pdf', pdf)).toEqual({
      ok: true,
      value: { fileName: 'Guide.pdf', contentType: 'application/pdf' },
    })
    expect(checkAttachment('chart.PNG', png)).toMatchObject({ ok: true, value: { contentType: 'image/png' } })
    expect(checkAttachment('letter.docx', docx)).toMatchObject({ ok: true })
  })

  it('refuses a file whose content is not what its name says, or of another kind', () => {
    expect(checkAttachment('guide.pdf', Buffer.from('<script>alert(1)</script>'))).toEqual({
      ok: false,
      error: 'The selected file is not a real PDF file',
    })
    // A DOCX renamed as a spreadsheet is not a spreadsheet.
    expect(checkAttachment('sheet.xlsx', docx)).toMatchObject({ ok: false })
    expect(checkAttachment('page.html', Buffer.from('<html>'))).toMatchObject({ ok: false })
    expect(checkAttachment('run.exe', Buffer.from('MZ'))).toMatchObject({ ok: false })
    expect(checkAttachment('big.pdf', Buffer.concat([pdf, Buffer.alloc(5 * 1024 * 1024)]))).toEqual({
      ok: false,
      error: 'The selected file must be smaller than 5 MB',
    })
  })

  it('keeps only the last part of a name, printable', () => {
    expect(cleanFileName('C:\\Users\\me\\a"b\n.pdf')).toBe('ab.pdf')
    expect(cleanFileName('../../etc/passwd.pdf')).toBe('passwd.pdf')
    expect(attachmentSize(2048)).toBe('2 KB')
  })
})
