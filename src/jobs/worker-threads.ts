import { mkdtemp, open, rm } from 'node:fs/promises'
import { availableParallelism, tmpdir } from 'node:os'
import path from 'node:path'
import { Worker } from 'node:worker_threads'

// Work that would hold the event loop for long (reading a large spreadsheet) runs in a worker thread,
// so that every other request is still answered meanwhile. A worker is started for each task and ends
// with it, which gives its memory back to the system; a few run at once, the rest wait their turn.
// Each has a temporary directory of its own (for any library that writes temporary files), removed
// when it ends, however it ends.

// What a worker may use: past this its heap, or its time, it is stopped and the task fails.
export type WorkerLimits = { heapMb: number; seconds: number }

export class WorkerStopped extends Error {
  // `byItself`: the worker saw it and stopped between statements, rather than being stopped mid-way.
  constructor(
    readonly reason: 'out-of-memory' | 'timed-out',
    readonly byItself = true,
  ) {
    super(reason === 'out-of-memory' ? 'The worker ran out of memory' : 'The worker took too long')
  }
}

const bootstrap = new URL('./typescript-worker.mjs', import.meta.url)
const atOnce = Math.max(1, Math.min(2, availableParallelism() - 1))
let running = 0
const waiting: (() => void)[] = []

// Waits for a place; the function it gives back hands the place on (or frees it).
async function turn(): Promise<() => void> {
  if (running < atOnce) running++
  else await new Promise<void>((resolve) => waiting.push(resolve))
  return () => {
    const next = waiting.shift()
    if (next) next()
    else running--
  }
}

// Runs the default export of `entry` (a module URL) in a worker with `input` (copied, except the
// memory of a SharedArrayBuffer, which both threads see). `onPart` takes what the task sends as it
// goes, one part at a time with other work in between.
export async function runInWorker<T>(
  entry: URL,
  input: unknown,
  limits: WorkerLimits,
  onPart: (part: unknown) => void = () => {},
): Promise<T> {
  const done = await turn()
  const scratch = await mkdtemp(path.join(tmpdir(), 'carehub-worker-'))
  let exited: Promise<unknown> = Promise.resolve()
  try {
    return await new Promise<T>((resolve, reject) => {
      let settled = false
      const worker = new Worker(bootstrap, {
        workerData: { entry: entry.href, input, seconds: limits.seconds, heapMb: limits.heapMb },
        resourceLimits: { maxOldGenerationSizeMb: limits.heapMb },
        // No flags of the main thread's own (--inspect, a heap limit for the main thread).
        execArgv: [],
        env: { ...process.env, TMPDIR: scratch },
      })
      exited = new Promise((resolve) => worker.once('exit', resolve))
      // A worker ends itself when it has answered or its time is up (typescript-worker.mjs says why it
      // is not stopped from here). It is stopped from here only if it has not ended a while after:
      // its thread held by a loop that never waits.
      const finish = (settle: () => void, stop: boolean) => {
        if (settled) return
        settled = true
        clearTimeout(timer)
        settle()
        if (stop) void worker.terminate()
        else setTimeout(() => void worker.terminate(), 10_000).unref()
      }
      const timer = setTimeout(
        () => finish(() => reject(new WorkerStopped('timed-out', false)), true),
        limits.seconds * 1000 + 10_000,
      )
      type Message = { part?: unknown; done?: T; failed?: string; timedOut?: true; outOfMemory?: true }
      worker.on('message', (message: Message) => {
        if ('part' in message) {
          onPart(message.part)
          // The next part once this thread has seen to whatever else is waiting.
          setImmediate(() => settled || worker.postMessage('next'))
        } else if ('done' in message) finish(() => resolve(message.done as T), false)
        else if (message.timedOut) finish(() => reject(new WorkerStopped('timed-out')), false)
        else if (message.outOfMemory) finish(() => reject(new WorkerStopped('out-of-memory')), false)
        else finish(() => reject(new Error(`The worker failed: ${message.failed}`)), false)
      })
      worker.on('error', (error: Error & { code?: string }) =>
        finish(
          () =>
            reject(
              error.code === 'ERR_WORKER_OUT_OF_MEMORY' ? new WorkerStopped('out-of-memory', false) : error,
            ),
          false,
        ),
      )
      worker.on('exit', (code) =>
        finish(() => reject(new Error(`The worker stopped (exit code ${code})`)), false),
      )
    })
  } finally {
    done()
    await exited
    await rm(scratch, { recursive: true, force: true })
  }
}

// A file's bytes in memory a worker can read without a copy (a SharedArrayBuffer), for runInWorker.
export async function readFileShared(file: string): Promise<Buffer> {
  const handle = await open(file)
  try {
    const { size } = await handle.stat()
    const content = Buffer.from(new SharedArrayBuffer(size))
    for (let at = 0; at < size; ) {
      const { bytesRead } = await handle.read(content, at, size - at, at)
      if (bytesRead === 0) break
      at += bytesRead
    }
    return content
  } finally {
    await handle.close()
  }
}
