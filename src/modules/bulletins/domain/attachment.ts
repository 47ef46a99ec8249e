// What may be attached to a bulletin: PDF, Word (DOCX), Excel (XLSX), PNG and JPEG, each recognised by
// its content, not only its name, so a renamed program or web page is refused. Pure: bytes in.

export const attachmentMaxBytes = 5 * 1024 * 1024
export const attachmentsPerBulletin = 5

type Kind = { extensions: string[]; contentType: string; is: (content: Buffer) => boolean }

const startsWith = (content: Buffer, bytes: number[]) => bytes.every((b, i) => content[i] === b)
// A DOCX or XLSX is a ZIP whose entries' names stand in plain text in its local headers.
const zipWith = (content: Buffer, entry: string) =>
  startsWith(content, [0x50, 0x4b, 0x03, 0x04]) &&
  content.includes('[Content_Types].xml') &&
  content.includes(entry)

const kinds: Kind[] = [
  { extensions: ['pdf'], contentType: 'application/pdf', is: (c) => c.subarray(0, 5).toString() === '%PDF-' },
  {
    extensions: ['docx'],
    contentType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    is: (c) => zipWith(c, 'word/'),
  },
  {
    extensions: ['xlsx'],
    contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    is: (c) => zipWith(c, 'xl/'),
  },
  {
    extensions: ['png'],
    contentType: 'image/png',
    is: (c) => startsWith(c, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  },
  { extensions: ['jpg', 'jpeg'], contentType: 'image/jpeg', is: (c) => startsWith(c, [0xff, 0xd8, 0xff]) },
]

export type CheckedAttachment = { fileName: string; contentType: string }

// The file's name as it will be offered for download: its last path part, printable characters only.
export function cleanFileName(name: string): string {
  const last = name.split(/[\\/]/).pop() ?? ''
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is removed
  const printable = last.replace(/[\u0000-\u001f\u007f"]/g, '').trim()
  return printable.slice(-150)
}

// The file's type, when its extension and its content agree on one of the kinds allowed.
export function checkAttachment(
  name: string,
  content: Buffer,
): { ok: true; value: CheckedAttachment } | { ok: false; error: string } {
  const fileName = cleanFileName(name)
  const extension = /\.([a-z0-9]+)$/i.exec(fileName)?.[1]?.toLowerCase() ?? ''
  const kind = kinds.find((k) => k.extensions.includes(extension))
  if (!kind) return { ok: false, error: 'The selected file must be a PDF, DOCX, XLSX, PNG or JPEG' }
  if (content.length > attachmentMaxBytes)
    return { ok: false, error: 'The selected file must be smaller than 5 MB' }
  if (!kind.is(content))
    return { ok: false, error: `The selected file is not a real ${extension.toUpperCase()} file` }
  return { ok: true, value: { fileName, contentType: kind.contentType } }
}

// Shown beside a download link: "PDF, 120 KB".
export function attachmentSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`
  if (bytes < 1024 * 1024) return `${Math.ceil(bytes / 1024)} KB`
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`
}
