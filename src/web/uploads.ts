import multipart, { type Multipart, type MultipartFile } from '@fastify/multipart'
import type { FastifyInstance, FastifyRequest } from 'fastify'

// File uploads, for the routes of one plugin. The order matters, so that nobody can make the service
// read a large body it will not use: who is signed in is known when the request arrives (onRequest);
// the form's fields before the file (the CSRF token among them) are read before the CSRF check; the
// file itself is read only by the handler, a chunk at a time, and no further than the size limit.

type Pending = { file: MultipartFile; rest: AsyncIterator<Multipart> }
const pending = new WeakMap<FastifyRequest, Pending>()

// The fields of a form, however many and whatever their size, fit in this beside the file.
const formAllowance = 1024 * 1024

export async function acceptUploads(app: FastifyInstance, options: { maxBytes: number; fields: number }) {
  await app.register(multipart, {
    limits: {
      fileSize: options.maxBytes,
      files: 1,
      fields: options.fields,
      fieldSize: 10_000,
      parts: options.fields + 1,
      headerPairs: 20,
    },
    // Past the size limit the file is marked truncated, so that the form can say so.
    throwFileSizeLimit: false,
  })
  app.addHook('preValidation', async (request) => {
    if (!request.isMultipart()) return
    const body: Record<string, string> = {}
    request.body = body
    const parts = request.parts()
    for (;;) {
      const next = await parts.next()
      if (next.done) return
      const part = next.value
      if (part.type === 'file') {
        // The file's name stands in the body under its field, so the input checks see it too.
        body[part.fieldname] = part.filename
        pending.set(request, { file: part, rest: parts })
        return
      }
      body[part.fieldname] = String(part.value)
    }
  })
  // Whatever is left of the body once the answer has gone (a file refused unread, or past its limit)
  // is let through without being parsed or kept, so that the request ends and the connection can be
  // used again.
  app.addHook('onResponse', async (request) => {
    if (!request.isMultipart() || request.raw.readableEnded) return
    request.raw.unpipe()
    request.raw.resume()
  })
}

export type ReceivedUpload =
  | { ok: true; fileName: string; content: Buffer; fields: Record<string, string> }
  | { ok: false; problem: 'no-file' | 'too-large'; fields: Record<string, string> }

// The uploaded file, and the form's fields. The file's bytes go into memory that a worker thread can
// read without a copy (a SharedArrayBuffer). A file over `maxBytes` is refused: at once when the
// request says how long it is, otherwise when the limit is reached; the rest is not kept.
export async function receiveUpload(request: FastifyRequest, maxBytes: number): Promise<ReceivedUpload> {
  const fields = (request.isMultipart() ? request.body : {}) as Record<string, string>
  const found = pending.get(request)
  if (!found) return { ok: false, problem: 'no-file', fields }
  const declared = Number(request.headers['content-length'])
  if (declared > maxBytes + formAllowance) return { ok: false, problem: 'too-large', fields }
  pending.delete(request)
  const { file, rest } = found
  const content = await readAtMost(file.file, maxBytes, Number.isFinite(declared) ? declared : 0)
  if (!content) return { ok: false, problem: 'too-large', fields }
  // The fields after the file (the form's other questions).
  for (;;) {
    const next = await rest.next()
    if (next.done) break
    if (next.value.type === 'field') fields[next.value.fieldname] = String(next.value.value)
  }
  if (content.length === 0 || !file.filename) return { ok: false, problem: 'no-file', fields }
  return { ok: true, fileName: file.filename, content, fields }
}

// Resolves as soon as the file passes the limit (the rest of the body is dropped once the answer has
// gone: see onResponse above).
function readAtMost(file: MultipartFile['file'], maxBytes: number, sizeHint: number): Promise<Buffer | null> {
  let store = Buffer.from(new SharedArrayBuffer(Math.min(Math.max(sizeHint, 1 << 16), maxBytes)))
  let length = 0
  let over = false
  return new Promise((resolve, reject) => {
    const refuse = () => {
      over = true
      resolve(null)
    }
    file.on('limit', refuse)
    file.on('data', (chunk: Buffer) => {
      if (over) return
      if (length + chunk.length > maxBytes) return refuse()
      if (length + chunk.length > store.length) {
        const size = Math.min(maxBytes, Math.max(store.length * 2, length + chunk.length))
        const bigger = Buffer.from(new SharedArrayBuffer(size))
        store.copy(bigger, 0, 0, length)
        store = bigger
      }
      chunk.copy(store, length)
      length += chunk.length
    })
    file.on('end', () => resolve(over || file.truncated ? null : store.subarray(0, length)))
    file.on('error', reject)
  })
}
