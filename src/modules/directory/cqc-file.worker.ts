import { createHash } from 'node:crypto'
import { FileRefused, type UploadLimits } from '../../domain/spreadsheet-reader.ts'
import { runInWorker, WorkerStopped } from '../../jobs/worker-threads.ts'
import { restrictToArea } from './domain/cqc-import/area.ts'
import type { ParsedFile, ParsedRow } from './domain/cqc-import/cqc-location.ts'
import { cqcImportLimits } from './domain/cqc-import/file-limits.ts'
import { parseCqcFile } from './domain/cqc-import/parse.ts'

// Reads a CQC file in a worker thread, so that a national file does not hold up anyone else's
// requests. The rows come back a few thousand at a time: each piece is a short task for the main
// thread, not one long one. With an area, rows outside it come back already set aside (most of a
// national file), as planCqcImport would set them aside: that leaves it little to do with them.

type Input = { fileName: string; content: Uint8Array; areaName: string | null; limits: UploadLimits }
type Part = { hash: string } | { rows: ParsedRow[] }
type Done = Omit<ParsedFile, 'rows'> | { refused: string }

const rowsPerPart = 2000

// In the worker. Rows go to the main thread as they are read (one part waiting to be taken at most),
// so that the worker never holds the whole file's rows as well.
export default async function readInWorker(
  input: Input,
  send: (part: Part) => Promise<unknown>,
): Promise<Done> {
  const content = Buffer.from(input.content.buffer, input.content.byteOffset, input.content.byteLength)
  await send({ hash: createHash('sha256').update(content).digest('hex') })
  const area = input.areaName ? { localAuthorityName: input.areaName } : null
  let taken: Promise<unknown> = Promise.resolve()
  const sendRows = async (rows: ParsedRow[]) => {
    await taken
    taken = send({ rows: restrictToArea(rows, area) })
  }
  let parsed: ParsedFile
  try {
    parsed = await parseCqcFile({ fileName: input.fileName, content }, input.limits, sendRows)
  } catch (error) {
    // (An error's class does not cross to the main thread.)
    if (error instanceof FileRefused) return { refused: error.message }
    throw error
  }
  // Rows not handed over as they were read (JSON lines) go now.
  for (let i = 0; i < parsed.rows.length; i += rowsPerPart)
    await sendRows(parsed.rows.slice(i, i + rowsPerPart))
  await taken
  const { rows: _, ...done } = parsed
  return done
}

// On the main thread: the file's rows and its SHA-256 (hex). A Buffer over a SharedArrayBuffer (as
// uploads are received) is not copied. A file past the limits is refused (FileRefused).
export async function readCqcFileOffThread(
  options: { fileName: string; content: Buffer; areaName: string | null },
  limits: UploadLimits = cqcImportLimits,
): Promise<{ parsed: ParsedFile; fileHash: string }> {
  let fileHash = ''
  const rows: ParsedRow[] = []
  const take = (part: Part) => {
    if ('hash' in part) fileHash = part.hash
    else for (const row of part.rows) rows.push(row)
  }
  const { fileName, content, areaName } = options
  try {
    const done = await runInWorker<Done>(
      new URL(import.meta.url),
      { fileName, content, areaName, limits } satisfies Input,
      { heapMb: 2048, seconds: 300 },
      (part) => take(part as Part),
    )
    if ('refused' in done) throw new FileRefused(done.refused)
    return { parsed: { ...done, rows }, fileHash }
  } catch (error) {
    if (!(error instanceof WorkerStopped)) throw error
    throw new FileRefused(
      error.reason === 'out-of-memory'
        ? 'The file is too large to read. Split it into smaller files'
        : 'The file took too long to read. Split it into smaller files',
    )
  }
}
