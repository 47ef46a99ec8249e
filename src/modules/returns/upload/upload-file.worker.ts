import type { UploadLimits } from '../../../domain/spreadsheet-reader.ts'
import { runInWorker, WorkerStopped } from '../../../jobs/worker-threads.ts'
import { type ReadResult, readUpload, returnsUploadLimits } from './upload-file.ts'

// Reads an upload in a worker thread, so that a large file does not hold up anyone else's requests.

type Input = { fileName: string; content: Uint8Array; limits: UploadLimits }

// In the worker.
export default function readInWorker(input: Input): Promise<ReadResult> {
  const { content } = input
  return readUpload(
    input.fileName,
    Buffer.from(content.buffer, content.byteOffset, content.byteLength),
    input.limits,
  )
}

// On the main thread. A Buffer over a SharedArrayBuffer (as uploads are received) is not copied.
export async function readUploadOffThread(
  fileName: string,
  content: Buffer,
  limits: UploadLimits = returnsUploadLimits,
): Promise<ReadResult> {
  try {
    return await runInWorker<ReadResult>(
      new URL(import.meta.url),
      { fileName, content, limits } satisfies Input,
      {
        heapMb: 512,
        seconds: 120,
      },
    )
  } catch (error) {
    if (!(error instanceof WorkerStopped)) throw error
    return {
      ok: false,
      message:
        error.reason === 'out-of-memory'
          ? 'The file is too large to read. Upload fewer rows at once'
          : 'The file took too long to read. Upload fewer rows at once',
    }
  }
}
